/**
 * Signals (commands.md "Invocation"). In batch mode:
 *
 * - Ctrl-C (SIGINT) while a command runs interrupts that command (its
 *   `Interrupted: …` stop is printed and the script goes on). Each command
 *   gets its own: the count starts afresh when the next command starts. A
 *   second Ctrl-C during the same command — it did not stop — exits 130, and
 *   so does one between commands (nothing to interrupt).
 * - A SIGINT within SAME_PRESS_MS of the one before is the same key press
 *   delivered again, and ignored: under `npm start` the terminal signals
 *   npm's whole process group, and npm (and tsx) pass the signal on to vdbg,
 *   which already had it.
 * - SIGTERM and SIGHUP end vdbg with one line on stderr (`vdbg: terminated
 *   (SIGTERM)`) and status 128 + the signal number, as a shell reports it.
 *
 * In the TUI the terminal is in raw mode, so Ctrl-C is a key (the TUI's own
 * interrupt); a SIGINT comes from outside (`kill -INT`) and ends vdbg as
 * SIGTERM does (`vdbg: interrupted (SIGINT)`, 130) — without a listener Node
 * would die of it with the TUI's frame left on the screen.
 */
import { constants } from 'node:os';
import type { SessionApi } from './session/types.ts';

/** Presses closer than this are one press (a wrapper's copy follows within milliseconds; a person's second press does not). */
export const SAME_PRESS_MS = 250;

export type EndingSignal = 'SIGTERM' | 'SIGHUP' | 'SIGINT';

const ENDING: Readonly<Record<EndingSignal, string>> = { SIGTERM: 'terminated', SIGHUP: 'hangup', SIGINT: 'interrupted' };

/** Leaves with one line on stderr and 128 + the signal's number. */
function exitOnSignal(signal: EndingSignal): never {
  process.stderr.write(`vdbg: ${ENDING[signal]} (${signal})\n`);
  process.exit(128 + constants.signals[signal]);
}

/** Each of `signals`: a line, then the exit (the TUI gives the screen back first: its listener runs before, src/views/terminal.ts). */
export function exitOnSignals(signals: readonly EndingSignal[]): void {
  for (const s of signals) process.on(s, () => exitOnSignal(s));
}

export class BatchInterrupts {
  /** The running command has had its interrupt. */
  private interrupted = false;
  private lastPress = -Infinity;

  constructor(
    private readonly session: Pick<SessionApi, 'state' | 'interrupt'>,
    private readonly exit: (code: number, line: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A new command starts: its first Ctrl-C interrupts it. */
  commandStarted(): void {
    this.interrupted = false;
  }

  sigint(): void {
    const t = this.now();
    if (t - this.lastPress < SAME_PRESS_MS) return;
    this.lastPress = t;
    if (this.session.state === 'running' && !this.interrupted) {
      this.interrupted = true;
      this.session.interrupt();
    } else this.exit(130, 'interrupted; exiting');
  }
}
