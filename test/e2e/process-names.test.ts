/**
 * Found by the tmux test (tui.test.ts): in the TUI, the first breakpoint hit
 * in counter_main showed `cr3=0x…117000` with no `(counter)` in the status
 * line and the hits pane, where batch mode prints `(counter)` for the same
 * stop.
 *
 * Cause (src/commands/session/session.ts then; the table is processes.ts
 * now): the TUI reads the process table on every frame while the guest runs
 * (collect.liveParts → processes()).
 * processes() refreshes the CR3 → name map and clears `namesStale`, which
 * only the start of a KVM_RUN (enter) sets again. A process created after
 * that read and hit in the same run is then unknown to processOf():
 * refreshNames() returns at once because the names are not "stale". So the
 * stop and the hit lose the name, and worse, `filter process NAME` skips
 * the matching process's event (counted as skipped) and the run goes past it.
 *
 * Reproduced here without timing: the table is read once from the console
 * callback, when the guest prints "starting init" (before init creates the
 * counters), exactly what a TUI frame does at some moment of the boot.
 * The controls (no read while running) pass; the two reads fail until
 * processOf refreshes names for an unknown CR3 regardless of the flag (or
 * processes() stops consuming it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runLine } from '../../src/commands/lang/registry.ts';
import { Session } from '../../src/commands/session/index.ts';

let open: Session | null = null;
afterEach(async () => {
  await open?.close();
  open = null;
});

async function firstCounterStop(filter: boolean, readWhileRunning: boolean) {
  const s = (open = await Session.open({ backend: 'emu' }));
  await runLine(s, 'break counter_main');
  if (filter) await runLine(s, 'filter process counter');
  let text = '';
  let reads = 0;
  s.onConsole = (t) => {
    text += t;
    if (readWhileRunning && reads === 0 && text.includes('starting init')) {
      expect(s.state).toBe('running');
      s.processes();
      reads++;
    }
  };
  const stop = await s.runFor(50_000_000);
  if (readWhileRunning) expect(reads).toBe(1);
  return { stop, hit: s.hits().at(-1) };
}

describe('process names of debug events when the process table is read while the guest runs (as the TUI does)', () => {
  it('control: no read while running — the stop and the hit name the counter', async () => {
    const { stop, hit } = await firstCounterStop(false, false);
    expect(stop).toMatchObject({ reason: 'breakpoint', cr3: 0x117000n, process: 'counter' });
    expect(hit?.process).toBe('counter');
  });

  it('a read while running — the stop and the hit still name the counter', async () => {
    const { stop, hit } = await firstCounterStop(false, true);
    expect(stop).toMatchObject({ reason: 'breakpoint', cr3: 0x117000n, process: 'counter' });
    expect(hit?.process).toBe('counter');
  });

  it('control: filter process counter, no read — stops at the first counter, nothing skipped', async () => {
    const { stop } = await firstCounterStop(true, false);
    expect(stop).toMatchObject({ reason: 'breakpoint', cr3: 0x117000n, process: 'counter', skipped: 0 });
  });

  it('filter process counter and a read while running — still stops at the first counter, nothing skipped', async () => {
    const { stop } = await firstCounterStop(true, true);
    expect(stop).toMatchObject({ reason: 'breakpoint', cr3: 0x117000n, process: 'counter', skipped: 0 });
  });
});
