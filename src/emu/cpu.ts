/**
 * The x86-64 CPU: architectural state, the decode cache and the run loop.
 * It runs 64-bit long-mode code at CPL 0 and 3 until a VM-exit condition
 * (exits.ts) or an instruction budget. Instruction semantics live in exec/,
 * paging in mmu.ts, event delivery in interrupts.ts, debug hardware in debug.ts.
 *
 * Registers are int32 halves in `r` (r[2n] low, r[2n+1] high, n = 0–31);
 * RIP and canonical linear addresses are signed JS numbers in [-2^47, 2^47).
 */
import { Buffer } from 'node:buffer';
import { defaultCpuid } from './cpuid.ts';
import { decode } from './decode.ts';
import { bindInsn, UD_HANDLER } from './dispatch.ts';
import { checkCodeBreakpoints, dataAccess, updateDebugState, type DebugState, newDebugState, DR6_BS, DR6_FIXED_1, DR7_GD } from './debug.ts';
import { CpuExit, EXIT_BUDGET, EXIT_EXCEPTION, EXIT_FETCH_MMIO, EXIT_IDLE, EXIT_INTERRUPT_WINDOW, EXIT_STOP, EXIT_TRIPLE_FAULT, EXIT_UNSUPPORTED, ExitControls } from './exits.ts';
import { BP, DB, DE, DF, GP, GuestFault, MC, NP, OF, PF, SS, TS, VM_EXIT, VmExitSignal } from './fault.ts';
import { FLAGS_WORDS, arithFlags, setArithFlags } from './flags.ts';
import { Insn, SEG_CS } from './insn.ts';
import { Jit } from './jit/engine.ts';
import type { CompiledRegion } from './jit/region-types.ts';
import { deliverEvent, EVENT_EXCEPTION, EVENT_EXTERNAL, TripleFault } from './interrupts.ts';
import { PhysMemory } from './memory.ts';
import { Mmu, type MmuHost } from './mmu.ts';
import {
  ARITH_FLAGS, CR0_AM, CR0_PG, CR0_WP, CR4_SMAP, CR4_SMEP, EFER_LMA, EFER_NXE, FLAG_AC, FLAG_IF, FLAG_RF, FLAG_TF, NUM_GPRS, type Gpr,
} from './regs.ts';
import { DescriptorTable, Segment } from './segments.ts';
import { X87State } from './fpu/x87-state.ts';
import { SseState } from './sse/mxcsr.ts';
import { DetRng } from './rng.ts';

/** Values returned by CPUID for a leaf/subleaf: eax, ebx, ecx, edx. */
export type CpuidLeaf = readonly [number, number, number, number];

export interface IoBus {
  in(port: number, size: number): number;
  out(port: number, size: number, value: number): void;
}

/** A local APIC as the CPU sees it (attached by a hypervisor): CR8 and IA32_APIC_BASE go through it. */
export interface ApicLink {
  /** TPR[7:4]. */
  readCr8(): number;
  /** TPR = v << 4 (v in 0–15). */
  writeCr8(v: number): void;
  /** IA32_APIC_BASE written (`cpu.apicBase` holds the new value, `old` the previous one). */
  baseWritten(old: number): void;
}

const NO_IO: IoBus = { in: () => -1, out: () => {} };

/** A link from the instruction at `from` to `to` stays valid while both lie in one linear page. */
function linkable(from: number, to: number, n: Insn): boolean {
  const base = from - (from & 0xfff);
  return to - (to & 0xfff) === base && (to & 0xfff) + n.len <= 4096;
}

/** A fast-loop run with less budget than this does not count heat at the address it starts at (runFast). */
const MIN_RESUME_BUDGET = 64;
/**
 * Heat a block entry adds when it follows an entry of the same block (a
 * tight loop: the block branched back to itself): such loops pay back V8's
 * cost of optimizing a region soonest, so they reach the JIT's threshold 25×
 * sooner. Measured (bench + Linux boot, alternating rounds): the integer
 * benchmark 324 → 361 M instr/s (less of it interpreted before its loops
 * compile), the Linux boot unchanged; counting every backward branch this
 * way made the Linux boot slower (more regions that do not pay back).
 */
const TIGHT_LOOP_HEAT = 25;

const BENIGN = 0, CONTRIBUTORY = 1, PAGE_FAULT = 2;
/** Fault-class exception vectors (SDM Vol. 3 Table 6-1); #DB, #BP, #OF, #DF, #MC are not. */
function isFaultVector(v: number): boolean {
  return v < 32 && v !== DB && v !== BP && v !== OF && v !== DF && v !== MC && v !== 2;
}
function faultClass(v: number): number {
  if (v === PF) return PAGE_FAULT;
  return v === DE || v === TS || v === NP || v === SS || v === GP ? CONTRIBUTORY : BENIGN;
}

export class Cpu implements MmuHost {
  // ---- architectural state
  readonly r = new Int32Array(NUM_GPRS * 2);
  rip = 0;
  /** Lazy arithmetic flags (flags.ts). */
  readonly fl = new Int32Array(FLAGS_WORDS);
  /** RFLAGS bits other than the six arithmetic flags (bit 1 always set). */
  flagsOther = 2;
  readonly seg = [new Segment(), new Segment(), new Segment(), new Segment(), new Segment(), new Segment()];
  readonly tr = new Segment();
  readonly ldtr = new Segment();
  readonly gdtr = new DescriptorTable();
  readonly idtr = new DescriptorTable();
  cpl = 0;
  cr0 = 0x60000010;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  cr8 = 0;
  efer = 0;
  xcr0 = 1;
  /** x87 FPU (fpu/x87-state.ts) and SSE unit: XMM0–15 + MXCSR (sse/mxcsr.ts, docs/sse.md). */
  readonly x87 = new X87State();
  readonly sse = new SseState();
  /** DR0–DR3 (canonical linear addresses), DR6, DR7 as loaded in hardware. */
  readonly dr = [0, 0, 0, 0];
  dr6 = 0xffff0ff0;
  dr7 = 0x400;
  // MSRs (64-bit values outside the hot path are BigInt).
  star = 0n;
  lstar = 0;
  cstar = 0;
  fmask = 0;
  kernelGsBase = 0;
  tscOffset = 0;
  /** IA32_TSC_AUX (RDTSCP's ECX). */
  tscAux = 0;
  /**
   * IA32_APIC_BASE: xAPIC at 0xFEE00000, enabled, BSP. The CPU only stores
   * it; a local APIC behind it is the hypervisor's (`apic`).
   */
  apicBase = 0xfee00900;
  /**
   * The local APIC a hypervisor attached (its in-kernel LAPIC), or null:
   * then CR8 is a plain register. With one, CR8 is the APIC's TPR[7:4]
   * (SDM Vol. 3 §11.8.6.1) and writes of IA32_APIC_BASE are reported.
   */
  apic: ApicLink | null = null;
  /** RDRAND/RDSEED's deterministic source (rng.ts); the hypervisor seeds it per VM. */
  readonly rng = new DetRng();
  /** Retired instructions since reset: the time base (rdtsc counts these). */
  icount = 0;

  // ---- hidden state
  halted = false;
  /** Interrupt shadow after STI / MOV SS / POP SS: blocks interrupts for one instruction. */
  shadow = false;
  /** INTR line: an external interrupt is pending; `intAck` returns its vector. */
  intrPending = false;
  intAck: () => number = () => 0x20;
  /** An event injected by the hypervisor, delivered before the next instruction. */
  injected: { vector: number; errorCode: number; type: number } | null = null;
  readonly ctl = new ExitControls();
  readonly exit = new CpuExit();
  /** Set by requestStop() from outside a run (e.g. the UI); checked between instructions. */
  stopRequested = false;
  io: IoBus = NO_IO;
  /** CPUID leaves keyed by `cpuidKey(leaf, subleaf)` (cpuid.ts); missing leaves read as zeros. */
  cpuid: Map<string, CpuidLeaf> = defaultCpuid();

  readonly mem: PhysMemory;
  readonly mmu: Mmu;
  readonly dbg: DebugState = newDebugState();
  /**
   * The JIT (jit/engine.ts): hot block entries of the fast loop run as
   * compiled regions. Only the fast loop uses it, so anything that needs the
   * slow loop — debug registers, TF, single-step, pending events — runs in
   * the interpreter with no JIT at all.
   */
  readonly jit = new Jit();
  /** jit.options.enabled, as a field of the CPU for the hot loop. */
  jitOn = this.jit.options.enabled;

  /** Anything that needs the per-instruction slow loop (debug, TF, events). */
  slow = true;
  /** CS is a 64-bit code segment and EFER.LMA is set. */
  mode64 = false;
  /** Start of the executing instruction (for fault-like exits). */
  insnStart = 0;

  private readonly icache: (Insn[] | undefined)[];
  /** Bytes of each page holding decoded code, when it was first decoded (revalidateCode). */
  private readonly codeSnap: (Uint8Array | undefined)[];
  /** Views of RAM pages that hold decoded code, made once (revalidateCode compares them). */
  private readonly pageViews: (Uint8Array | undefined)[];
  /** Physical pages that hold decoded code (may list dropped pages until the next revalidation). */
  private readonly codePpns: number[] = [];

  constructor(mem: PhysMemory | number) {
    this.mem = typeof mem === 'number' ? new PhysMemory(mem) : mem;
    this.mmu = new Mmu(this.mem, this);
    this.icache = new Array(this.mem.size >>> 12).fill(undefined);
    this.codeSnap = new Array(this.mem.size >>> 12).fill(undefined);
    this.pageViews = new Array(this.mem.size >>> 12).fill(undefined);
    setArithFlags(this.fl, 0);
  }

  // ---------------------------------------------------------------- GPRs
  /** Full 64-bit value of a GPR. A Gpr index can never name RIP. */
  getGpr(g: Gpr): bigint {
    return (BigInt(this.r[2 * g + 1] >>> 0) << 32n) | BigInt(this.r[2 * g] >>> 0);
  }
  setGpr(g: Gpr, v: bigint): void {
    this.r[2 * g] = Number(BigInt.asUintN(32, v)) | 0;
    this.r[2 * g + 1] = Number(BigInt.asUintN(32, v >> 32n)) | 0;
  }
  getRip(): bigint {
    return BigInt.asUintN(64, BigInt(this.rip));
  }
  /** Set RIP from a 64-bit value; it must be canonical. */
  setRip(v: bigint): void {
    this.rip = Number(BigInt.asIntN(64, v));
    if (this.rip < -(2 ** 47) || this.rip >= 2 ** 47) throw new RangeError(`RIP 0x${v.toString(16)} is not canonical`);
  }

  // --------------------------------------------------------------- RFLAGS
  readRflags(): number {
    return (this.flagsOther | arithFlags(this.fl)) >>> 0;
  }
  writeRflags(v: number): void {
    setArithFlags(this.fl, v & ARITH_FLAGS);
    // Bits 1 (always 1) and the defined bits up to ID (21); 3, 5 and 15 are reserved zero.
    this.flagsOther = ((v & ~ARITH_FLAGS & 0x3f7fd5) | 2) >>> 0;
    this.updateSlow();
  }

  // ------------------------------------------------------ control registers
  /** Load CR0/CR3/CR4/EFER consequences into the MMU and mode flags. */
  syncMode(): void {
    const m = this.mmu;
    m.paging = (this.cr0 & CR0_PG) !== 0;
    m.wp = (this.cr0 & CR0_WP) !== 0;
    m.nxe = (this.efer & EFER_NXE) !== 0;
    m.smep = (this.cr4 & CR4_SMEP) !== 0;
    m.smap = (this.cr4 & CR4_SMAP) !== 0;
    m.cr3 = this.cr3;
    m.flushTlb();
    this.setCpl(this.seg[SEG_CS].selector & 3);
    this.updateSlow();
  }

  /** Set CPL after a CS load (interrupts, iret, syscall/sysret). */
  setCpl(cpl: number): void {
    this.cpl = cpl;
    this.mmu.setUser(cpl === 3);
    this.mode64 = (this.efer & EFER_LMA) !== 0 && this.seg[1].l === 1;
    if (!this.mode64) this.slow = true;
    this.updateAlignCheck();
  }

  /** Recompute whether the per-instruction slow loop is needed. */
  updateSlow(): void {
    this.slow =
      !this.mode64 ||
      this.stopRequested ||
      this.injected !== null ||
      this.shadow ||
      this.halted ||
      this.ctl.interruptWindow ||
      (this.intrPending && (this.flagsOther & FLAG_IF) !== 0) ||
      (this.flagsOther & (FLAG_TF | FLAG_RF)) !== 0 ||
      this.dbg.active;
    this.updateAlignCheck();
  }

  /** Alignment checking is on at CPL 3 with CR0.AM and RFLAGS.AC (SDM Vol. 3 §6.15, #AC). */
  private updateAlignCheck(): void {
    // SMAP: RFLAGS.AC lets explicit supervisor accesses reach user pages (such translations are never cached, mmu.ts).
    this.mmu.smapAc = this.cpl < 3 && (this.flagsOther & FLAG_AC) !== 0;
    const on = this.cpl === 3 && (this.cr0 & CR0_AM) !== 0 && (this.flagsOther & FLAG_AC) !== 0;
    if (on !== this.mmu.alignCheck) {
      this.mmu.alignCheck = on;
      this.mmu.flushTlb(); // from now on every access takes a checked slow path (or may use the TLB again)
    }
  }

  /** Re-derive debug matching after a write to DR0–DR3/DR7. */
  debugRegsChanged(): void {
    updateDebugState(this);
    this.updateSlow();
  }

  requestStop(): void {
    this.stopRequested = true;
    this.slow = true;
  }

  /** CR8 (MOV from CR8, KVM_GET_SREGS): the APIC's TPR[7:4] when one is attached. */
  readCr8(): number {
    return this.apic !== null ? this.apic.readCr8() : this.cr8;
  }

  /** CR8 written (MOV to CR8, KVM_SET_SREGS): TPR = CR8 << 4 when an APIC is attached. */
  writeCr8(v: number): void {
    if (this.apic !== null) this.apic.writeCr8(v & 0xf);
    else this.cr8 = v & 0xf;
  }

  /** IA32_APIC_BASE written (WRMSR, KVM_SET_SREGS / KVM_SET_MSRS). */
  setApicBase(v: number): void {
    const old = this.apicBase;
    this.apicBase = v;
    this.apic?.baseWritten(old);
  }

  /** Raise the INTR line; the vector is taken from `intAck` when delivered. */
  raiseIntr(): void {
    this.intrPending = true;
    this.updateSlow();
  }

  /** Inject an event for delivery before the next instruction (VM-entry injection). */
  inject(vector: number, errorCode = -1, type = EVENT_EXCEPTION): void {
    this.injected = { vector, errorCode, type };
    this.slow = true;
  }

  /**
   * Record a fault-like VM-exit for the executing instruction and unwind to
   * the run loop. Handlers call this before changing any state.
   */
  vmexit(reason: number): never {
    this.exit.reason = reason;
    throw VM_EXIT;
  }

  // ------------------------------------------------------------ MmuHost
  codeWritten(ppn: number): void {
    const page = this.icache[ppn];
    if (page === undefined) return;
    this.jit.pageDropped(ppn);
    this.icache[ppn] = undefined;
    this.codeSnap[ppn] = undefined;
    // Unlink the dropped instructions (the one executing may still follow them) and refetch.
    for (const i of page) {
      if (i !== undefined) {
        i.next = i.taken = undefined;
        i.takenRip = NaN;
      }
    }
    this.slow = true;
  }
  mappingChanged(): void {
    this.slow = true;
  }
  dataAccess(la: number, size: number, write: boolean): void {
    dataAccess(this, la, size, write);
  }

  // --------------------------------------------------------- the run loop
  /**
   * Execute up to `budget` instructions. Returns `this.exit`, whose reason is
   * EXIT_BUDGET when the budget ran out.
   */
  run(budget: number): CpuExit {
    const exit = this.exit;
    exit.reason = EXIT_BUDGET;
    exit.errorCode = -1;
    exit.soft = false;
    let left = budget;
    for (;;) {
      // Where this pass starts: a fault unwinding out of runFast loses the budget it returns,
      // so the instructions it retired before the fault are counted from icount.
      const mark = this.icount;
      const markLeft = left;
      try {
        if (this.slow) {
          const r = this.stepSlow();
          if (r >= 0) {
            exit.reason = r;
            return exit;
          }
          left--;
        } else {
          left = this.runFast(left);
        }
        if (left <= 0) return exit;
      } catch (e) {
        if (e instanceof GuestFault) {
          left = markLeft - (this.icount - mark);
          this.rip = this.insnStart;
          const bits = e.vector === DB ? this.dbg.faultBits : 0;
          this.dbg.faultBits = 0;
          if (this.raise(e.vector, e.errorCode, false, bits)) return exit;
          left--;
          if (left <= 0) return exit;
        } else if (e instanceof VmExitSignal) {
          this.rip = this.insnStart;
          // A fetch that exited has no instruction to measure (fetching it again would exit again).
          exit.insnLen = exit.reason === EXIT_FETCH_MMIO ? 0 : this.insnLen();
          return exit;
        } else if (e instanceof TripleFault) {
          exit.reason = EXIT_TRIPLE_FAULT;
          return exit;
        } else {
          throw e;
        }
      }
    }
  }

  /**
   * The hot loop: no debug, no events, 64-bit mode. Returns the budget left.
   * After the first lookup it follows each instruction's links to the next
   * one (sequential or last branch target in the same linear page); any
   * change to translations or to decoded code sets `slow`, which ends the
   * loop so the next instruction is looked up afresh.
   */
  private runFast(left: number): number {
    // `start` is the instruction being fetched or executed; a fault or exit
    // unwinding from it records it in insnStart (not stored per instruction).
    let start = this.rip;
    try {
      let i = this.fetch(start);
      // `i` starts a block (a branch target, or where this run resumed): the JIT's unit of profiling.
      // A run resuming in the middle of code with a small budget (stepping, lockstep
      // comparisons) must not compile a region at every address it stops at.
      let entry = true, counts = left >= MIN_RESUME_BUDGET, lastEntry = NaN, tight = false;
      for (;;) {
        if (entry && this.jitOn) {
          const g = i.region ?? (counts && (i.heat += tight ? TIGHT_LOOP_HEAT : 1) >= this.jit.options.threshold ? this.jitCompile(i, start) : undefined);
          if (g !== undefined && g.la === start) {
            let ran: number;
            const before = this.icount;
            try {
              ran = g.run(this, left);
            } catch (e) {
              this.jit.stats.compiledInsns += this.icount - before;
              start = this.insnStart; // the region recorded the faulting instruction
              throw e;
            }
            if (ran > 0) {
              this.jit.stats.compiledInsns += ran;
              left -= ran;
              if (left <= 0 || this.slow) return left;
              start = this.rip;
              i = this.fetch(start);
              counts = true;
              tight = false;
              lastEntry = start;
              continue;
            }
          }
        }
        const seq = start + i.len;
        this.rip = seq;
        i.h(this, i);
        this.icount++;
        if (--left <= 0 || this.slow) return left;
        const from = start;
        start = this.rip;
        entry = counts = start !== seq;
        if (entry) {
          tight = start === lastEntry;
          lastEntry = start;
        }
        let n: Insn | undefined;
        if (start === seq) {
          n = i.next;
          if (n === undefined) {
            n = this.fetch(start);
            if (linkable(from, start, n)) i.next = n;
          }
        } else if (start === i.takenRip) {
          n = i.taken as Insn;
        } else {
          n = this.fetch(start);
          if (linkable(from, start, n)) {
            i.taken = n;
            i.takenRip = start;
          }
        }
        i = n;
      }
    } catch (e) {
      this.insnStart = start;
      throw e;
    }
  }

  /** Compile the region entered at `la` (the fetch just translated it: a TLB hit). */
  private jitCompile(i: Insn, la: number): CompiledRegion {
    const pa = this.mmu.fetchPa(la);
    const base = pa - (pa & 0xfff);
    return this.jit.compile(i, la, pa >>> 12, (a) => this.decodedInPage(a, base + (a & 0xfff)));
  }

  /**
   * The decoded instruction at `la` (physical `pa`) for the JIT, from the
   * decode cache or decoded now — only when it lies within RAM and its page
   * without a fetch through the MMU (which would set accessed bits); an
   * undecodable one (longer than 15 bytes, or #UD) gives undefined.
   */
  private decodedInPage(la: number, pa: number): Insn | undefined {
    if (pa + 15 > this.mem.size || (pa & 0xfff) > 4096 - 15) return undefined;
    const page = this.icache[pa >>> 12];
    let i = page === undefined ? undefined : page[pa & 0xfff];
    try {
      if (i === undefined) i = this.decodeAt(la, pa);
    } catch (e) {
      if (e instanceof GuestFault) return undefined;
      throw e;
    }
    // An encoding bound to #UD ends the region: the interpreter raises it.
    return i.h === UD_HANDLER ? undefined : i;
  }

  /** Turn the JIT on or off (`set jit`, --no-jit); off drops every compiled region. */
  setJit(on: boolean): void {
    this.jit.options.enabled = on;
    this.jitOn = on;
    if (!on) this.jit.flush();
  }

  /**
   * Length of the instruction at `insnStart`, for exits that report it (a
   * fault-like exit changed nothing, so the same instruction is found again).
   */
  private insnLen(): number {
    return this.fetch(this.insnStart).len;
  }

  /** The decoded instruction at linear address `la` (translating and decoding as needed). */
  private fetch(la: number): Insn {
    const pa = this.mmu.fetchPa(la);
    const page = this.icache[pa >>> 12];
    const i = page === undefined ? undefined : page[pa & 0xfff];
    return i === undefined ? this.decodeAt(la, pa) : i;
  }

  /**
   * One instruction with every check: injected events, interrupts, debug
   * breakpoints, single-step, interrupt shadow. Returns an exit reason, or -1.
   */
  private stepSlow(): number {
    if (this.stopRequested) {
      this.stopRequested = false;
      this.updateSlow();
      return EXIT_STOP;
    }
    if (!this.mode64) {
      this.exit.message = (this.efer & EFER_LMA) === 0
        ? 'the guest left long mode (real/protected mode is not emulated)'
        : 'the guest entered compatibility mode (32-bit code segment), which is not emulated';
      return EXIT_UNSUPPORTED;
    }
    if (this.injected !== null) {
      const ev = this.injected;
      this.injected = null;
      this.halted = false;
      this.insnStart = this.rip;
      if (this.raiseEvent(ev.vector, ev.errorCode, ev.type, false, 0, true)) return this.exit.reason;
      this.updateSlow();
      return -1;
    }
    const ifOn = (this.flagsOther & FLAG_IF) !== 0;
    if (ifOn && !this.shadow) {
      if (this.ctl.interruptWindow) return EXIT_INTERRUPT_WINDOW;
      if (this.intrPending) {
        this.intrPending = false;
        this.halted = false;
        const vector = this.intAck();
        this.insnStart = this.rip;
        if (this.raiseEvent(vector, -1, EVENT_EXTERNAL)) return this.exit.reason;
        this.updateSlow();
        return -1;
      }
    }
    if (this.halted) return EXIT_IDLE;

    const start = this.rip;
    this.insnStart = start;
    const tf = (this.flagsOther & FLAG_TF) !== 0;
    const dbg = this.dbg;
    // MOV SS blocking: this instruction sees no code breakpoints and reports MOV SS's traps.
    const blocked = dbg.blockNext;
    const held = dbg.pending;
    dbg.blockNext = false;
    dbg.pending = 0;
    this.shadow = false;
    // Code breakpoints are fault-like: checked before the instruction, unless RF is set.
    if (dbg.exec !== 0 && (this.flagsOther & FLAG_RF) === 0 && !blocked) checkCodeBreakpoints(this, start);
    const pa = this.mmu.fetchPa(start);
    const page = this.icache[pa >>> 12];
    let i = page === undefined ? undefined : page[pa & 0xfff];
    if (i === undefined) i = this.decodeAt(start, pa);
    dbg.hits = 0;
    dbg.discard = false;
    this.rip = start + i.len;
    i.h(this, i);
    this.icount++;
    // The instruction completed: RF clears (IRET loads it from the stack).
    if (i.op !== 0xcf || i.map !== 0) this.flagsOther &= ~FLAG_RF;
    // Trap-like #DB: data breakpoints hit by this instruction, and single-step;
    // discarded when the instruction delivered an event (INT n/INT3/INT1).
    let dr6bits = dbg.discard ? 0 : dbg.hits | (tf ? DR6_BS : 0);
    dr6bits |= held;
    if (dbg.blockNext) {
      dbg.pending = dr6bits;
      dr6bits = 0;
    }
    if (dr6bits !== 0) {
      this.insnStart = this.rip;
      if (this.raise(DB, -1, false, dr6bits)) return this.exit.reason;
    }
    this.updateSlow();
    return -1;
  }

  /**
   * An exception raised by an instruction: exit if its vector is in the
   * exception bitmap, else deliver it through the IDT. Returns true on exit.
   */
  raise(vector: number, errorCode: number, soft: boolean, dbBits = 0): boolean {
    return this.raiseEvent(vector, errorCode, EVENT_EXCEPTION, soft, dbBits);
  }

  /**
   * Deliver an event, or record an exception VM-exit. An `injected` event
   * (VM-entry injection) bypasses the exception bitmap and leaves CR2, DR6
   * and DR7 alone, as VMX event injection does: the hypervisor has already
   * set them (and RF for a fault, as KVM does). Exceptions raised while
   * delivering follow SDM Vol. 3 Table 6-5 (#DF, then shutdown).
   */
  private raiseEvent(vector: number, errorCode: number, type: number, soft = false, dbBits = 0, injected = false): boolean {
    let v = vector, ec = errorCode, t = type, sw = soft, bits = dbBits, inj = injected;
    for (;;) {
      if (t === EVENT_EXCEPTION && !inj && (this.ctl.exceptionBitmap >>> v) & 1) {
        const exit = this.exit;
        exit.reason = EXIT_EXCEPTION;
        exit.vector = v;
        exit.errorCode = ec;
        exit.soft = sw;
        exit.qual = v === PF ? this.mmu.faultLa : v === DB ? bits : 0;
        exit.insnLen = sw ? this.insnLen() : 0;
        return true;
      }
      if (!inj) {
        if (v === PF) this.cr2 = this.mmu.faultLa;
        if (v === DB) {
          // B0–B3 describe this event; BD/BS/BT accumulate (KVM kvm_deliver_exception_payload);
          // entering the #DB handler clears DR7.GD (SDM Vol. 3 §18.2.4).
          this.dr6 = (((this.dr6 & ~0xf) | DR6_FIXED_1 | bits) & ~0x1000) >>> 0;
          this.dr7 = (this.dr7 & ~DR7_GD) >>> 0;
        }
      }
      // Fault-class exceptions push RF = 1 (SDM Vol. 3 §18.3.1.1); #DB never does (as KVM).
      const setRf = t === EVENT_EXCEPTION && !sw && !inj && isFaultVector(v);
      try {
        deliverEvent(this, v, ec, t, sw, setRf);
        this.updateSlow();
        return false;
      } catch (e) {
        if (!(e instanceof GuestFault)) throw e;
        // A fault while delivering (SDM Vol. 3 Table 6-5): #DF, or shutdown if it was #DF.
        if (v === DF && t === EVENT_EXCEPTION) {
          this.exit.reason = EXIT_TRIPLE_FAULT;
          return true;
        }
        const first = t === EVENT_EXCEPTION && !sw ? faultClass(v) : BENIGN, second = faultClass(e.vector);
        if ((first === CONTRIBUTORY && second === CONTRIBUTORY) || (first === PAGE_FAULT && second !== BENIGN)) {
          v = DF;
          ec = 0;
        } else {
          v = e.vector;
          ec = e.errorCode;
        }
        t = EVENT_EXCEPTION;
        sw = false;
        bits = 0;
        inj = false;
      }
    }
  }

  /**
   * Decode at a linear address whose physical address is `pa`. Instructions
   * that lie within one RAM page are cached by physical address; one that
   * crosses a page (or runs from MMIO) is decoded through the MMU each time.
   */
  private decodeAt(la: number, pa: number): Insn {
    const ram = this.mem;
    const off = pa & 0xfff;
    const i = new Insn();
    if (pa + 15 <= ram.size && off <= 4096 - 15) {
      const u8 = ram.u8;
      decode(i, (k) => u8[pa + k]);
    } else {
      const mmu = this.mmu;
      decode(i, (k) => mmu.fetch8(la + k));
      if (pa + i.len > ram.size || off + i.len > 4096) return bindInsn(i);
    }
    bindInsn(i);
    const ppn = pa >>> 12;
    let page = this.icache[ppn];
    if (page === undefined) {
      page = this.icache[ppn] = new Array(4096);
      // Keep the page's bytes, so writes the MMU never sees (the host's) can be detected.
      const view = (this.pageViews[ppn] ??= this.mem.u8.subarray(ppn << 12, (ppn + 1) << 12));
      this.codeSnap[ppn] = view.slice();
      this.codePpns.push(ppn);
      if (!this.mmu.codePages[ppn]) {
        this.mmu.codePages[ppn] = 1;
        this.mmu.flushWrites();
      }
    }
    page[off] = i;
    return i;
  }

  /**
   * Drop the decoded instructions of every page whose bytes changed behind
   * the MMU's back — the host wrote guest memory directly (a debugger
   * inserting INT3, a loader). The hypervisor calls this before entering the
   * guest; guest stores are caught by the MMU as they happen.
   */
  revalidateCode(): void {
    let kept = 0;
    for (const ppn of this.codePpns) {
      const snap = this.codeSnap[ppn];
      if (snap === undefined) continue;
      // memcmp (Buffer.compare): the hypervisor calls this at every KVM_RUN, over every code page —
      // a JS loop over the words took 12 % of the bundled Linux's boot.
      if (Buffer.compare(this.pageViews[ppn]!, snap) === 0) this.codePpns[kept++] = ppn;
      else {
        this.mmu.codePages[ppn] = 0;
        this.codeWritten(ppn);
      }
    }
    this.codePpns.length = kept;
  }

  /** Drop all decoded instructions (e.g. after the host rewrote guest memory). */
  flushDecodeCache(): void {
    this.jit.flush();
    this.icache.fill(undefined);
    this.codeSnap.fill(undefined);
    this.codePpns.length = 0;
    this.mmu.codePages.fill(0);
    this.slow = true; // instructions being executed may hold links into the dropped pages
  }

  // ------------------------------------------------------- helpers
  /** Current RFLAGS.IF. */
  get interruptsEnabled(): boolean {
    return (this.flagsOther & FLAG_IF) !== 0;
  }

  /** 64-bit TSC value as seen by RDTSC (retired instructions plus offset). */
  tsc(): bigint {
    return BigInt(this.icount) + BigInt(this.tscOffset);
  }

}

