/**
 * One emulated vCPU: the hypervisor side of a src/emu Cpu, as KVM's x86.c
 * and vmx.c run a vCPU. `KVM_RUN` enters the guest (event injection, dirty
 * registers written back, DR / XCR0 / R16–R31 loads), runs the CPU until a
 * VM-exit, saves state back and handles the exit inside (CPUID, MSRs,
 * XSETBV, MOV DR, in-kernel PIC/PIT ports, exception intercepts) or returns
 * to userspace with the kvm_run exit KVM gives (IO, MMIO, HLT, DEBUG,
 * SHUTDOWN, INTERNAL_ERROR, FAIL_ENTRY, INTR).
 *
 * This file is the vCPU and its run loop (one loop for runSync and
 * runAsync; its run states and pacing are in vcpu-run.ts); the state
 * userspace reads and writes (regs, sregs, events, MSRs) and event injection
 * are in vcpu-state.ts, the exit handlers in vcpu-exits.ts.
 *
 * Every VM-exit the hypervisor handles counts `vmexit.<cpu reason>`; every
 * exit to userspace counts `exit.<name>`.
 */
import { Counters } from '../counters.ts';
import { Cpu, type CpuidLeaf } from '../../emu/cpu.ts';
import {
  EXIT_BUDGET, EXIT_CPUID, EXIT_DR_ACCESS, EXIT_EXCEPTION, EXIT_FETCH_MMIO, EXIT_HLT, EXIT_IDLE, EXIT_INTERRUPT_WINDOW, EXIT_IO,
  EXIT_MMIO, EXIT_NAMES, EXIT_RDMSR, EXIT_STOP, EXIT_TRIPLE_FAULT, EXIT_UNSUPPORTED, EXIT_WRMSR, EXIT_XSETBV,
  type CpuExit,
} from '../../emu/exits.ts';
import { SEG_CS } from '../../emu/insn.ts';
import { EVENT_EXTERNAL } from '../../emu/interrupts.ts';
import { PhysMemory } from '../../emu/memory.ts';
import { CR0_PE, CR0_PG, CR4_PAE, EFER_LMA, FLAG_IF, FLAG_TF } from '../../emu/regs.ts';
import type { AttachedIrqchip } from './devices/attach.ts';
import { attachIrqchip } from './devices/attach.ts';
import type { Lapic } from './devices/lapic.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KVM_RUN_INSN_BUDGET_OFFSET, KvmExitReason as R, kvmRun, kvmRunInsnBudget } from '../uapi/kvm-run.ts';
import { KvmGuestDbg, type KvmRegs, type KvmSregs, type KvmVcpuEvents } from '../uapi/structs.ts';
import { DebugRegs } from './dr-switch.ts';
import { exceptionBitmap, hideTf } from './guest-debug.ts';
import { MmioBus } from './mmio.ts';
import { RegCache } from './regcache.ts';
import { storeRegs, syncRegsIn } from './sync-regs.ts';
import {
  CONTINUE, completeUserspaceIo, cpuidExit, drAccessExit, exceptionExit, failEntryExit, fetchFailureExit, hltExit, internalErrorExit, ioExit,
  mmioExit, msrExit, shutdownExit, xsetbvExit, type PendingPio, type Step,
} from './vcpu-exits.ts';
import {
  getVcpuEvents, getVcpuMsr, getVcpuRegs, getVcpuSregs, injectEvents, kvmEmulatedMsrs, setVcpuEvents, setVcpuMsr,
  setVcpuRegs, setVcpuSregs,
} from './vcpu-state.ts';
import type { EmuVm } from './vm.ts';
import { XcrState } from './xcr.ts';
import {
  ASYNC_PACING, EXITED, HALTED, HostClock, PREEMPTED, RUNNING, SYNC_PACING, TO_USER, failed, nextTurn, type Finished,
  type Pacing, type PauseReason, type VcpuRunState,
} from './vcpu-run.ts';

export { EMU_PIO_DATA_OFFSET } from './vcpu-exits.ts';
/** KVM_GET_VCPU_MMAP_SIZE on emu: one page (kvm_run + the vdbg extensions + PIO data). */
export const EMU_VCPU_MMAP_SIZE = 4096;
const TF = BigInt(FLAG_TF);

/** A queued exception (vcpu->arch.exception). */
export interface QueuedException {
  vector: number;
  errorCode: number;
  hasPayload: boolean;
  payload: bigint;
}

/** A point of the run loop for tests walking the state machines (not part of the uAPI). */
export interface Transition {
  readonly kind: 'entry' | 'exit';
  /** The CPU exit reason name on 'exit'. */
  readonly reason?: string;
  readonly vcpu: EmuVcpu;
}

export class EmuVcpu {
  readonly cpu: Cpu;
  readonly counters = new Counters();
  readonly regs: RegCache;
  readonly dr: DebugRegs;
  readonly xcr: XcrState;
  readonly mmio: MmioBus;
  /** The kvm_run page userspace maps. */
  readonly run = new DataView(new ArrayBuffer(EMU_VCPU_MMAP_SIZE));
  /** Guest CPUID (KVM_SET_CPUID2); empty until set, as in KVM. */
  guestCpuid: Map<string, CpuidLeaf> = new Map();
  /** vcpu->arch.exception (pending; delivered at the next entry). */
  exception: QueuedException | null = null;
  /** event_exit_inst_len: length of the instruction of the last #BP/#DB exit (soft re-injection). */
  eventExitInstLen = 0;
  singlestepRip = 0n;
  /** complete_userspace_io for port I/O: what the next KVM_RUN completes (vcpu-exits.ts). */
  pio: PendingPio | null = null;
  /** MSRs KVM emulates that the CPU does not implement (vcpu-state.ts). */
  readonly extraMsrs = kvmEmulatedMsrs();
  /** KVM_INTERRUPT without an in-kernel irqchip: the vector the INTR line delivers. */
  private userIrq = -1;
  private irq: AttachedIrqchip | null = null;
  /** The in-kernel local APIC (with KVM_CREATE_IRQCHIP), else null. */
  readonly lapic: Lapic | null = null;
  private hasRun = false;
  /** Where the KVM_RUN in progress stands; Finished between runs. */
  private state: VcpuRunState = TO_USER;
  /** kick() during this KVM_RUN: it returns EINTR at the next look (kvm_vcpu_kick). */
  private kicked = false;
  /** Resumes a run paused in HLT (set while halted). */
  private wake: (() => void) | null = null;
  /** kvm_run.insn_budget at entry (0: none) and cpu.icount then (KVM_CAP_VDBG_INSN_BUDGET). */
  private budget = 0;
  private budgetStart = 0;
  /** Called at every guest entry and exit (tests walking the state machines). */
  onTransition: ((t: Transition) => void) | null = null;

  constructor(
    readonly vm: EmuVm,
    readonly id: number,
    ram: PhysMemory,
  ) {
    const cpu = (this.cpu = new Cpu(ram));
    cpu.rng.seed(id); // RDRAND/RDSEED: deterministic per vCPU of the VM (emu/rng.ts)
    this.mmio = new MmioBus(cpu, vm.slots);
    cpu.mmu.mmio = this.mmio;
    this.xcr = new XcrState(cpu, this.counters, () => this.guestCpuid);
    this.regs = new RegCache(cpu, this.xcr, this.counters);
    this.dr = new DebugRegs(cpu, this.counters);
    cpu.ctl.cpuid = true; // KVM always intercepts CPUID
    cpu.ctl.msr = true; // MSRs the CPU lacks exit to the hypervisor
    cpu.ctl.hlt = true;
    cpu.ctl.io = true;
    cpu.ctl.exceptionBitmap = exceptionBitmap(0);
    cpu.intAck = () => {
      const v = this.userIrq;
      this.userIrq = -1;
      return v;
    };
    if (vm.irqchip !== null) {
      // kvm_create_lapic: with the irqchip in kernel every vCPU gets its local APIC.
      this.lapic = vm.irqchip.createLapic(id, { apicBase: () => cpu.apicBase, tsc: () => cpu.tsc() });
      this.irq = attachIrqchip(cpu, vm.irqchip);
    }
    kvmRun.set(this.run, 'exit_reason', R.UNKNOWN);
  }

  // ============================================================ registers
  /** kvm_get_linear_rip: RIP in 64-bit mode, else (u32)(CS.base + RIP). */
  linearRip(): bigint {
    const rip = this.regs.rip();
    if (this.cpu.mode64) return rip;
    return BigInt.asUintN(32, BigInt(this.cpu.seg[SEG_CS].base) + rip);
  }

  /** kvm_get_rflags. */
  getRflags(): bigint {
    return hideTf(this.dr.guestDebug, this.regs.rflags());
  }

  /** kvm_set_rflags / __kvm_set_rflags: TF re-inserted while single-stepping from singlestep_rip. */
  setRflags(v: bigint): void {
    let f = v;
    if (this.dr.guestDebug & KvmGuestDbg.SINGLESTEP && this.linearRip() === this.singlestepRip) f |= TF;
    this.regs.setRflags(f);
  }

  // ============================================================ state transfer (vcpu-state.ts)
  getRegsInternal(): KvmRegs {
    return getVcpuRegs(this);
  }
  setRegsInternal(regs: KvmRegs): void {
    setVcpuRegs(this, regs);
  }
  getSregsInternal(): KvmSregs {
    return getVcpuSregs(this);
  }
  setSregsInternal(s: KvmSregs, ioctl: string): void {
    setVcpuSregs(this, s, ioctl);
  }
  getEventsInternal(): KvmVcpuEvents {
    return getVcpuEvents(this);
  }
  setEventsInternal(ev: KvmVcpuEvents, ioctl: string): void {
    setVcpuEvents(this, ev, ioctl);
  }
  /** KVM_GET_MSRS: the CPU's MSRs, then KVM's. */
  getMsr(index: number): bigint | undefined {
    return getVcpuMsr(this, index);
  }
  /** KVM_SET_MSRS. */
  setMsr(index: number, value: bigint): boolean {
    return setVcpuMsr(this, index, value);
  }

  // ============================================================ events
  /** kvm_queue_exception(_e/_p). */
  queueException(vector: number, errorCode = -1, payload?: bigint): void {
    this.exception = { vector, errorCode, hasPayload: payload !== undefined, payload: payload ?? 0n };
  }

  /** KVM_INTERRUPT (userspace irqchip): raise INTR with this vector. */
  interrupt(vector: number): void {
    this.userIrq = vector;
    this.cpu.raiseIntr();
  }

  // ============================================================ KVM_RUN
  kick(): void {
    if (this.state.kind === 'finished') return;
    this.kicked = true;
    this.cpu.requestStop();
    this.wake?.();
  }

  /** Wake a vCPU blocked in HLT (KVM_IRQ_LINE from userspace). */
  notify(): void {
    this.irq?.syncIntr();
    this.wake?.();
  }

  /** KVM_RUN from ioctl(): the run loop holds the host thread until it returns. */
  runSync(): number {
    const r = this.runLoop(SYNC_PACING).next();
    if (!r.done) throw new Error('emu: a synchronous KVM_RUN paused'); // SYNC_PACING never pauses
    return r.value;
  }

  /** KVM_RUN from ioctlAsync(): the same run loop, awaiting where it pauses. */
  async runAsync(): Promise<number> {
    const loop = this.runLoop(ASYNC_PACING);
    for (let r = loop.next(); ; r = loop.next()) {
      if (r.done) return r.value;
      await r.value;
    }
  }

  /**
   * kvm_arch_vcpu_ioctl_run → vcpu_run: the run state machine (vcpu-run.ts),
   * `state = match state {…}` as firecracker runs a vCPU. It yields what to
   * await where the run pauses (never with SYNC_PACING) and returns
   * KVM_RUN's result.
   */
  private *runLoop(pace: Pacing): Generator<Promise<void>, number, void> {
    this.checkIdle();
    const clock = new HostClock();
    let state: VcpuRunState = this.begin();
    try {
      while (state.kind !== 'finished') {
        this.state = state;
        switch (state.kind) {
          case 'running':
            state = yield* this.runSlice(pace, clock);
            break;
          case 'paused':
            state = yield* this.pause(state.why, clock);
            break;
        }
      }
    } catch (e) {
      this.state = TO_USER;
      throw e;
    }
    return this.finish(state);
  }

  /** Running: one guest entry, up to a slice of guest time, the VM-exit and its handling. */
  private *runSlice(pace: Pacing, clock: HostClock): Generator<Promise<void>, VcpuRunState, void> {
    const entryFailed = this.enterGuest();
    if (entryFailed !== null) return entryFailed;
    // The slice in chunks: a chunk that ends with EXIT_BUDGET used all of it, and running on from there
    // is the same run as one call (the in-kernel irqchip cuts its CPU runs at timer events the same way).
    let left = this.slice(pace.slice);
    let e: CpuExit;
    for (;;) {
      const chunk = Math.min(left, pace.chunk);
      e = this.runGuest(chunk);
      left -= chunk;
      if (e.reason !== EXIT_BUDGET || left <= 0) break;
      if (clock.due()) {
        // Still in guest mode: whoever runs meanwhile must not touch this vCPU's state (KVM would make them wait).
        this.state = PREEMPTED;
        yield nextTurn();
        clock.resumed();
        this.state = RUNNING;
        // Kicked: the slice ends here, as the preemption timer would have ended it.
        if (this.kicked) break;
      }
    }
    return this.afterExit(this.exitGuest(e), pace);
  }

  /** What the run does after a VM-exit handled inside: return, block in HLT, or go on. */
  private afterExit(s: VcpuRunState, pace: Pacing): VcpuRunState {
    if (s.kind === 'finished') return s;
    if (this.budgetSpent()) return this.budgetOut();
    if (s.kind === 'paused') {
      // Blocked in HLT: a synchronous KVM_RUN would sleep forever here (nothing can wake it): return as a signal would.
      return pace.pauses ? s : this.intr();
    }
    return pace.pauses ? EXITED : RUNNING;
  }

  /** Paused: the event loop runs, for a turn or until a kick or KVM_IRQ_LINE wakes the halted vCPU. */
  private *pause(why: PauseReason, clock: HostClock): Generator<Promise<void>, VcpuRunState, void> {
    yield why === 'halted' ? new Promise<void>((resolve) => (this.wake = resolve)) : nextTurn();
    this.wake = null;
    clock.resumed();
    return this.kicked ? this.intr() : RUNNING;
  }

  private checkIdle(): void {
    if (this.state.kind !== 'finished') throw new KvmError(Errno.EBUSY, 'KVM_RUN', 'emu: KVM_RUN is already in progress on this vCPU');
  }

  /** kvm_arch_vcpu_ioctl_run up to vcpu_run. */
  private begin(): Step {
    this.state = RUNNING;
    this.kicked = false;
    this.cpu.stopRequested = false;
    const run = this.run;
    kvmRun.set(run, 'flags', 0);
    try {
      syncRegsIn(this);
      // No in-kernel LAPIC: re-sync CR8 from kvm_run (kvm_set_cr8); with one, CR8 is its TPR.
      if (this.lapic === null) {
        const cr8 = kvmRun.get(run, 'cr8');
        if (cr8 & ~0xfn) throw new KvmError(Errno.EINVAL, 'KVM_RUN', 'kvm_run.cr8 has reserved bits');
        this.cpu.cr8 = Number(cr8);
      }
    } catch (e) {
      if (e instanceof KvmError) return failed(e.errno);
      throw e;
    }
    // The instruction budget counts from here: completing the last IO exit retires that instruction.
    const b = this.vm.insnBudget ? kvmRunInsnBudget.get(run, 'insn_budget', KVM_RUN_INSN_BUDGET_OFFSET) : 0n;
    this.budget = Number(b > 1n << 52n ? 1n << 52n : b);
    this.budgetStart = this.cpu.icount;
    // complete_userspace_io.
    const done = completeUserspaceIo(this);
    if (done !== null) return done;
    if (kvmRun.get(run, 'immediate_exit')) return this.intr();
    if (this.budgetSpent()) return this.budgetOut();
    // Userspace may have written guest memory (a debugger's INT3): decoded code of changed pages goes.
    this.cpu.revalidateCode();
    this.hasRun = true;
    kvmRun.set(run, 'exit_reason', R.UNKNOWN);
    return CONTINUE;
  }

  private finish(s: Finished): number {
    if (this.budget > 0) {
      const left = Math.max(0, this.budget - (this.cpu.icount - this.budgetStart));
      kvmRunInsnBudget.set(this.run, 'insn_budget', BigInt(left), KVM_RUN_INSN_BUDGET_OFFSET);
      this.budget = 0;
    }
    this.state = s;
    this.kicked = false;
    this.cpu.stopRequested = false;
    storeRegs(this);
    this.postRunSave();
    if (s.errno !== 0) {
      throw new KvmError(s.errno, 'KVM_RUN', s.errno === Errno.EINTR ? 'interrupted (KVM_EXIT_INTR)' : undefined);
    }
    return 0;
  }

  /** post_kvm_run_save (x86.c). */
  private postRunSave(): void {
    const run = this.run, cpu = this.cpu;
    const ifOn = cpu.interruptsEnabled;
    kvmRun.set(run, 'if_flag', ifOn ? 1 : 0);
    kvmRun.set(run, 'cr8', BigInt(cpu.readCr8()));
    kvmRun.set(run, 'apic_base', BigInt(cpu.apicBase));
    const ready = this.vm.irqchip !== null || (ifOn && !cpu.shadow && this.exception === null && !cpu.intrPending);
    kvmRun.set(run, 'ready_for_interrupt_injection', ready ? 1 : 0);
  }

  private intr(): Finished {
    kvmRun.set(this.run, 'exit_reason', R.INTR);
    this.counters.inc('exit.intr');
    return failed(Errno.EINTR);
  }

  /** At most `n` instructions, or what is left of the budget. */
  private slice(n: number): number {
    return this.budget > 0 ? Math.max(1, Math.min(n, this.budget - (this.cpu.icount - this.budgetStart))) : n;
  }

  private budgetSpent(): boolean {
    return this.budget > 0 && this.cpu.icount - this.budgetStart >= this.budget;
  }

  /** The budget ran out: KVM_EXIT_INTR / EINTR, insn_budget written back as 0 (KVM_CAP_VDBG_INSN_BUDGET). */
  private budgetOut(): Finished {
    this.counters.inc('budget.expired');
    return this.intr();
  }

  /** VM-entry: events injected, checks, guest state loaded; a Step when the entry fails. */
  private enterGuest(): Step | null {
    const cpu = this.cpu;
    injectEvents(this);
    const bad = this.entryCheck();
    if (bad !== null) return bad;
    this.regs.flush();
    this.dr.enter();
    this.xcr.enter();
    this.mmio.rewind();
    this.vm.updateBlockIrq();
    if (this.dr.guestDebug & KvmGuestDbg.BLOCKIRQ) cpu.intrPending = false;
    this.onTransition?.({ kind: 'entry', vcpu: this });
    return null;
  }

  /** Guest mode for up to `budget` instructions of guest time. */
  private runGuest(budget: number): CpuExit {
    return this.irq !== null ? this.irq.run(budget) : this.cpu.run(budget);
  }

  /** VM-exit: guest state saved, the exit counted and handled. */
  private exitGuest(e: CpuExit): VcpuRunState {
    this.xcr.exit();
    this.dr.exit();
    this.regs.invalidate();
    const name = EXIT_NAMES[e.reason] ?? String(e.reason);
    this.counters.inc(`vmexit.${name}`);
    this.onTransition?.({ kind: 'exit', reason: name, vcpu: this });
    return this.handleExit(e);
  }

  /** VM-entry consistency checks the emulated CPU relies on (a failed check is KVM_EXIT_FAIL_ENTRY). */
  private entryCheck(): Step | null {
    const cpu = this.cpu;
    const rip = BigInt.asIntN(64, this.regs.rip());
    const pg = (cpu.cr0 & CR0_PG) !== 0;
    const ok =
      rip >= -(2n ** 47n) && rip < 2n ** 47n &&
      !(pg && (cpu.cr0 & CR0_PE) === 0) &&
      !((cpu.efer & EFER_LMA) !== 0 && (cpu.cr4 & CR4_PAE) === 0);
    return ok ? null : failEntryExit(this);
  }

  private handleExit(e: CpuExit): VcpuRunState {
    switch (e.reason) {
      case EXIT_BUDGET:
      case EXIT_INTERRUPT_WINDOW:
        return CONTINUE;
      case EXIT_STOP:
        if (this.mmio.writes.length > 0) return mmioExit(this);
        if (this.kicked) return this.intr();
        return CONTINUE;
      case EXIT_MMIO:
        return mmioExit(this);
      case EXIT_IO:
        return ioExit(this, e);
      case EXIT_HLT:
        return hltExit(this, e);
      case EXIT_IDLE:
        // In-kernel irqchip, HLT with nothing that can wake the vCPU: KVM blocks it (kvm_vcpu_block).
        return HALTED;
      case EXIT_CPUID:
        return cpuidExit(this, e);
      case EXIT_RDMSR:
      case EXIT_WRMSR:
        return msrExit(this, e);
      case EXIT_DR_ACCESS:
        return drAccessExit(this, e);
      case EXIT_XSETBV:
        return xsetbvExit(this, e);
      case EXIT_EXCEPTION:
        return exceptionExit(this, e);
      case EXIT_TRIPLE_FAULT:
        return shutdownExit(this);
      case EXIT_FETCH_MMIO:
        return fetchFailureExit(this);
      case EXIT_UNSUPPORTED:
      default:
        return internalErrorExit(this);
    }
  }

  // ============================================================ test view
  /** Read-only introspection for tests (not part of the uAPI). */
  view() {
    return {
      dr: { ownership: this.dr.ownership(), hardware: this.dr.hardware(), guest: this.dr.guest(), switchDbRegs: this.dr.switchDbRegs },
      xcr: this.xcr.view(),
      regs: this.regs.bitmaps(),
      exception: this.exception === null ? null : { ...this.exception },
      hasRun: this.hasRun,
      flagsIf: (this.cpu.readRflags() & FLAG_IF) !== 0,
    };
  }

  /** A fresh PhysMemory when the VM has no flat RAM slot yet (everything goes through the MMIO hook). */
  static noRam(): PhysMemory {
    return new PhysMemory(0);
  }

  get ranOnce(): boolean {
    return this.hasRun;
  }

  /** A vector the external interrupt path would deliver (tests). */
  static readonly EVENT_EXTERNAL = EVENT_EXTERNAL;
}
