/**
 * Host-side guest debugging (uapi.md §1.2, §2.2, §7): KVM_SET_GUEST_DEBUG
 * and the values KVM_EXIT_DEBUG reports. The vCPU (vcpu.ts) calls these;
 * the state lives in the vCPU's DebugRegs (dr-switch.ts) and event queue.
 */
import { BP, DB } from '../../emu/fault.ts';
import { FLAG_TF } from '../../emu/regs.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KVM_RUN_EXIT_OFFSET as X, KvmExitReason, kvmRun, kvmRunDebug, kvmRunDebugCr3 } from '../uapi/kvm-run.ts';
import { KvmGuestDbg, type KvmGuestDebug } from '../uapi/structs.ts';
import type { EmuVcpu } from './vcpu.ts';

const TF = BigInt(FLAG_TF);

/** Exception intercepts (vmx_update_exception_bitmap): #DB always, #BP iff ENABLE and USE_SW_BP. */
export function exceptionBitmap(guestDebug: number): number {
  const swBp = KvmGuestDbg.ENABLE | KvmGuestDbg.USE_SW_BP;
  return (1 << DB) | ((guestDebug & swBp) === swBp ? 1 << BP : 0);
}

/** kvm_arch_vcpu_ioctl_set_guest_debug (x86.c), steps as uapi.md §1.2. */
export function setGuestDebug(v: EmuVcpu, dbg: KvmGuestDebug): void {
  const control = dbg.control;
  // 1. INJECT_DB / INJECT_BP: -EBUSY while an exception is pending (kvm_is_exception_pending).
  if (control & (KvmGuestDbg.INJECT_DB | KvmGuestDbg.INJECT_BP)) {
    if (v.exception !== null) throw new KvmError(Errno.EBUSY, 'KVM_SET_GUEST_DEBUG', 'an exception is already pending');
    v.queueException(control & KvmGuestDbg.INJECT_DB ? DB : BP);
  }
  // 2. The flags as the guest sees them (TF hidden if the old state was single-stepping).
  const rflags = v.getRflags();
  // 3–5. guest_debug, eff_db, DR7.
  v.dr.setGuestDebug(control, dbg.debugreg);
  // 6. Remember where single-stepping started.
  if (v.dr.guestDebug & KvmGuestDbg.SINGLESTEP) v.singlestepRip = v.linearRip();
  // 7. Re-insert TF while RIP is still there.
  v.setRflags(rflags);
  // 8. Exception bitmap; BLOCKIRQ inhibits the VM's interrupt delivery.
  v.cpu.ctl.exceptionBitmap = exceptionBitmap(v.dr.guestDebug);
  v.vm.updateBlockIrq();
}

/** kvm_get_rflags: TF is hidden from userspace while the host single-steps. */
export function hideTf(guestDebug: number, rflags: bigint): bigint {
  return guestDebug & KvmGuestDbg.SINGLESTEP ? rflags & ~TF : rflags;
}

/**
 * Fill run->debug.arch for a KVM_EXIT_DEBUG. `dr6`/`dr7` undefined = not
 * written (stale union bytes, as KVM leaves them for #BP and
 * emulator-synthesized single steps). The CR3 extension field at run+64 is
 * written on every debug exit while the VM enabled it (docs/uapi-extensions.md).
 */
export function reportDebugExit(v: EmuVcpu, exception: number, dr6?: bigint, dr7?: bigint): void {
  const run = v.run;
  kvmRun.set(run, 'exit_reason', KvmExitReason.DEBUG);
  kvmRunDebug.set(run, 'exception', exception, X);
  kvmRunDebug.set(run, 'pc', v.linearRip(), X);
  if (dr6 !== undefined) kvmRunDebug.set(run, 'dr6', dr6, X);
  if (dr7 !== undefined) kvmRunDebug.set(run, 'dr7', dr7, X);
  if (v.vm.cr3Field) {
    kvmRunDebugCr3.set(run, 'cr3', BigInt(v.cpu.cr3), X);
    v.counters.inc('debug.cr3_field');
  }
}

/** Whether a #DB exit belongs to host userspace (handle_exception_nmi). */
export function hostOwnsDb(guestDebug: number): boolean {
  return (guestDebug & (KvmGuestDbg.SINGLESTEP | KvmGuestDbg.USE_HW_BP)) !== 0;
}
