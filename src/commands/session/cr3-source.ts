/**
 * How the session learns CR3 at each debug event (commands.md `set
 * cr3-source`): the debug exit's own cr3 field (the vdbg extension
 * KVM_CAP_X86_GUEST_DEBUG_CR3), sregs synced into kvm_run on the debug exit
 * (KVM_CAP_SYNC_REGS, conditional with KVM_CAP_SYNC_REGS_CONDITIONAL), or a
 * KVM_GET_SREGS per event. `bench/cr3-events.ts` measures the three.
 */
import { KvmCap } from '../../core/uapi/ioctls.ts';
import { KVM_SYNC_REGS_CONDITIONAL, KvmExitReason, KvmSyncX86 } from '../../core/uapi/kvm-run.ts';
import type { DebugExit } from '../../core/vmm/handle-exit.ts';
import type { Machine, MachineCaps } from './machine.ts';
import type { Cr3Source } from './types.ts';

/** null when the backend offers `src`, else the capability it lacks. */
export function cr3SourceMissing(caps: MachineCaps, src: Cr3Source): string | null {
  if (src === 'exit' && !caps.cr3Field) return 'KVM_CAP_X86_GUEST_DEBUG_CR3';
  if (src === 'sync' && !caps.syncRegs) return 'KVM_CAP_SYNC_REGS';
  return null;
}

/** The cheapest source the backend offers. */
export function defaultCr3Source(caps: MachineCaps): Cr3Source {
  if (caps.cr3Field) return 'exit';
  return caps.syncRegs ? 'sync' : 'sregs';
}

/** Enables what `src` needs on the VM and vCPU (the CR3 field, synced sregs on debug exits), and no sync regs otherwise. */
export function configureCr3Source(m: Machine, src: Cr3Source): void {
  const { vm, vcpu, caps } = m;
  if (src === 'exit' && !vm.capEnabled(KvmCap.X86_GUEST_DEBUG_CR3)) vm.enableCap(KvmCap.X86_GUEST_DEBUG_CR3);
  if (src === 'sync') {
    if (caps.conditional) {
      if (!vm.capEnabled(KvmCap.SYNC_REGS_CONDITIONAL)) vm.enableCap(KvmCap.SYNC_REGS_CONDITIONAL);
      vcpu.syncRegs.setSaveOnExit(KvmExitReason.DEBUG, true);
      vcpu.syncRegs.validRegs = KVM_SYNC_REGS_CONDITIONAL | BigInt(KvmSyncX86.SREGS);
    } else {
      vcpu.syncRegs.validRegs = BigInt(KvmSyncX86.SREGS);
    }
  } else if (caps.syncRegs) {
    vcpu.syncRegs.validRegs = 0n;
  }
}

/** CR3 at the debug event `e`, from `src` (KVM_GET_SREGS when the exit has no cr3 field). */
export function learnCr3(m: Machine, src: Cr3Source, e: DebugExit): bigint {
  switch (src) {
    case 'exit':
      if (e.cr3 !== undefined) return e.cr3;
      break;
    case 'sync':
      return m.vcpu.syncRegs.sregs.cr3;
  }
  return m.vcpu.getSregs().cr3;
}
