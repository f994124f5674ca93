/**
 * KVM_CAP_SYNC_REGS (uapi.md §1.5): registers exchanged through kvm_run.s
 * instead of ioctls, plus vdbg's opt-in KVM_CAP_SYNC_REGS_CONDITIONAL (Sean's
 * counter-proposal, uapi.md §5): with bit 63 in kvm_valid_regs the store
 * after KVM_RUN happens only for exit reasons whose bit is set in
 * kvm_save_regs_on_exit (run+2352).
 */
import { Errno, KvmError } from '../uapi/errors.ts';
import {
  KVM_SAVE_REGS_ON_EXIT_WORDS,
  KVM_SYNC_REGS_CONDITIONAL,
  KVM_SYNC_REGS_EVENTS_OFFSET,
  KVM_SYNC_REGS_REGS_OFFSET,
  KVM_SYNC_REGS_SREGS_OFFSET,
  KVM_SYNC_X86_VALID_FIELDS,
  KvmSyncX86,
  kvmRun,
  saveRegsOnExitBit,
} from '../uapi/kvm-run.ts';
import { kvmRegs, kvmSregs, kvmVcpuEvents } from '../uapi/structs.ts';
import type { EmuVcpu } from './vcpu.ts';

const REGS = BigInt(KvmSyncX86.REGS), SREGS = BigInt(KvmSyncX86.SREGS), EVENTS = BigInt(KvmSyncX86.EVENTS);

/** kvm_sync_valid_fields, plus the conditional flag when the VM enabled the extension. */
function validFields(v: EmuVcpu): bigint {
  return BigInt(KVM_SYNC_X86_VALID_FIELDS) | (v.vm.conditionalSync ? KVM_SYNC_REGS_CONDITIONAL : 0n);
}

/**
 * kvm_arch_vcpu_ioctl_run steps 1–2: reject unknown bits (EINVAL), then
 * apply the dirty classes in the order REGS, SREGS, EVENTS, clearing each
 * bit as it is consumed (a failing class keeps its bit and fails with EINVAL).
 */
export function syncRegsIn(v: EmuVcpu): void {
  const run = v.run;
  const valid = kvmRun.get(run, 'kvm_valid_regs'), dirty = kvmRun.get(run, 'kvm_dirty_regs');
  if (valid & ~validFields(v) || dirty & ~BigInt(KVM_SYNC_X86_VALID_FIELDS)) {
    throw new KvmError(Errno.EINVAL, 'KVM_RUN', 'kvm_valid_regs/kvm_dirty_regs has bits outside KVM_SYNC_X86_VALID_FIELDS');
  }
  if (dirty === 0n) return;
  let d = dirty;
  if (d & REGS) {
    v.setRegsInternal(kvmRegs.decode(run, KVM_SYNC_REGS_REGS_OFFSET)); // __set_regs
    v.counters.inc('sync.regs');
    d &= ~REGS;
    kvmRun.set(run, 'kvm_dirty_regs', d);
  }
  if (d & SREGS) {
    v.setSregsInternal(kvmSregs.decode(run, KVM_SYNC_REGS_SREGS_OFFSET), 'KVM_RUN'); // __set_sregs on a copy
    v.counters.inc('sync.sregs');
    d &= ~SREGS;
    kvmRun.set(run, 'kvm_dirty_regs', d);
  }
  if (d & EVENTS) {
    v.setEventsInternal(kvmVcpuEvents.decode(run, KVM_SYNC_REGS_EVENTS_OFFSET), 'KVM_RUN');
    v.counters.inc('sync.events');
    d &= ~EVENTS;
    kvmRun.set(run, 'kvm_dirty_regs', d);
  }
}

/**
 * store_regs at KVM_RUN's `out:` label, on every return path. With the
 * conditional flag, only when the exit reason's bit is set (Sean's
 * kvm_run_save_regs_on_exit sketch; reasons ≥ 1024 never store).
 */
export function storeRegs(v: EmuVcpu): void {
  const run = v.run;
  const valid = kvmRun.get(run, 'kvm_valid_regs');
  if (valid === 0n) return;
  if (v.vm.conditionalSync && valid & KVM_SYNC_REGS_CONDITIONAL) {
    const reason = kvmRun.get(run, 'exit_reason');
    if (reason >= KVM_SAVE_REGS_ON_EXIT_WORDS * 64 || !saveRegsOnExitBit(run, reason)) return;
  }
  if (valid & REGS) {
    kvmRegs.encodeInto(v.getRegsInternal(), run, KVM_SYNC_REGS_REGS_OFFSET);
    v.counters.inc('sync.regs');
  }
  if (valid & SREGS) {
    kvmSregs.encodeInto(v.getSregsInternal(), run, KVM_SYNC_REGS_SREGS_OFFSET);
    v.counters.inc('sync.sregs');
  }
  if (valid & EVENTS) {
    kvmVcpuEvents.encodeInto(v.getEventsInternal(), run, KVM_SYNC_REGS_EVENTS_OFFSET);
    v.counters.inc('sync.events');
  }
}
