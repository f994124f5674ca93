/**
 * takeScreen (src/views/terminal.ts) gives the shell's screen back on every
 * way out: on a crash ('uncaughtExceptionMonitor', which Node runs before it
 * prints the error), first among the SIGTERM/SIGHUP/SIGINT listeners (ahead of the
 * one that prints the line and exits), on 'exit', and only once. The
 * listeners are called directly, not emitted: the test runner's own must
 * not run. (The real TUI in a terminal: test/e2e/terminal.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { takeScreen } from '../../src/views/terminal.ts';

const ENTER = '\x1b[?1049h';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const EVENTS = ['exit', 'uncaughtExceptionMonitor', 'SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/** process as a plain emitter (its typed overloads take one event kind at a time). */
const proc = process as NodeJS.EventEmitter;

function fakeStdout(): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  return { stream: { write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream, written };
}

/** What takeScreen added to `event`'s listeners, and where. */
function added(event: (typeof EVENTS)[number], run: () => void): { index: number; fn: () => void } {
  const old = proc.listeners(event);
  run();
  const now = proc.listeners(event);
  const index = now.findIndex((f) => !old.includes(f));
  return { index, fn: now[index] as () => void };
}

describe('takeScreen', () => {
  it('enters the alternate screen; q (the returned function) leaves it once and drops its listeners', () => {
    const counts = () => EVENTS.map((e) => process.listenerCount(e));
    const before = counts();
    const { stream, written } = fakeStdout();
    const restore = takeScreen(stream);
    expect(written).toEqual([ENTER]);
    restore();
    restore();
    expect(written).toEqual([ENTER, LEAVE]);
    expect(counts()).toEqual(before);
  });

  it.each(EVENTS)('%s leaves the alternate screen (a signal: before any listener added earlier)', (event) => {
    const { stream, written } = fakeStdout();
    const printer = (): void => {};
    proc.on(event, printer);
    let restore = (): void => {};
    const hook = added(event, () => (restore = takeScreen(stream)));
    try {
      if (event.startsWith('SIG')) expect(hook.index).toBe(0);
      hook.fn();
      expect(written).toEqual([ENTER, LEAVE]);
      // gone from every event once it ran
      for (const e of EVENTS) expect(proc.listeners(e)).not.toContain(hook.fn);
    } finally {
      restore();
      proc.off(event, printer);
    }
  });
});
