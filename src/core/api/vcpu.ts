/**
 * A vCPU fd (rust-vmm kvm-ioctls `VcpuFd`, src/ioctls/vcpu.rs): one method
 * per ioctl, `run()` decoding kvm_run into a VcpuExit, the kvm_run page as
 * a DataView (`kvmRun`) and typed access to its sync-regs area (`syncRegs`).
 */
import type { Backend } from '../backend.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { decodeExit, type VcpuExit } from '../uapi/exit.ts';
import { decodeMsrs, encodeCpuid2, encodeMsrs, type CpuidEntry, type MsrEntry } from '../uapi/fam.ts';
import type { KvmIoctlName } from '../uapi/ioctls.ts';
import {
  KVM_RUN_INSN_BUDGET_OFFSET,
  KVM_SYNC_REGS_EVENTS_OFFSET,
  KVM_SYNC_REGS_REGS_OFFSET,
  KVM_SYNC_REGS_SREGS_OFFSET,
  KvmExitReason,
  kvmRun,
  kvmRunInsnBudget,
  saveRegsOnExitBit,
  setSaveRegsOnExitBit,
} from '../uapi/kvm-run.ts';
import {
  KVM_LAPIC_STATE_SIZE,
  KVM_MAX_XCRS,
  kvmDebugregs,
  kvmGuestDebug,
  kvmInterrupt,
  kvmMpState,
  kvmRegs,
  kvmSregs,
  kvmVcpuEvents,
  kvmXcr,
  kvmXcrs,
  type KvmDebugregs,
  type KvmRegs,
  type KvmSregs,
  type KvmVcpuEvents,
  type KvmXcr,
} from '../uapi/structs.ts';
import { KvmFd } from './fd.ts';
import { TIME_TRAVEL_NEEDS_EMU, type MachineHistory } from '../time-travel/history.ts';
import type { VmFd } from './vm.ts';
import { KVM_FPU_SIZE, KVM_XSAVE_SIZE, setXstateBv, xstateBv } from '../uapi/xsave.ts';

/** KVM_GET_XCRS result / KVM_SET_XCRS argument with only the used entries. */
export interface Xcrs {
  flags?: number;
  xcrs: KvmXcr[];
}

/** Guest debug control word and (for USE_HW_BP) DR0–3/DR7; debugreg defaults to zeros. */
export interface GuestDebug {
  control: number;
  debugreg?: readonly bigint[];
}

export class VcpuFd extends KvmFd {
  /** The sync-regs area of kvm_run (KVM_CAP_SYNC_REGS, and the conditional extension). */
  readonly syncRegs: SyncRegs;

  /** @internal use VmFd.createVcpu */
  constructor(
    backend: Backend,
    fd: number,
    private readonly page: DataView,
    private readonly vm: VmFd,
  ) {
    super(backend, fd);
    this.syncRegs = new SyncRegs(() => this.kvmRun);
  }

  /** The kvm_run page (and what follows it in the mapping), zero-copy; EBADF after close. */
  get kvmRun(): DataView {
    this.ensureOpen('kvm_run');
    return this.page;
  }

  getRegs(): KvmRegs {
    return this.getStruct('KVM_GET_REGS', kvmRegs);
  }

  setRegs(regs: KvmRegs): void {
    this.ioctl('KVM_SET_REGS', kvmRegs.encode(regs));
  }

  getSregs(): KvmSregs {
    return this.getStruct('KVM_GET_SREGS', kvmSregs);
  }

  setSregs(sregs: KvmSregs): void {
    this.ioctl('KVM_SET_SREGS', kvmSregs.encode(sregs));
  }

  /** KVM_GET_DEBUGREGS: the guest's DR0–3, DR6, DR7 (not the host debugger's). */
  getDebugRegs(): KvmDebugregs {
    return this.getStruct('KVM_GET_DEBUGREGS', kvmDebugregs);
  }

  /** KVM_SET_DEBUGREGS: EINVAL for flags ≠ 0 or DR6/DR7 bits 63:32 set. */
  setDebugRegs(regs: KvmDebugregs): void {
    this.ioctl('KVM_SET_DEBUGREGS', kvmDebugregs.encode(regs));
  }

  /** KVM_GET_XCRS: the first nr_xcrs entries (XCR0 only, on x86). */
  getXcrs(): Xcrs {
    const x = this.getStruct('KVM_GET_XCRS', kvmXcrs);
    return { flags: x.flags, xcrs: x.xcrs.slice(0, Math.min(x.nr_xcrs, KVM_MAX_XCRS)) };
  }

  /** KVM_SET_XCRS with nr_xcrs = xcrs.length (at most 16). */
  setXcrs(x: Xcrs): void {
    if (x.xcrs.length > KVM_MAX_XCRS) throw new KvmError(Errno.EINVAL, 'KVM_SET_XCRS', `${x.xcrs.length} entries, at most ${KVM_MAX_XCRS}`);
    const xcrs = [...x.xcrs, ...Array.from({ length: KVM_MAX_XCRS - x.xcrs.length }, () => kvmXcr.zero())];
    this.ioctl('KVM_SET_XCRS', kvmXcrs.encode({ nr_xcrs: x.xcrs.length, flags: x.flags ?? 0, xcrs }));
  }

  /** KVM_GET_LAPIC: struct kvm_lapic_state, the in-kernel local APIC's 1 KiB register page (EINVAL without KVM_CREATE_IRQCHIP). */
  getLapic(): Uint8Array {
    const b = new Uint8Array(KVM_LAPIC_STATE_SIZE);
    this.ioctl('KVM_GET_LAPIC', b);
    return b;
  }

  /** KVM_SET_LAPIC: load the register page (the timer restarts from its TMCCT). */
  setLapic(state: Uint8Array): void {
    if (state.length !== KVM_LAPIC_STATE_SIZE) {
      throw new KvmError(Errno.EINVAL, 'KVM_SET_LAPIC', `struct kvm_lapic_state is ${KVM_LAPIC_STATE_SIZE} bytes, not ${state.length}`);
    }
    this.ioctl('KVM_SET_LAPIC', state);
  }

  /** KVM_GET_FPU: struct kvm_fpu (x87 registers and control, XMM0–15; mxcsr reads 0 — KVM never fills it). */
  getFpu(): Uint8Array {
    const b = new Uint8Array(KVM_FPU_SIZE);
    this.ioctl('KVM_GET_FPU', b);
    return b;
  }

  /** KVM_SET_FPU (struct kvm_fpu; its mxcsr is ignored, as by KVM). */
  setFpu(fpu: Uint8Array): void {
    if (fpu.length !== KVM_FPU_SIZE) throw new KvmError(Errno.EINVAL, 'KVM_SET_FPU', `struct kvm_fpu is ${KVM_FPU_SIZE} bytes, not ${fpu.length}`);
    this.ioctl('KVM_SET_FPU', fpu);
  }

  /**
   * Load x87/XMM state so that the guest runs with it: KVM_SET_FPU writes the
   * fxsave part of the guest's fpstate but not its XSTATE_BV, and for a vCPU
   * that never used the x87 XSTATE_BV.FP is 0, so the next XRSTOR(S) at
   * entry would put the x87 back in its initial state. XSTATE_BV first gets
   * x87|SSE through KVM_GET/SET_XSAVE.
   */
  loadFpu(fpu: Uint8Array): void {
    const area = this.getXsave();
    setXstateBv(area, xstateBv(area) | 3n);
    this.setXsave(area);
    this.setFpu(fpu);
  }

  /** KVM_GET_XSAVE: the guest's XSAVE area, standard format, 4096 bytes (src/core/uapi/xsave.ts reads it). */
  getXsave(): Uint8Array {
    const b = new Uint8Array(KVM_XSAVE_SIZE);
    this.ioctl('KVM_GET_XSAVE', b);
    return b;
  }

  /** KVM_GET_XSAVE2 with a buffer of `size` bytes (KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2); at least 4096). */
  getXsave2(size = KVM_XSAVE_SIZE): Uint8Array {
    const b = new Uint8Array(Math.max(size, KVM_XSAVE_SIZE));
    this.ioctl('KVM_GET_XSAVE2', b);
    return b;
  }

  /** KVM_SET_XSAVE (the first 4096 bytes of a KVM_GET_XSAVE/2 buffer, edited). */
  setXsave(area: Uint8Array): void {
    if (area.length < KVM_XSAVE_SIZE) throw new KvmError(Errno.EINVAL, 'KVM_SET_XSAVE', `the area is ${area.length} bytes, at least ${KVM_XSAVE_SIZE}`);
    this.ioctl('KVM_SET_XSAVE', area);
  }

  /** KVM_GET_MP_STATE: KvmMpState.RUNNABLE, HALTED (after HLT, until an event wakes the vCPU), … */
  getMpState(): number {
    return this.getStruct('KVM_GET_MP_STATE', kvmMpState).mp_state;
  }

  getVcpuEvents(): KvmVcpuEvents {
    return this.getStruct('KVM_GET_VCPU_EVENTS', kvmVcpuEvents);
  }

  setVcpuEvents(events: KvmVcpuEvents): void {
    this.ioctl('KVM_SET_VCPU_EVENTS', kvmVcpuEvents.encode(events));
  }

  /** KVM_SET_GUEST_DEBUG (control flags: KvmGuestDbg). */
  setGuestDebug(debug: GuestDebug): void {
    const debugreg = [...(debug.debugreg ?? [])];
    while (debugreg.length < 8) debugreg.push(0n);
    this.ioctl('KVM_SET_GUEST_DEBUG', kvmGuestDebug.encode({ control: debug.control, debugreg: debugreg.slice(0, 8) }));
  }

  setCpuid2(entries: readonly CpuidEntry[]): void {
    this.ioctl('KVM_SET_CPUID2', encodeCpuid2(entries));
  }

  /** KVM_GET_MSRS; throws EINVAL naming the MSR if KVM stops early (it returns how many it read). */
  getMsrs(indices: readonly number[]): MsrEntry[] {
    const buf = encodeMsrs(indices.map((index) => ({ index, data: 0n })));
    const n = this.ioctl('KVM_GET_MSRS', buf);
    if (n < indices.length) throw partialMsrs('KVM_GET_MSRS', indices, n);
    return decodeMsrs(buf, n);
  }

  /** KVM_SET_MSRS; throws EINVAL naming the MSR if KVM stops early. */
  setMsrs(entries: readonly MsrEntry[]): void {
    const n = this.ioctl('KVM_SET_MSRS', encodeMsrs(entries));
    if (n < entries.length) throw partialMsrs('KVM_SET_MSRS', entries.map((e) => e.index), n);
  }

  /** KVM_INTERRUPT: queue an external interrupt (userspace irqchip only; ENXIO with the in-kernel one). */
  interrupt(irq: number): void {
    this.ioctl('KVM_INTERRUPT', kvmInterrupt.encode({ irq }));
  }

  /** KVM_RUN on this thread. EINTR (a kick, immediate_exit) is the `intr` exit, not an error. */
  run(): VcpuExit {
    try {
      this.ioctl('KVM_RUN');
    } catch (e) {
      return this.intrOrThrow(e);
    }
    return this.exit();
  }

  /** KVM_RUN off the event loop (a worker thread on kvm, event-loop slices on emu). */
  async runAsync(): Promise<VcpuExit> {
    try {
      await this.ioctlAsync('KVM_RUN');
    } catch (e) {
      return this.intrOrThrow(e);
    }
    return this.exit();
  }

  private exit(): VcpuExit {
    return decodeExit(this.page, { debugCr3: this.vm.debugCr3 });
  }

  private intrOrThrow(e: unknown): VcpuExit {
    if (e instanceof KvmError && e.errno === Errno.EINTR) return { kind: 'intr', reason: KvmExitReason.INTR };
    throw e;
  }

  /** kvm_run.immediate_exit (KVM_CAP_IMMEDIATE_EXIT): while set, KVM_RUN returns EINTR at once. */
  setImmediateExit(on: boolean): void {
    kvmRun.set(this.kvmRun, 'immediate_exit', on ? 1 : 0);
  }

  /**
   * kvm_run.insn_budget (vdbg extension KVM_CAP_VDBG_INSN_BUDGET, enabled on
   * the VM; docs/uapi-extensions.md §3): instructions the next KVM_RUN may
   * retire (0: no limit); what is left after it returns.
   */
  get insnBudget(): bigint {
    return kvmRunInsnBudget.get(this.kvmRun, 'insn_budget', KVM_RUN_INSN_BUDGET_OFFSET);
  }
  set insnBudget(n: bigint) {
    kvmRunInsnBudget.set(this.kvmRun, 'insn_budget', n, KVM_RUN_INSN_BUDGET_OFFSET);
  }

  /**
   * Makes KVM_RUN return KVM_EXIT_INTR: sets immediate_exit (for a KVM_RUN
   * about to start) and has the backend interrupt one in flight. Clear
   * immediate_exit before running again.
   */
  kick(): void {
    this.setImmediateExit(true);
    this.backend.kick(this.fd);
  }

  /**
   * Snapshots and restores of the machine this vCPU runs in (time travel,
   * issue 15; not an ioctl). Only the emu backend has them: on kvm this
   * throws an Error saying time travel needs emu.
   */
  timeTravel(): MachineHistory {
    this.ensureOpen('time travel');
    if (this.backend.timeTravel === undefined) throw new Error(TIME_TRAVEL_NEEDS_EMU);
    return this.backend.timeTravel(this.fd);
  }

  /** Turn the emulator's JIT on or off (not an ioctl). On kvm guest code runs natively: an Error says so. */
  setJit(on: boolean): void {
    this.ensureOpen('set jit');
    if (this.backend.setJit === undefined) throw new Error('the JIT is part of the emulator (--backend emu); kvm runs guest code natively');
    this.backend.setJit(this.fd, on);
  }

  /** The emulator's JIT counters (jit.*); null on kvm. */
  jitCounters(): Readonly<Record<string, number>> | null {
    this.ensureOpen('jit counters');
    return this.backend.jitCounters === undefined ? null : this.backend.jitCounters(this.fd);
  }

  private getStruct<T>(name: KvmIoctlName, layout: { size: number; decode(b: Uint8Array): T }): T {
    const buf = new Uint8Array(layout.size);
    this.ioctl(name, buf);
    return layout.decode(buf);
  }
}

/**
 * kvm_run's sync-regs fields: kvm_valid_regs / kvm_dirty_regs, the s.regs
 * union's regs/sregs/events, and the kvm_save_regs_on_exit bitmap of the
 * conditional extension. Reads decode from the live page; writes encode
 * into it (set the dirty bit to make KVM_RUN load them).
 */
export class SyncRegs {
  constructor(private readonly page: () => DataView) {}

  get validRegs(): bigint {
    return kvmRun.get(this.page(), 'kvm_valid_regs');
  }
  set validRegs(v: bigint) {
    kvmRun.set(this.page(), 'kvm_valid_regs', v);
  }
  get dirtyRegs(): bigint {
    return kvmRun.get(this.page(), 'kvm_dirty_regs');
  }
  set dirtyRegs(v: bigint) {
    kvmRun.set(this.page(), 'kvm_dirty_regs', v);
  }

  get regs(): KvmRegs {
    return kvmRegs.decode(this.page(), KVM_SYNC_REGS_REGS_OFFSET);
  }
  set regs(r: KvmRegs) {
    kvmRegs.encodeInto(r, this.page(), KVM_SYNC_REGS_REGS_OFFSET);
  }
  get sregs(): KvmSregs {
    return kvmSregs.decode(this.page(), KVM_SYNC_REGS_SREGS_OFFSET);
  }
  set sregs(s: KvmSregs) {
    kvmSregs.encodeInto(s, this.page(), KVM_SYNC_REGS_SREGS_OFFSET);
  }
  get events(): KvmVcpuEvents {
    return kvmVcpuEvents.decode(this.page(), KVM_SYNC_REGS_EVENTS_OFFSET);
  }
  set events(e: KvmVcpuEvents) {
    kvmVcpuEvents.encodeInto(e, this.page(), KVM_SYNC_REGS_EVENTS_OFFSET);
  }

  /** Bit `reason` of kvm_save_regs_on_exit (extension; needs a mapping past kvm_run, as emu's 4096-byte page). */
  saveOnExit(reason: number): boolean {
    return saveRegsOnExitBit(this.page(), reason);
  }
  setSaveOnExit(reason: number, on: boolean): void {
    setSaveRegsOnExitBit(this.page(), reason, on);
  }
}

function partialMsrs(name: KvmIoctlName, indices: readonly number[], done: number): KvmError {
  const idx = indices[done] ?? 0;
  return new KvmError(Errno.EINVAL, name, `MSR 0x${idx.toString(16)} rejected (${done} of ${indices.length} processed)`);
}
