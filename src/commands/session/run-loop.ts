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
import { HALTED_FOR_GOOD, HaltWatch, haltedForGood } from './halt-watch.ts';
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
  | { kind: 'interrupted' };

export type DebugEvent = Extract<RunEvent, { kind: 'debug' }>;

/** What a recording (time travel, session/timeline.ts) asks of a forward run. */
export interface Recording {
  /** Instructions retired now. */
  icount(): number;
  /** An input the user made while back in time, ahead: the run stops at its icount (then takes it on). Null: none. */
  readonly inputAt: number | null;
  /** Where the next snapshot is due (null: none): a run stops there between KVM_RUNs to take it. */
  snapshotDue(): number | null;
  /** Take the snapshot (the debugger's INT3s are out of memory while it is taken). */
  snapshot(): void;
}

export class RunLoop {
  /** Instructions the current command may still retire (null: no budget). */
  budgetLeft: number | null = null;
  /** The recording the current command runs under, or null. */
  private recording: Recording | null = null;
  private interruptRequested = false;
  private readonly haltWatch: HaltWatch;
  private lastYield = 0;

  constructor(
    private readonly m: Machine,
    readonly debug: GuestDebug,
    private readonly cr3Source: () => Cr3Source,
  ) {
    this.haltWatch = new HaltWatch(m);
  }

  /** A command starts: no interrupt pending yet, `budget` instructions to run (null: no limit), under `recording` (null: none). */
  begin(budget: number | null, recording: Recording | null = null): void {
    this.interruptRequested = false;
    this.budgetLeft = budget;
    this.recording = recording;
  }

  /** Instructions to the input ahead (≤ 0: it is reached), or null. */
  private toInput(): number | null {
    const r = this.recording;
    return r === null || r.inputAt === null ? null : r.inputAt - r.icount();
  }

  /** Instructions to the next snapshot due (≤ 0: due now), or null. */
  private toSnapshot(): number | null {
    const due = this.recording?.snapshotDue() ?? null;
    return due === null ? null : due - this.recording!.icount();
  }

  /** The run stopped at the input ahead (the command's stop is there). */
  get atInput(): boolean {
    const n = this.toInput();
    return n !== null && n <= 0;
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
        if (this.takeInterrupt()) return { kind: 'interrupted' };
        const toInput = this.toInput();
        if ((this.budgetLeft !== null && this.budgetLeft <= 0) || (toInput !== null && toInput <= 0)) return { kind: 'budget' };
        // Recording: a run (not a step) takes its snapshots on the way, so a long command leaves no long stretch to replay.
        const toSnapshot = mode.step ? null : this.toSnapshot();
        if (toSnapshot !== null && toSnapshot <= 0) {
          debug.removeInt3s();
          this.recording!.snapshot();
          debug.program(mode);
          continue;
        }
        // The budget of this KVM_RUN: the command's, or fewer to stop at an input or a snapshot ahead (time travel has the budget extension).
        let budget = this.budgetLeft;
        for (const n of [toInput, toSnapshot]) if (n !== null && (budget === null || n < budget)) budget = n;
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
            if (this.budgetLeft === 0 || this.atInput) return { kind: 'budget' };
            if (this.takeInterrupt()) return { kind: 'interrupted' };
            if (this.haltWatch.kicked && haltedForGood(vcpu)) return { kind: 'halt', detail: HALTED_FOR_GOOD };
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
    }
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
