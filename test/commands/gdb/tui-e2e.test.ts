/**
 * `vdbg --gdb PORT` with the TUI, end to end: the real binary in tmux, the
 * real gdb attached. What gdb does shows in the TUI (its breakpoint, its
 * continue, the stop) and the TUI keeps serving after gdb detaches.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, pane, statusLine, TmuxTerm } from '../../e2e/tmux.ts';
import { gdbSkipReason, runGdb } from './gdb-binary.ts';

const TMUX = hasTmux();
if (!TMUX) console.warn('test/commands/gdb/tui-e2e.test.ts: skipped — tmux is not installed');

/** A port free on 127.0.0.1 now (bound and released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!TMUX || gdbSkipReason !== null)('vdbg --gdb alongside the TUI (tmux, real gdb)', () => {
  let t: TmuxTerm;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    t = TmuxTerm.start({ columns: 140, rows: 44, args: ['--gdb', `127.0.0.1:${port}`] });
    await t.ready();
  });
  afterAll(() => {
    t?.kill();
    TmuxTerm.killServer();
  });

  it('shows gdb\'s breakpoint and the stop of gdb\'s continue; serves the next gdb after a detach', async () => {
    const out = await runGdb(port, ['break counter_main', 'continue', 'detach']);
    expect(out).toMatch(/hit Breakpoint 1, 0x0+400004a0 in counter_main \(\)/);
    const screen = await t.waitFor('the stop in the TUI', (s) => s.includes('(gdb)') && /Breakpoint \d+ hit: .*<counter_main>/.test(s));
    expect(statusLine(screen)).toMatch(/stopped · emu/);
    expect(pane(screen, 'Console (guest serial)').join('\n')).toMatch(/\(gdb\)[\s\S]*Breakpoint \d+ hit: cr3=0x0000000000117000 \(counter\) rip=0x00000000400004a0 <counter_main>/);
    expect(pane(screen, 'Registers').join('\n')).toMatch(/rip +0x00000000400004a0/);
    // A second gdb, after the first detached: the TUI's session is where the first left it.
    const again = await runGdb(port, ['p $pc', 'p/x $cr3']);
    expect(again).toMatch(/= \(void \(\*\)\(\)\) 0x400004a0 <counter_main>/);
    expect(again).toMatch(/= 0x117000/);
  });
});
