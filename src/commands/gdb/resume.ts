/**
 * Resuming the guest for gdb (gdb manual, Packets › c, s, vCont): continue
 * is the session's `continue`, step its `stepi` (one instruction, the
 * guest's interrupts held back, as vdbg steps), and a range step
 * (`vCont;r START,END`) steps while RIP stays in [START, END) — the
 * manual's definition — checking gdb's interrupt between steps.
 *
 * There is one vCPU: a step always steps the process that is on it (gdb
 * then learns from the stop's `thread:` which one that was). A signal given
 * with C/S (or vCont's C/S) is ignored: there is no process to deliver a
 * signal to, as with QEMU's stub.
 *
 * If something else (the TUI) is already running the guest, the resume
 * waits for that run to stop and reports its stop.
 */
import type { SessionApi, Stop } from '../session/types.ts';

export type Resume = { kind: 'continue' } | { kind: 'step' } | { kind: 'range'; start: bigint; end: bigint };

/** How often a resume that waits for someone else's run looks at the session. */
const POLL_MS = 10;

export class Resumer {
  private active = false;
  private interrupted = false;

  constructor(private readonly session: SessionApi) {}

  /** gdb's interrupt (0x03): stops the run in progress; nothing when none is. */
  interrupt(): void {
    if (!this.active) return;
    this.interrupted = true;
    if (this.session.state === 'running') this.session.interrupt();
  }

  /** Runs `r`; resolves with the stop, rejects with the session's refusal (nothing ran). */
  async run(r: Resume): Promise<Stop> {
    this.active = true;
    this.interrupted = false;
    try {
      if (this.session.state === 'running') return await this.waitForOtherRun();
      switch (r.kind) {
        case 'continue':
          return await this.session.cont(1);
        case 'step':
          return await this.session.stepi(1);
        case 'range':
          return await this.rangeStep(r.start, r.end);
      }
    } finally {
      this.active = false;
    }
  }

  private async rangeStep(start: bigint, end: bigint): Promise<Stop> {
    for (;;) {
      const stop = await this.session.stepi(1);
      if (stop.reason !== 'step' || stop.rip < start || stop.rip >= end) return stop;
      if (this.interrupted) return { ...stop, reason: 'interrupted' };
    }
  }

  private async waitForOtherRun(): Promise<Stop> {
    while (this.session.state === 'running') await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const stop = this.session.lastStop;
    if (stop === null) throw new Error('the run ended without a stop');
    return stop;
  }
}
