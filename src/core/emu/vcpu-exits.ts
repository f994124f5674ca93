/**
 * The VM-exit handlers of the emulated vCPU (vmx.c's kvm_vmx_exit_handlers
 * and what x86.c does for them): each takes the vCPU and the CPU's exit,
 * handles it inside (CPUID, MSRs the CPU lacks, MOV DR, XSETBV, exception
 * intercepts) or fills kvm_run for userspace (IO, MMIO, HLT, DEBUG), and
 * says whether KVM_RUN goes on (`CONTINUE`) or returns (`TO_USER`); the
 * exits reported as they are (SHUTDOWN, INTERNAL_ERROR, FAIL_ENTRY) too.
 * `completeUserspaceIo` is the other half of the IO and MMIO exits: what the
 * next KVM_RUN completes before entering the guest.
 *
 * vcpu.ts dispatches to these from its run loop (`handleExit`); the exit
 * counters (`vmexit.*`) are counted there, `exit.*` here.
 */
import { CPUID1_ECX_TSC_DEADLINE, CPUID1_EDX_APIC, cpuidRead } from '../../emu/cpuid.ts';
import { EXIT_RDMSR, type CpuExit } from '../../emu/exits.ts';
import { completeStringIo } from '../../emu/exec/string-io.ts';
import type { Insn } from '../../emu/insn.ts';
import { BP, DB, GP, UD } from '../../emu/fault.ts';
import { CR4_OSXSAVE, FLAG_TF, RAX, RBX, RCX, RDX, gpr } from '../../emu/regs.ts';
import {
  KVM_EXIT_IO_IN, KVM_EXIT_IO_OUT, KVM_RUN_EXIT_OFFSET as X, KvmExitReason as R, KvmInternalError, kvmRun,
  kvmRunFailEntry, kvmRunInternal, kvmRunIo, kvmRunMmio,
} from '../uapi/kvm-run.ts';
import { KvmGuestDbg } from '../uapi/structs.ts';
import { DR6_ACTIVE_LOW, DR6_BS } from './dr-switch.ts';
import { hostOwnsDb, reportDebugExit } from './guest-debug.ts';
import { APIC_BASE_ENABLE } from './devices/lapic.ts';
import type { EmuVcpu } from './vcpu.ts';
import { RUNNING, TO_USER, type Finished, type Running } from './vcpu-run.ts';
import { getVcpuMsr, guestWriteEmulatedMsr } from './vcpu-state.ts';

/** run->io.data_offset: PIO data lives inside the one page (KVM uses the second page, 4096). */
export const EMU_PIO_DATA_OFFSET = 3072;

/** What an exit leaves the run loop in: keep going, or return to userspace (0) / fail with an errno. */
export type Step = Running | Finished;
export const CONTINUE: Step = RUNNING;

/** complete_userspace_io for port I/O: what the next KVM_RUN completes. */
export interface PendingPio {
  in: boolean;
  size: number;
  linearRip: bigint;
  insnLen: number;
  /** INS/OUTS: the instruction; its element completes through completeStringIo. */
  stringIo: Insn | null;
}

/** VMX_EXIT_REASONS_FAILED_VMENTRY | EXIT_REASON_INVALID_STATE: the failure KVM reports for bad guest state. */
const ENTRY_FAILURE_INVALID_STATE = 0x80000021n;
const TF = BigInt(FLAG_TF);
/** CR4.DE (debugging extensions: DR4/DR5 are #UD). */
const CR4_DE = 1 << 3;

/**
 * kvm_skip_emulated_instruction: RIP past the instruction, interrupt
 * shadow cleared, then kvm_vcpu_do_singlestep if RFLAGS.TF.
 */
export function skipEmulatedInstruction(v: EmuVcpu, len: number): Step {
  // The emulated instruction retired: guest time (the TSC, the PIT) advances by one.
  v.cpu.icount++;
  const rflags = v.regs.rflags();
  v.regs.setRip(v.regs.rip() + BigInt(len));
  v.cpu.shadow = false;
  if (!(rflags & TF)) return CONTINUE;
  // kvm_vcpu_do_singlestep.
  if (v.dr.guestDebug & KvmGuestDbg.SINGLESTEP) {
    reportDebugExit(v, DB, DR6_BS | DR6_ACTIVE_LOW); // dr7 not written
    v.counters.inc('exit.debug');
    return TO_USER;
  }
  v.queueException(DB, -1, DR6_BS);
  return CONTINUE;
}

/** KVM_EXIT_MMIO for the pending read, else the oldest buffered write. */
export function mmioExit(v: EmuVcpu): Step {
  const m = v.mmio;
  const a = m.pendingRead ?? m.writes.shift()!;
  const run = v.run;
  kvmRun.set(run, 'exit_reason', R.MMIO);
  kvmRunMmio.set(run, 'phys_addr', BigInt(a.pa), X);
  kvmRunMmio.set(run, 'data', a.data, X);
  kvmRunMmio.set(run, 'len', a.size, X);
  kvmRunMmio.set(run, 'is_write', a.isWrite ? 1 : 0, X);
  v.counters.inc('exit.mmio');
  return TO_USER;
}

/** handle_io → kvm_fast_pio: userspace completes it; RIP moves on the next KVM_RUN. */
export function ioExit(v: EmuVcpu, e: CpuExit): Step {
  const run = v.run;
  kvmRun.set(run, 'exit_reason', R.IO);
  kvmRunIo.set(run, 'direction', e.out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN, X);
  kvmRunIo.set(run, 'size', e.size, X);
  kvmRunIo.set(run, 'port', e.port, X);
  kvmRunIo.set(run, 'count', e.count, X);
  kvmRunIo.set(run, 'data_offset', BigInt(EMU_PIO_DATA_OFFSET), X);
  for (let k = 0; k < e.size; k++) run.setUint8(EMU_PIO_DATA_OFFSET + k, e.out ? (e.value >>> (8 * k)) & 0xff : 0);
  v.pio = { in: !e.out, size: e.size, linearRip: v.linearRip(), insnLen: e.insnLen, stringIo: e.stringIo };
  v.counters.inc('exit.io');
  return TO_USER;
}

/** complete_fast_pio_in/out and complete_emulated_mmio. Returns a final step, or null to run. */
export function completeUserspaceIo(v: EmuVcpu): Step | null {
  const p = v.pio;
  if (p !== null) {
    v.pio = null;
    // complete_fast_pio_*: nothing to do when userspace moved RIP.
    if (v.linearRip() === p.linearRip && p.stringIo !== null) {
      // INS/OUTS (KVM's emulator completes the string element: kvm_emulate_instruction with the pio data).
      let val = 0;
      for (let k = p.size - 1; k >= 0; k--) val = (val << 8) | v.run.getUint8(EMU_PIO_DATA_OFFSET + k);
      v.regs.flush();
      const done = completeStringIo(v.cpu, p.stringIo, val | 0);
      v.regs.invalidate();
      if (done) {
        const s = skipEmulatedInstruction(v, p.insnLen);
        if (s !== CONTINUE) return s;
      }
    } else if (v.linearRip() === p.linearRip) {
      if (p.in) {
        let val = 0n;
        for (let k = p.size - 1; k >= 0; k--) val = (val << 8n) | BigInt(v.run.getUint8(EMU_PIO_DATA_OFFSET + k));
        const old = v.regs.gpr(RAX);
        const nv = p.size === 4 ? val : (old & ~((1n << BigInt(8 * p.size)) - 1n)) | val;
        v.regs.setGpr(RAX, nv);
      }
      const s = skipEmulatedInstruction(v, p.insnLen);
      if (s !== CONTINUE) return s;
    }
  }
  const m = v.mmio;
  if (m.pendingRead !== null) {
    m.answer(new Uint8Array(v.run.buffer, X + kvmRunMmio.offsetOf('data'), 8));
  }
  if (m.writes.length > 0) return mmioExit(v);
  return null;
}

/** kvm_emulate_halt without an in-kernel LAPIC: skip the HLT, KVM_EXIT_HLT. */
export function hltExit(v: EmuVcpu, e: CpuExit): Step {
  skipEmulatedInstruction(v, e.insnLen);
  kvmRun.set(v.run, 'exit_reason', R.HLT);
  v.counters.inc('exit.hlt');
  return TO_USER;
}

/** kvm_emulate_cpuid: answered from the guest CPUID table (KVM_SET_CPUID2). */
export function cpuidExit(v: EmuVcpu, e: CpuExit): Step {
  const r = v.regs;
  const osxsave = (v.cpu.cr4 & CR4_OSXSAVE) !== 0;
  const leaf = Number(r.gpr(RAX) & 0xffffffffn);
  const out = [...cpuidRead(v.guestCpuid, leaf, Number(r.gpr(RCX) & 0xffffffffn), osxsave, Number(v.xcr.xcr0))];
  if (leaf === 1) {
    // kvm_update_cpuid_runtime: CPUID.1:EDX.APIC follows IA32_APIC_BASE.EN; without an in-kernel
    // LAPIC the emulated vCPU has no APIC at all, so neither it nor its TSC-deadline mode shows.
    if (v.lapic === null || (v.cpu.apicBase & APIC_BASE_ENABLE) === 0) out[3] &= ~CPUID1_EDX_APIC;
    if (v.lapic === null) out[2] &= ~CPUID1_ECX_TSC_DEADLINE;
  }
  const regs = [RAX, RBX, RCX, RDX];
  for (let k = 0; k < 4; k++) r.setGpr(regs[k], BigInt(out[k] >>> 0));
  return skipEmulatedInstruction(v, e.insnLen);
}

/** kvm_emulate_rdmsr/wrmsr for the MSRs the CPU lacks; unknown ones #GP (ignore_msrs = 0). */
export function msrExit(v: EmuVcpu, e: CpuExit): Step {
  const r = v.regs;
  const index = Number(r.gpr(RCX) & 0xffffffffn);
  if (!v.extraMsrs.has(index)) {
    v.queueException(GP, 0);
    return CONTINUE;
  }
  if (e.reason === EXIT_RDMSR) {
    const val = getVcpuMsr(v, index)!;
    r.setGpr(RAX, val & 0xffffffffn);
    r.setGpr(RDX, val >> 32n);
  } else {
    guestWriteEmulatedMsr(v, index, ((r.gpr(RDX) & 0xffffffffn) << 32n) | (r.gpr(RAX) & 0xffffffffn));
  }
  return skipEmulatedInstruction(v, e.insnLen);
}

/** MOV DR intercepted (handle_dr + the lazy DR state machine in dr-switch.ts). */
export function drAccessExit(v: EmuVcpu, e: CpuExit): Step {
  const g = gpr(e.gpr);
  const res = v.dr.handleDrAccess(e.dr, e.toDr, (v.cpu.cr4 & CR4_DE) !== 0, v.cpu.cpl, {
    read: () => v.regs.readOperand(g),
    write: (val) => v.regs.writeOperand(g, val),
  });
  switch (res.kind) {
    case 'ud':
      v.queueException(UD);
      return CONTINUE;
    case 'gp':
      v.queueException(GP, 0);
      return CONTINUE;
    case 'debug-exit':
      reportDebugExit(v, DB, res.dr6, res.dr7);
      v.counters.inc('exit.debug');
      return TO_USER;
    case 'inject-db':
      v.queueException(DB, -1, res.payload);
      return CONTINUE;
    case 'wont-exit':
      return CONTINUE;
    case 'emulated':
      return skipEmulatedInstruction(v, e.insnLen);
  }
}

/** kvm_emulate_xsetbv: CPL > 0 or __kvm_set_xcr failure → #GP(0), else skip. */
export function xsetbvExit(v: EmuVcpu, e: CpuExit): Step {
  v.counters.inc('xsetbv');
  const r = v.regs;
  const val = ((r.gpr(RDX) & 0xffffffffn) << 32n) | (r.gpr(RAX) & 0xffffffffn);
  if (v.cpu.cpl !== 0 || !v.xcr.setXcr(Number(r.gpr(RCX) & 0xffffffffn), val)) {
    v.queueException(GP, 0);
    return CONTINUE;
  }
  return skipEmulatedInstruction(v, e.insnLen);
}

/** handle_exception_nmi for the intercepted #DB / #BP (uapi.md §2.2, §2.4). */
export function exceptionExit(v: EmuVcpu, e: CpuExit): Step {
  const gd = v.dr.guestDebug;
  if (e.vector === DB) {
    const dr6 = BigInt(e.qual >>> 0);
    if (!hostOwnsDb(gd)) {
      // The guest's own #DB: ICEBP is skipped first (no single-step), then queued with the payload.
      if (e.soft) v.regs.setRip(v.regs.rip() + BigInt(e.insnLen));
      v.queueException(DB, -1, dr6);
      return CONTINUE;
    }
    v.eventExitInstLen = e.insnLen;
    reportDebugExit(v, DB, dr6 | DR6_ACTIVE_LOW, v.dr.vmcsDr7);
    v.counters.inc('exit.debug');
    return TO_USER;
  }
  if (e.vector === BP) {
    v.eventExitInstLen = e.insnLen;
    reportDebugExit(v, BP); // #BP writes neither dr6 nor dr7
    v.counters.inc('exit.debug');
    return TO_USER;
  }
  // Not intercepted by this hypervisor; reinject.
  v.queueException(e.vector, e.errorCode);
  return CONTINUE;
}

/** A triple fault: KVM_EXIT_SHUTDOWN. */
export function shutdownExit(v: EmuVcpu): Step {
  kvmRun.set(v.run, 'exit_reason', R.SHUTDOWN);
  v.counters.inc('exit.shutdown');
  return TO_USER;
}

/** What the emulator cannot do: KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION. */
export function internalErrorExit(v: EmuVcpu): Step {
  const run = v.run;
  kvmRun.set(run, 'exit_reason', R.INTERNAL_ERROR);
  kvmRunInternal.set(run, 'suberror', KvmInternalError.EMULATION, X);
  kvmRunInternal.set(run, 'ndata', 0, X);
  v.counters.inc('exit.internal_error');
  return TO_USER;
}

/**
 * An instruction fetch from a guest-physical address no memory slot backs.
 * KVM emulates the faulting fetch and its emulator cannot read code from
 * MMIO: handle_emulation_failure (arch/x86/kvm/x86.c). At CPL 0 that is
 * KVM_EXIT_INTERNAL_ERROR / KVM_INTERNAL_ERROR_EMULATION with nothing queued
 * (what /dev/kvm here does: KVM_GET_VCPU_EVENTS shows no exception after it,
 * and KVM_RUN again fails the same way); at CPL > 0 the guest gets #UD.
 */
export function fetchFailureExit(v: EmuVcpu): Step {
  if (v.cpu.cpl !== 0) {
    v.queueException(UD);
    return CONTINUE;
  }
  return internalErrorExit(v);
}

/** A failed VM-entry check: KVM_EXIT_FAIL_ENTRY with the invalid-guest-state reason. */
export function failEntryExit(v: EmuVcpu): Step {
  const run = v.run;
  kvmRun.set(run, 'exit_reason', R.FAIL_ENTRY);
  kvmRunFailEntry.set(run, 'hardware_entry_failure_reason', ENTRY_FAILURE_INVALID_STATE, X);
  kvmRunFailEntry.set(run, 'cpu', 0, X);
  v.counters.inc('exit.fail_entry');
  return TO_USER;
}
