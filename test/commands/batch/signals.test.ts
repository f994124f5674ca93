/**
 * Ctrl-C in batch mode (src/commands/signals.ts) on a real session: each
 * running command gets its own interrupt; a wrapper's copy of a press is
 * ignored; a second press in the same command exits 130.
 */
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/commands/batch.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { BatchInterrupts, SAME_PRESS_MS } from '../../../src/commands/signals.ts';

// A watchpoint on a counter that is never written: `continue` runs (on the emulator's slow path) until interrupted.
const WATCH = 'watch 0x40100018';

async function withSession(fn: (s: Session) => Promise<void>): Promise<void> {
  const s = await Session.open({ backend: 'emu', image: 'vmos' });
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

describe('BatchInterrupts', () => {
  it('one Ctrl-C in each of two commands interrupts both; nothing exits', () =>
    withSession(async (session) => {
      const exits: number[] = [];
      const interrupts = new BatchInterrupts(session, (code) => exits.push(code));
      async function* lines() {
        yield WATCH;
        for (let k = 0; k < 2; k++) {
          // pulled just before the command runs: the press lands while it runs
          setTimeout(() => interrupts.sigint(), SAME_PRESS_MS + 50);
          yield 'continue';
        }
        yield 'echo done';
      }
      let out = '';
      const res = await runBatch({ session, sources: [{ name: 's', lines: lines() }], write: (t) => (out += t), onCommand: () => interrupts.commandStarted() });
      expect(out.match(/^Interrupted: /gm)).toHaveLength(2);
      expect(out.endsWith('done\n')).toBe(true);
      expect({ exits, exitCode: res.exitCode }).toEqual({ exits: [], exitCode: 0 });
    }));

  it('a copy within SAME_PRESS_MS is the same press; a later press in the same command exits 130', () =>
    withSession(async (session) => {
      let clock = 0;
      const exits: number[] = [];
      const interrupts = new BatchInterrupts(session, (code) => exits.push(code), () => clock);
      const seen: number[][] = [];
      async function* lines() {
        yield WATCH;
        setTimeout(() => {
          // all while the continue still runs (interrupt() only asks; the run stops at its next check)
          interrupts.sigint();
          clock = SAME_PRESS_MS - 1;
          interrupts.sigint();
          seen.push([...exits]);
          clock = SAME_PRESS_MS * 2;
          interrupts.sigint();
          seen.push([...exits]);
        }, 100);
        yield 'continue';
      }
      let out = '';
      await runBatch({ session, sources: [{ name: 's', lines: lines() }], write: (t) => (out += t), onCommand: () => interrupts.commandStarted() });
      expect(seen).toEqual([[], [130]]);
      expect(out).toMatch(/^Interrupted: /m);
    }));

  it('between commands (nothing runs) Ctrl-C exits at once', () =>
    withSession(async (session) => {
      const exits: number[] = [];
      new BatchInterrupts(session, (code) => exits.push(code)).sigint();
      expect(exits).toEqual([130]);
    }));
});
