/**
 * One emulated vCPU: the hypervisor side of a src/emu Cpu, as KVM's x86.c
 * and vmx.c run a vCPU. `KVM_RUN` enters the guest (event injection, dirty
 * registers written back, DR / XCR0 / R16–R31 loads), runs the CPU until a
 * VM-exit, saves state back and handles the exit inside (CPUID, MSRs,
 * XSETBV, MOV DR, in-kernel PIC/PIT ports, exception intercepts) or returns
 * to userspace with the kvm_run exit KVM gives (IO, MMIO, HLT, DEBUG,
 * SHUTDOWN, INTERNAL_ERROR, FAIL_ENTRY, INTR).
 *
 * Every VM-exit the hypervisor handles counts `vmexit.<cpu reason>`; every
 * exit to userspace counts `exit.<name>`.
 */
import { Counters } from '../counters.ts';
import { Cpu, type CpuidLeaf } from '../../emu/cpu.ts';
import { cpuidRead } from '../../emu/cpuid.ts';
import {
  EXIT_BUDGET, EXIT_CPUID, EXIT_DR_ACCESS, EXIT_EXCEPTION, EXIT_HLT, EXIT_IDLE, EXIT_INTERRUPT_WINDOW, EXIT_IO,
  EXIT_MMIO, EXIT_NAMES, EXIT_RDMSR, EXIT_STOP, EXIT_TRIPLE_FAULT, EXIT_UNSUPPORTED, EXIT_WRMSR, EXIT_XSETBV,
  type CpuExit,
} from '../../emu/exits.ts';
import { readMsr, writeMsr } from '../../emu/exec/system-msr.ts';
import { BP, DB, DE, GP, NP, OF, SS, TS, UD, PF, AC } from '../../emu/fault.ts';
import { SEG_CS } from '../../emu/insn.ts';
import { EVENT_EXCEPTION, EVENT_EXTERNAL, EVENT_SOFTWARE } from '../../emu/interrupts.ts';
import { PhysMemory } from '../../emu/memory.ts';
import {
  CR0_CD, CR0_NW, CR0_PE, CR0_PG, CR4_OSXSAVE, CR4_PAE, EFER_LMA, EFER_LME, FLAG_IF, FLAG_RF, FLAG_TF,
  RAX, RBX, RCX, RDX, gpr, type Gpr,
} from '../../emu/regs.ts';
import type { AttachedIrqchip } from './devices/attach.ts';
import { attachIrqchip } from './devices/attach.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import {
  KVM_EXIT_IO_IN, KVM_EXIT_IO_OUT, KVM_RUN_EXIT_OFFSET as X, KvmExitReason as R, KvmInternalError, kvmRun,
  kvmRunFailEntry, kvmRunInternal, kvmRunIo, kvmRunMmio,
} from '../uapi/kvm-run.ts';
import { KvmGuestDbg, KvmVcpuEventValid, type KvmRegs, type KvmSregs, type KvmVcpuEvents } from '../uapi/structs.ts';
import { getSregs, setSregs, KVM_REGS_GPR } from './cpu-state.ts';
import { DebugRegs, DR6_ACTIVE_LOW, DR6_BS } from './dr-switch.ts';
import { exceptionBitmap, hideTf, hostOwnsDb, reportDebugExit } from './guest-debug.ts';
import { MmioBus } from './mmio.ts';
import { RegCache } from './regcache.ts';
import { storeRegs, syncRegsIn } from './sync-regs.ts';
import type { EmuVm } from './vm.ts';
import { XcrState } from './xcr.ts';

/** KVM_GET_VCPU_MMAP_SIZE on emu: one page (kvm_run + the vdbg extensions + PIO data). */
export const EMU_VCPU_MMAP_SIZE = 4096;
/** run->io.data_offset: PIO data lives inside the one page (KVM uses the second page, 4096). */
export const EMU_PIO_DATA_OFFSET = 3072;
/** Instructions per CPU run between VM-exits the emulator takes to breathe (preemption-timer-like). */
const SLICE = 1 << 22;
/** VMX_EXIT_REASONS_FAILED_VMENTRY | EXIT_REASON_INVALID_STATE: the failure KVM reports for bad guest state. */
const ENTRY_FAILURE_INVALID_STATE = 0x80000021n;
/** KVM_X86_SHADOW_INT_STI. */
const SHADOW_INT_STI = 1;

const RF = BigInt(FLAG_RF), TF = BigInt(FLAG_TF);
/** CR4.DE (debugging extensions: DR4/DR5 are #UD). */
const CR4_DE = 1 << 3;

/** A queued exception (vcpu->arch.exception). */
export interface QueuedException {
  vector: number;
  errorCode: number;
  hasPayload: boolean;
  payload: bigint;
}

/** A step of the run loop: keep going, or return to userspace (0) / fail with an errno. */
type Step = { done: false } | { done: true; errno: number };
const CONTINUE: Step = { done: false };
const TO_USER: Step = { done: true, errno: 0 };

/** A point of the run loop for tests walking the state machines (not part of the uAPI). */
export interface Transition {
  readonly kind: 'entry' | 'exit';
  /** The CPU exit reason name on 'exit'. */
  readonly reason?: string;
  readonly vcpu: EmuVcpu;
}

/** kvm_exception_is_soft: #BP and #OF are injected as software exceptions. */
function isSoft(v: number): boolean {
  return v === BP || v === OF;
}
/** exception_type(v) == EXCPT_FAULT (x86.c): RF is set when injecting these. */
function isFault(v: number): boolean {
  return v === DE || v === 5 || v === UD || v === 7 || v === TS || v === NP || v === SS || v === GP || v === PF || v === 16 || v === AC || v === 19 || v === 20;
}
function hasErrorCode(v: number): boolean {
  return v === 8 || v === TS || v === NP || v === SS || v === GP || v === PF || v === AC || v === 21;
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
  /** complete_userspace_io for port I/O: what the next KVM_RUN completes. */
  private pio: { in: boolean; size: number; linearRip: bigint; insnLen: number } | null = null;
  /** MSRs KVM emulates that the CPU does not implement (no in-kernel LAPIC). */
  private readonly extraMsrs = new Map<number, bigint>([
    [0x6e0, 0n], // IA32_TSC_DEADLINE: ignored without an in-kernel LAPIC
    [0x1a0, 0x1800n], // IA32_MISC_ENABLE: PEBS/BTS unavailable (KVM's reset value)
    [0x277, 0x0007040600070406n], // IA32_PAT reset value
  ]);
  /** KVM_INTERRUPT without an in-kernel irqchip: the vector the INTR line delivers. */
  private userIrq = -1;
  private irq: AttachedIrqchip | null = null;
  private hasRun = false;
  private inRun = false;
  private kicked = false;
  private wake: (() => void) | null = null;
  /** Called at every guest entry and exit (tests walking the state machines). */
  onTransition: ((t: Transition) => void) | null = null;

  constructor(
    readonly vm: EmuVm,
    readonly id: number,
    ram: PhysMemory,
  ) {
    const cpu = (this.cpu = new Cpu(ram));
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
    if (vm.irqchip !== null) this.irq = attachIrqchip(cpu, vm.irqchip);
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

  getRegsInternal(): KvmRegs {
    const r = this.regs;
    const out = {} as KvmRegs;
    for (const [name, g] of Object.entries(KVM_REGS_GPR) as [keyof typeof KVM_REGS_GPR, Gpr][]) out[name] = r.gpr(g);
    out.rip = r.rip();
    out.rflags = this.getRflags();
    return out;
  }

  /** __set_regs (x86.c): rflags bit 1 forced, the pending exception dropped. */
  setRegsInternal(regs: KvmRegs): void {
    const r = this.regs;
    for (const [name, g] of Object.entries(KVM_REGS_GPR) as [keyof typeof KVM_REGS_GPR, Gpr][]) r.setGpr(g, regs[name]);
    r.setRip(regs.rip);
    this.setRflags(regs.rflags | 2n);
    this.exception = null;
  }

  getSregsInternal(): KvmSregs {
    const s = getSregs(this.cpu);
    const bitmap = [0n, 0n, 0n, 0n];
    return { ...s, apic_base: BigInt(this.cpu.apicBase), interrupt_bitmap: bitmap };
  }

  /** __set_sregs (x86.c kvm_is_valid_sregs + __set_sregs_common); EINVAL on invalid state. */
  setSregsInternal(s: KvmSregs, ioctl: string): void {
    const fail = (why: string): never => {
      throw new KvmError(Errno.EINVAL, ioctl, why);
    };
    const lme = (s.efer & BigInt(EFER_LME)) !== 0n, lma = (s.efer & BigInt(EFER_LMA)) !== 0n;
    const pg = (s.cr0 & BigInt(CR0_PG)) !== 0n;
    if (lme && pg) {
      if (!(s.cr4 & BigInt(CR4_PAE)) || !lma) fail('EFER.LME and CR0.PG need CR4.PAE and EFER.LMA');
      if (s.cr3 >> 52n !== 0n) fail('CR3 has bits above MAXPHYADDR');
    } else if (lma || s.cs.l) {
      fail('EFER.LMA or CS.L outside 64-bit mode');
    }
    if (s.cr0 >> 32n !== 0n || (pg && !(s.cr0 & BigInt(CR0_PE))) || (s.cr0 & BigInt(CR0_NW) && !(s.cr0 & BigInt(CR0_CD)))) {
      fail('invalid CR0');
    }
    if (s.cr4 >> 32n !== 0n) fail('invalid CR4');
    // kvm_apic_set_base: reserved bits, and x2APIC mode without LAPIC enable.
    if (s.apic_base & 0x6ffn || s.apic_base >> 48n !== 0n) fail('invalid APIC base');
    setSregs(this.cpu, s);
    this.cpu.apicBase = Number(s.apic_base);
  }

  getEventsInternal(): KvmVcpuEvents {
    const e = this.exception;
    const ev = {
      exception: { injected: e !== null ? 1 : 0, nr: e?.vector ?? 0, has_error_code: e !== null && e.errorCode >= 0 ? 1 : 0, pending: 0, error_code: e !== null && e.errorCode >= 0 ? e.errorCode : 0 },
      interrupt: { injected: 0, nr: 0, soft: 0, shadow: this.cpu.shadow ? SHADOW_INT_STI : 0 },
      nmi: { injected: 0, pending: 0, masked: 0 },
      sipi_vector: 0,
      flags: KvmVcpuEventValid.NMI_PENDING | KvmVcpuEventValid.SHADOW | KvmVcpuEventValid.SMM,
      smi: { smm: 0, pending: 0, smm_inside_nmi: 0, latched_init: 0 },
      triple_fault: { pending: 0 },
      exception_has_payload: 0,
      exception_payload: 0n,
    };
    // Without KVM_CAP_EXCEPTION_PAYLOAD a pending exception is reported injected, its payload delivered first.
    if (e !== null && e.hasPayload) this.deliverPayload(e);
    return ev;
  }

  /** kvm_vcpu_ioctl_x86_set_vcpu_events (x86.c): the pieces this vCPU has (exception, shadow). */
  setEventsInternal(ev: KvmVcpuEvents, ioctl: string): void {
    const valid = Object.values(KvmVcpuEventValid).reduce((a, b) => a | b, 0);
    if (ev.flags & ~valid) throw new KvmError(Errno.EINVAL, ioctl, 'unknown kvm_vcpu_events flags');
    if (ev.flags & KvmVcpuEventValid.PAYLOAD) throw new KvmError(Errno.EINVAL, ioctl, 'KVM_CAP_EXCEPTION_PAYLOAD is not enabled');
    if (ev.flags & KvmVcpuEventValid.TRIPLE_FAULT) throw new KvmError(Errno.EINVAL, ioctl, 'KVM_CAP_X86_TRIPLE_FAULT_EVENT is not enabled');
    const injected = ev.exception.injected !== 0; // pending is forced to 0 without the payload cap
    if (injected && (ev.exception.nr > 31 || ev.exception.nr === 2)) {
      throw new KvmError(Errno.EINVAL, ioctl, `exception vector ${ev.exception.nr} cannot be injected`);
    }
    this.exception = injected
      ? { vector: ev.exception.nr, errorCode: ev.exception.has_error_code ? ev.exception.error_code : -1, hasPayload: false, payload: 0n }
      : null;
    if (ev.flags & KvmVcpuEventValid.SHADOW) this.cpu.shadow = ev.interrupt.shadow !== 0;
    this.cpu.updateSlow();
  }

  // ============================================================ events
  /** kvm_queue_exception(_e/_p). */
  queueException(vector: number, errorCode = -1, payload?: bigint): void {
    this.exception = { vector, errorCode, hasPayload: payload !== undefined, payload: payload ?? 0n };
  }

  private deliverPayload(e: QueuedException): void {
    if (e.vector === DB) this.dr.deliverDbPayload(e.payload);
    else if (e.vector === PF) this.cpu.cr2 = Number(BigInt.asIntN(64, e.payload));
    e.hasPayload = false;
  }

  /** kvm_check_and_inject_events: the queued exception (RF for faults, #DB payload, GD cleared). */
  private injectEvents(): void {
    const e = this.exception;
    if (e === null) return;
    this.exception = null;
    if (isFault(e.vector)) this.setRflags(this.getRflags() | RF);
    if (e.vector === DB) {
      if (e.hasPayload) this.deliverPayload(e);
      this.dr.clearGd();
    } else if (e.hasPayload) {
      this.deliverPayload(e);
    }
    if (isSoft(e.vector)) {
      // VMX soft exception: VM_ENTRY_INSTRUCTION_LEN = event_exit_inst_len, the return address follows it.
      this.regs.setRip(this.regs.rip() + BigInt(this.eventExitInstLen));
      this.cpu.inject(e.vector, -1, EVENT_SOFTWARE);
    } else {
      this.cpu.inject(e.vector, hasErrorCode(e.vector) ? Math.max(e.errorCode, 0) : -1, EVENT_EXCEPTION);
    }
    this.counters.inc('exception.injected');
  }

  /** KVM_INTERRUPT (userspace irqchip): raise INTR with this vector. */
  interrupt(vector: number): void {
    this.userIrq = vector;
    this.cpu.raiseIntr();
  }

  // ============================================================ KVM_RUN
  kick(): void {
    if (!this.inRun) return;
    this.kicked = true;
    this.cpu.requestStop();
    this.wake?.();
  }

  /** Wake a vCPU blocked in HLT (KVM_IRQ_LINE from userspace). */
  notify(): void {
    this.irq?.syncIntr();
    this.wake?.();
  }

  runSync(): number {
    this.checkIdle();
    const first = this.begin();
    let s = first;
    while (!s.done) {
      s = this.step(SLICE);
      if (!s.done && this.blocked) s = this.blockedForever();
    }
    return this.finish(s);
  }

  async runAsync(): Promise<number> {
    this.checkIdle();
    let s = this.begin();
    try {
      while (!s.done) {
        s = this.step(1 << 20);
        if (s.done) break;
        if (this.blocked) {
          // Blocked in HLT (KVM would sleep): wait for a kick or an interrupt from userspace.
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = null;
          this.blocked = false;
          if (this.kicked) s = this.intr();
          continue;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.kicked) s = this.intr();
      }
    } catch (e) {
      this.inRun = false;
      throw e;
    }
    return this.finish(s);
  }

  private blocked = false;

  private checkIdle(): void {
    if (this.inRun) throw new KvmError(Errno.EBUSY, 'KVM_RUN', 'emu: KVM_RUN is already in progress on this vCPU');
  }

  /** kvm_arch_vcpu_ioctl_run up to vcpu_run. */
  private begin(): Step {
    this.inRun = true;
    this.kicked = false;
    this.blocked = false;
    this.cpu.stopRequested = false;
    const run = this.run;
    kvmRun.set(run, 'flags', 0);
    try {
      syncRegsIn(this);
      // No in-kernel LAPIC: re-sync CR8 from kvm_run (kvm_set_cr8).
      const cr8 = kvmRun.get(run, 'cr8');
      if (cr8 & ~0xfn) throw new KvmError(Errno.EINVAL, 'KVM_RUN', 'kvm_run.cr8 has reserved bits');
      this.cpu.cr8 = Number(cr8);
    } catch (e) {
      if (e instanceof KvmError) return { done: true, errno: e.errno };
      throw e;
    }
    // complete_userspace_io.
    const done = this.completeUserspaceIo();
    if (done !== null) return done;
    if (kvmRun.get(run, 'immediate_exit')) return this.intr();
    // Userspace may have written guest memory (breakpoints, page tables): drop decoded code and TLB.
    this.cpu.flushDecodeCache();
    this.cpu.mmu.flushTlb();
    this.hasRun = true;
    kvmRun.set(run, 'exit_reason', R.UNKNOWN);
    return CONTINUE;
  }

  private finish(s: Step & { done: true }): number {
    this.inRun = false;
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
    kvmRun.set(run, 'cr8', BigInt(cpu.cr8));
    kvmRun.set(run, 'apic_base', BigInt(cpu.apicBase));
    const ready = this.vm.irqchip !== null || (ifOn && !cpu.shadow && this.exception === null && !cpu.intrPending);
    kvmRun.set(run, 'ready_for_interrupt_injection', ready ? 1 : 0);
  }

  private intr(): Step {
    kvmRun.set(this.run, 'exit_reason', R.INTR);
    this.counters.inc('exit.intr');
    return { done: true, errno: Errno.EINTR };
  }

  private blockedForever(): Step {
    // A synchronous KVM_RUN would sleep forever here (HLT, nothing can wake it): return as a signal would.
    this.blocked = false;
    return this.intr();
  }

  /** complete_fast_pio_in/out and complete_emulated_mmio. Returns a final step, or null to run. */
  private completeUserspaceIo(): Step | null {
    const p = this.pio;
    if (p !== null) {
      this.pio = null;
      // complete_fast_pio_*: nothing to do when userspace moved RIP.
      if (this.linearRip() === p.linearRip) {
        if (p.in) {
          let v = 0n;
          for (let k = p.size - 1; k >= 0; k--) v = (v << 8n) | BigInt(this.run.getUint8(EMU_PIO_DATA_OFFSET + k));
          const old = this.regs.gpr(RAX);
          const nv = p.size === 4 ? v : (old & ~((1n << BigInt(8 * p.size)) - 1n)) | v;
          this.regs.setGpr(RAX, nv);
        }
        const s = this.skipEmulatedInstruction(p.insnLen);
        if (s !== CONTINUE) return s;
      }
    }
    const m = this.mmio;
    if (m.pendingRead !== null) {
      m.answer(new Uint8Array(this.run.buffer, X + kvmRunMmio.offsetOf('data'), 8));
    }
    if (m.writes.length > 0) return this.mmioExit();
    return null;
  }

  /** One guest entry, run, exit and its handling (vcpu_enter_guest + the exit handler). */
  private step(budget: number): Step {
    const cpu = this.cpu;
    this.injectEvents();
    const bad = this.entryCheck();
    if (bad !== null) return bad;
    this.regs.flush();
    this.dr.enter();
    this.xcr.enter();
    this.mmio.rewind();
    this.vm.updateBlockIrq();
    if (this.dr.guestDebug & KvmGuestDbg.BLOCKIRQ) cpu.intrPending = false;
    this.onTransition?.({ kind: 'entry', vcpu: this });
    const e = this.irq !== null ? this.irq.run(budget) : cpu.run(budget);
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
    if (ok) return null;
    const run = this.run;
    kvmRun.set(run, 'exit_reason', R.FAIL_ENTRY);
    kvmRunFailEntry.set(run, 'hardware_entry_failure_reason', ENTRY_FAILURE_INVALID_STATE, X);
    kvmRunFailEntry.set(run, 'cpu', 0, X);
    this.counters.inc('exit.fail_entry');
    return TO_USER;
  }

  private handleExit(e: CpuExit): Step {
    switch (e.reason) {
      case EXIT_BUDGET:
      case EXIT_INTERRUPT_WINDOW:
        return CONTINUE;
      case EXIT_STOP:
        if (this.mmio.writes.length > 0) return this.mmioExit();
        if (this.kicked) return this.intr();
        return CONTINUE;
      case EXIT_MMIO:
        return this.mmioExit();
      case EXIT_IO:
        return this.ioExit(e);
      case EXIT_HLT:
        return this.hlt(e);
      case EXIT_IDLE:
        // In-kernel irqchip, HLT with nothing that can wake the vCPU: KVM blocks it.
        this.blocked = true;
        return CONTINUE;
      case EXIT_CPUID:
        return this.cpuid(e);
      case EXIT_RDMSR:
      case EXIT_WRMSR:
        return this.msr(e);
      case EXIT_DR_ACCESS:
        return this.drAccess(e);
      case EXIT_XSETBV:
        return this.xsetbv(e);
      case EXIT_EXCEPTION:
        return this.exceptionExit(e);
      case EXIT_TRIPLE_FAULT:
        kvmRun.set(this.run, 'exit_reason', R.SHUTDOWN);
        this.counters.inc('exit.shutdown');
        return TO_USER;
      case EXIT_UNSUPPORTED:
      default: {
        const run = this.run;
        kvmRun.set(run, 'exit_reason', R.INTERNAL_ERROR);
        kvmRunInternal.set(run, 'suberror', KvmInternalError.EMULATION, X);
        kvmRunInternal.set(run, 'ndata', 0, X);
        this.counters.inc('exit.internal_error');
        return TO_USER;
      }
    }
  }

  /**
   * kvm_skip_emulated_instruction: RIP past the instruction, interrupt
   * shadow cleared, then kvm_vcpu_do_singlestep if RFLAGS.TF.
   */
  private skipEmulatedInstruction(len: number): Step {
    const rflags = this.regs.rflags();
    this.regs.setRip(this.regs.rip() + BigInt(len));
    this.cpu.shadow = false;
    if (!(rflags & TF)) return CONTINUE;
    // kvm_vcpu_do_singlestep.
    if (this.dr.guestDebug & KvmGuestDbg.SINGLESTEP) {
      reportDebugExit(this, DB, DR6_BS | DR6_ACTIVE_LOW); // dr7 not written
      this.counters.inc('exit.debug');
      return TO_USER;
    }
    this.queueException(DB, -1, DR6_BS);
    return CONTINUE;
  }

  private mmioExit(): Step {
    const m = this.mmio;
    const a = m.pendingRead ?? m.writes.shift()!;
    const run = this.run;
    kvmRun.set(run, 'exit_reason', R.MMIO);
    kvmRunMmio.set(run, 'phys_addr', BigInt(a.pa), X);
    kvmRunMmio.set(run, 'data', a.data, X);
    kvmRunMmio.set(run, 'len', a.size, X);
    kvmRunMmio.set(run, 'is_write', a.isWrite ? 1 : 0, X);
    this.counters.inc('exit.mmio');
    return TO_USER;
  }

  /** handle_io → kvm_fast_pio: userspace completes it; RIP moves on the next KVM_RUN. */
  private ioExit(e: CpuExit): Step {
    const run = this.run;
    kvmRun.set(run, 'exit_reason', R.IO);
    kvmRunIo.set(run, 'direction', e.out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN, X);
    kvmRunIo.set(run, 'size', e.size, X);
    kvmRunIo.set(run, 'port', e.port, X);
    kvmRunIo.set(run, 'count', 1, X);
    kvmRunIo.set(run, 'data_offset', BigInt(EMU_PIO_DATA_OFFSET), X);
    for (let k = 0; k < e.size; k++) run.setUint8(EMU_PIO_DATA_OFFSET + k, e.out ? (e.value >>> (8 * k)) & 0xff : 0);
    this.pio = { in: !e.out, size: e.size, linearRip: this.linearRip(), insnLen: e.insnLen };
    this.counters.inc('exit.io');
    return TO_USER;
  }

  /** kvm_emulate_halt without an in-kernel LAPIC: skip the HLT, KVM_EXIT_HLT. */
  private hlt(e: CpuExit): Step {
    this.skipEmulatedInstruction(e.insnLen);
    this.cpu.icount++; // the HLT retired
    kvmRun.set(this.run, 'exit_reason', R.HLT);
    this.counters.inc('exit.hlt');
    return TO_USER;
  }

  /** kvm_emulate_cpuid: answered from the guest CPUID table (KVM_SET_CPUID2). */
  private cpuid(e: CpuExit): Step {
    const r = this.regs;
    const osxsave = (this.cpu.cr4 & CR4_OSXSAVE) !== 0;
    const v = cpuidRead(this.guestCpuid, Number(r.gpr(RAX) & 0xffffffffn), Number(r.gpr(RCX) & 0xffffffffn), osxsave, Number(this.xcr.xcr0));
    const regs = [RAX, RBX, RCX, RDX];
    for (let k = 0; k < 4; k++) r.setGpr(regs[k], BigInt(v[k] >>> 0));
    this.cpu.icount++;
    return this.skipEmulatedInstruction(e.insnLen);
  }

  /** kvm_emulate_rdmsr/wrmsr for the MSRs the CPU lacks; unknown ones #GP (ignore_msrs = 0). */
  private msr(e: CpuExit): Step {
    const r = this.regs;
    const index = Number(r.gpr(RCX) & 0xffffffffn);
    if (!this.extraMsrs.has(index)) {
      this.queueException(GP, 0);
      return CONTINUE;
    }
    if (e.reason === EXIT_RDMSR) {
      const v = this.extraMsrs.get(index)!;
      r.setGpr(RAX, v & 0xffffffffn);
      r.setGpr(RDX, v >> 32n);
    } else {
      const v = ((r.gpr(RDX) & 0xffffffffn) << 32n) | (r.gpr(RAX) & 0xffffffffn);
      if (index !== 0x6e0) this.extraMsrs.set(index, v);
    }
    this.cpu.icount++;
    return this.skipEmulatedInstruction(e.insnLen);
  }

  /** MSR access from userspace (KVM_GET/SET_MSRS): the CPU's MSRs, then KVM's. */
  getMsr(index: number): bigint | undefined {
    const v = readMsr(this.cpu, index);
    if (v !== undefined) return (BigInt(v[1] >>> 0) << 32n) | BigInt(v[0] >>> 0);
    return this.extraMsrs.get(index);
  }

  setMsr(index: number, value: bigint): boolean {
    const v = BigInt.asUintN(64, value);
    if (readMsr(this.cpu, index) !== undefined) return writeMsr(this.cpu, index, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
    if (!this.extraMsrs.has(index)) return false;
    this.extraMsrs.set(index, v);
    return true;
  }

  private drAccess(e: CpuExit): Step {
    const g = gpr(e.gpr);
    const res = this.dr.handleDrAccess(e.dr, e.toDr, (this.cpu.cr4 & CR4_DE) !== 0, this.cpu.cpl, {
      read: () => this.regs.readOperand(g),
      write: (v) => this.regs.writeOperand(g, v),
    });
    switch (res.kind) {
      case 'ud':
        this.queueException(UD);
        return CONTINUE;
      case 'gp':
        this.queueException(GP, 0);
        return CONTINUE;
      case 'debug-exit':
        reportDebugExit(this, DB, res.dr6, res.dr7);
        this.counters.inc('exit.debug');
        return TO_USER;
      case 'inject-db':
        this.queueException(DB, -1, res.payload);
        return CONTINUE;
      case 'wont-exit':
        return CONTINUE;
      case 'emulated':
        this.cpu.icount++;
        return this.skipEmulatedInstruction(e.insnLen);
    }
  }

  /** kvm_emulate_xsetbv: CPL > 0 or __kvm_set_xcr failure → #GP(0), else skip. */
  private xsetbv(e: CpuExit): Step {
    this.counters.inc('xsetbv');
    const r = this.regs;
    const v = ((r.gpr(RDX) & 0xffffffffn) << 32n) | (r.gpr(RAX) & 0xffffffffn);
    if (this.cpu.cpl !== 0 || !this.xcr.setXcr(Number(r.gpr(RCX) & 0xffffffffn), v)) {
      this.queueException(GP, 0);
      return CONTINUE;
    }
    this.cpu.icount++;
    return this.skipEmulatedInstruction(e.insnLen);
  }

  /** handle_exception_nmi for the intercepted #DB / #BP (uapi.md §2.2, §2.4). */
  private exceptionExit(e: CpuExit): Step {
    const gd = this.dr.guestDebug;
    if (e.vector === DB) {
      const dr6 = BigInt(e.qual >>> 0);
      if (!hostOwnsDb(gd)) {
        // The guest's own #DB: ICEBP is skipped first (no single-step), then queued with the payload.
        if (e.soft) this.regs.setRip(this.regs.rip() + BigInt(e.insnLen));
        this.queueException(DB, -1, dr6);
        return CONTINUE;
      }
      this.eventExitInstLen = e.insnLen;
      reportDebugExit(this, DB, dr6 | DR6_ACTIVE_LOW, this.dr.vmcsDr7);
      this.counters.inc('exit.debug');
      return TO_USER;
    }
    if (e.vector === BP) {
      this.eventExitInstLen = e.insnLen;
      reportDebugExit(this, BP); // #BP writes neither dr6 nor dr7
      this.counters.inc('exit.debug');
      return TO_USER;
    }
    // Not intercepted by this hypervisor; reinject.
    this.queueException(e.vector, e.errorCode);
    return CONTINUE;
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
