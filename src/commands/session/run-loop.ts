/**
 * The one primitive every execution command is built from, `enter(mode)`:
 * program guest debug for the mode, KVM_RUN until something the debugger
 * must look at, take the INT3s out again. Each exit goes through the VMM's
 * handleExit (console I/O and the exit port are answered there); what is
 * left here is the debugger's: a #DB that belongs to the guest alone is
 * given back and the guest runs on, the CR3 of a debug event is learned,
 * an instruction budget and an interrupt request end the entry.
 *
 * On emu, instruction budgets use the vdbg extension KVM_CAP_VDBG_INSN_BUDGET
 * (docs/uapi-extensions.md §3): KVM_RUN returns when the budget is spent.
 */
import { handleExit, type DebugExit } from '../../core/vmm/handle-exit.ts';
import { learnCr3 } from './cr3-source.ts';
import { HALTED_FOR_GOOD, HaltWatch, haltedForGood, isHalted, WAITING_FOR_INPUT } from './halt-watch.ts';
import { DR6_ACTIVE_LOW, DR6_B, DR6_BS, type GuestDebug, type Mode } from './guest-debug.ts';
import type { Machine } from './machine.ts';
import { pagingOf, translate } from './memory.ts';
import type { Cr3Source } from './types.ts';

/**
 * Longest the session runs without yielding to the event loop (ms of wall
 * clock — scheduling only, never in output): every execution loop goes
 * through enter(), which then lets timers and signal handlers (Ctrl-C) run
 * and checks the interrupt flag, even when every event is answered inside
 * (skipped breakpoints, step-overs, console IO).
 */
const YIELD_MS = 20;

/** What ended an entry. `internal`: the debugger's own single-step (a step-over), not the user's. */
export type RunEvent =
  | { kind: 'debug'; exit: DebugExit; cr3: bigint; internal: boolean }
  | { kind: 'exit'; status: number }
  | { kind: 'halt' | 'shutdown'; detail: string }
  | { kind: 'error'; detail: string }
  | { kind: 'budget' }
  | { kind: 'interrupted' }
  /** continue-until-console: the console watch saw its text. */
  | { kind: 'console' };

export type DebugEvent = Extract<RunEvent, { kind: 'debug' }>;

/** The console input the session holds for the guest while a command runs (delivered between KVM_RUNs). */
export interface InputSource {
  readonly pending: boolean;
  /** Into the UART now (the session logs it for time travel). */
  deliver(): void;
}

/**
 * What a recording (time travel, session/timeline.ts) asks of a forward
 * run: to reach each input recorded ahead (console input, a change made by
 * hand) at its exact icount, where it happens again, and to take the
 * snapshots that fall due on the way.
 */
export interface Recording {
  /** Instructions retired now. */
  icount(): number;
  /** The icount of the next input recorded after now, or null. */
  nextInput(): number | null;
  /** At an input's icount: restore its snapshot (the vCPU's guest-debug settings of then with it). */
  arriveAtInput(): boolean;
  /** Where the next snapshot is due (null: none): a run stops there between KVM_RUNs to take it. */
  snapshotDue(): number | null;
  /** Take the snapshot (the debugger's INT3s are out of memory while it is taken). */
  snapshot(): void;
}

export class RunLoop {
  /** Instructions the current command may still retire (null: no budget). */
  budgetLeft: number | null = null;
  /**
   * continue-until-console: an emu vCPU blocked in HLT with interrupts on
   * (emu's EXIT_IDLE: no timer or device event to come) ends the entry as a
   * halt — only host input could wake it, so the text cannot come.
   */
  idleEnds = false;
  /** The recording the current command runs under, or null. */
  private recording: Recording | null = null;
  private interruptRequested = false;
  private consoleSeen = false;
  /** The icount of the recorded input this command is running up to (replaying after going back), or null. */
  private inputAt: number | null = null;
  private readonly haltWatch: HaltWatch;
  private lastYield = 0;

  constructor(
    private readonly m: Machine,
    readonly debug: GuestDebug,
    private readonly cr3Source: () => Cr3Source,
    private readonly input: InputSource | null = null,
  ) {
    this.haltWatch = new HaltWatch(m);
  }

  /** A command starts: no interrupt pending yet, `budget` instructions to run (null: no limit), under `recording` (null: none). */
  begin(budget: number | null, recording: Recording | null = null): void {
    this.interruptRequested = false;
    this.consoleSeen = false;
    this.idleEnds = false;
    this.inputAt = null;
    this.budgetLeft = budget;
    this.recording = recording;
  }

  /** Instructions to the next snapshot due (≤ 0: due now), or null. */
  private toSnapshot(): number | null {
    const due = this.recording?.snapshotDue() ?? null;
    return due === null ? null : due - this.recording!.icount();
  }

  /** The command ended, however it did: no budget, and no immediate_exit left for the next KVM_RUN. */
  end(): void {
    this.debug.removeInt3s();
    this.budgetLeft = null;
    this.recording = null;
    this.m.vcpu.setImmediateExit(false);
  }

  /** Ctrl-C: the entry in progress returns 'interrupted' as soon as possible. */
  interrupt(): void {
    this.interruptRequested = true;
    this.m.vcpu.kick();
  }

  /** Console input is waiting: the KVM_RUN in flight returns so it is delivered (the run goes on). */
  wake(): void {
    this.m.vcpu.kick();
  }

  /** continue-until-console's text appeared (called from the console output, inside an exit): the entry returns 'console'. */
  consoleMatched(): void {
    this.consoleSeen = true;
  }

  /** Program guest debug for `mode`, KVM_RUN until an event the debugger must see. */
  async enter(mode: Mode): Promise<RunEvent> {
    const { vcpu, devices, caps } = this.m;
    const debug = this.debug;
    debug.program(mode);
    try {
      for (;;) {
        if (performance.now() - this.lastYield >= YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.lastYield = performance.now();
        }
        if (this.consoleSeen) {
          this.consoleSeen = false;
          return { kind: 'console' };
        }
        if (this.takeInterrupt()) return { kind: 'interrupted' };
        if (this.arriveAtInput()) debug.program(mode);
        if (this.input?.pending) {
          // Between two KVM_RUNs: the INT3s out, so a time-travel snapshot of the input is of the guest's own memory.
          debug.removeInt3s();
          this.input.deliver();
          debug.program(mode);
        }
        if (this.budgetLeft !== null && this.budgetLeft <= 0) return { kind: 'budget' };
        // Recording: a run (not a step) takes its snapshots on the way, so a long command leaves no long stretch to replay.
        const toSnapshot = mode.step ? null : this.toSnapshot();
        if (toSnapshot !== null && toSnapshot <= 0) {
          debug.removeInt3s();
          this.recording!.snapshot();
          debug.program(mode);
          continue;
        }
        const budget = this.entryBudget(mode.step, toSnapshot);
        if (caps.budget) vcpu.insnBudget = BigInt(budget ?? 0);
        const exit = await this.haltWatch.around(() => vcpu.runAsync());
        if (caps.budget && this.budgetLeft !== null) this.budgetLeft -= budget! - Number(vcpu.insnBudget);
        // Exits by reason are counted by the backend (`exit.*`), merged in counters().
        const outcome = handleExit(exit, devices);
        switch (outcome.kind) {
          case 'handled':
            continue;
          case 'interrupted':
            vcpu.setImmediateExit(false);
            if (this.budgetLeft === 0) return { kind: 'budget' };
            if (this.takeInterrupt()) return { kind: 'interrupted' };
            if (this.haltWatch.kicked && haltedForGood(vcpu)) return { kind: 'halt', detail: HALTED_FOR_GOOD };
            // On emu the watch kicks only a vCPU blocked with nothing to come (halt-watch.ts); on kvm it cannot tell.
            if (this.idleEnds && this.haltWatch.kicked && this.m.name === 'emu' && !this.input?.pending && isHalted(vcpu)) {
              return { kind: 'halt', detail: WAITING_FOR_INPUT };
            }
            continue;
          case 'exit-port':
            return { kind: 'exit', status: outcome.status };
          case 'debug': {
            const e = outcome.exit;
            const guestBits = e.exception === 1 ? e.dr6 & DR6_B & ~debug.hostSlots : 0n;
            if (guestBits !== 0n) {
              debug.giveBack(guestBits | (mode.step && mode.guestTf ? DR6_BS : 0n));
              // Nothing of the debugger's in it (no single-step, no host slot): the guest's alone, run on.
              if (!(e.dr6 & ~DR6_ACTIVE_LOW & ~DR6_B) && !(e.dr6 & debug.hostSlots)) {
                debug.program(mode);
                continue;
              }
            }
            return { kind: 'debug', exit: e, cr3: learnCr3(this.m, this.cr3Source(), e), internal: false };
          }
          case 'stopped':
            return { kind: outcome.reason === 'hlt' ? 'halt' : 'shutdown', detail: outcome.detail };
          case 'failed':
            return { kind: 'error', detail: outcome.reason === 'internal-error' ? outcome.detail + this.codeOutsideRam() : outcome.detail };
        }
      }
    } finally {
      debug.removeInt3s();
      // A stop exactly at a recorded input (a step, a breakpoint there): the input happens before the stop is seen.
      this.arriveAtInput();
    }
  }

  /**
   * KVM_RUN's instruction budget (null: none): the command's, or fewer to
   * reach the next recorded input at its exact icount (where it happens
   * again) or the next snapshot due (time travel has the budget extension).
   */
  private entryBudget(step: boolean, toSnapshot: number | null): number | null {
    const r = this.recording;
    this.inputAt = r?.nextInput() ?? null;
    let toInput = this.inputAt === null ? null : this.inputAt - r!.icount();
    // A single-step whose one instruction reaches the input ends there by its own trap (a budget cut would come first and lose it).
    if (step && toInput === 1) toInput = null;
    let budget = this.budgetLeft;
    for (const n of [toInput, toSnapshot]) if (n !== null && (budget === null || n < budget)) budget = n;
    return budget;
  }

  /**
   * Reached the recorded input this run was going to: it happens now (time
   * travel restores its snapshot, with the vCPU's guest-debug settings of
   * then: the debugger's must be programmed again). Call with no INT3s in.
   */
  private arriveAtInput(): boolean {
    const r = this.recording;
    if (r === null || this.inputAt === null || r.icount() !== this.inputAt) return false;
    this.inputAt = null;
    this.debug.removeInt3s();
    r.arriveAtInput();
    this.debug.forget();
    return true;
  }

  /** Why KVM's emulator may have failed: RIP in no guest RAM (a jump into MMIO space), said after the exit. */
  private codeOutsideRam(): string {
    const { vcpu, memory } = this.m;
    const rip = vcpu.getRegs().rip;
    try {
      const pa = translate(memory, pagingOf(vcpu), rip);
      return pa >= BigInt(memory.length) ? `; RIP 0x${rip.toString(16)} is physical 0x${pa.toString(16)}, outside guest RAM (0x${memory.length.toString(16)} bytes)` : '';
    } catch {
      return '';
    }
  }

  private takeInterrupt(): boolean {
    if (!this.interruptRequested) return false;
    this.interruptRequested = false;
    return true;
  }
}
