/**
 * Console input end to end (tui.md "Console input"): the real `vdbg` with
 * `--kernel` (test/support's echo kernel, which echoes COM1's input) in
 * tmux: `i`, typed text echoed by the guest into the Console pane, Ctrl-]
 * back to the debugger, `q`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { echoKernelMissing, writeEchoKernel } from '../support/echo-kernel.ts';
import { hasTmux, pane, statusLine, TmuxTerm } from './tmux.ts';

const TMUX = hasTmux();
if (!TMUX) console.log('test/e2e/console-input.test.ts: skipped — tmux is not installed (the TUI needs a real terminal)');
if (echoKernelMissing) console.log(`test/e2e/console-input.test.ts: skipped — ${echoKernelMissing}`);
const kernel = TMUX && !echoKernelMissing ? writeEchoKernel() : null;

describe.skipIf(kernel === null)('console input in the TUI (tmux, echo kernel)', () => {
  let t: TmuxTerm;
  afterAll(() => {
    t?.kill();
    TmuxTerm.killServer();
    kernel?.remove();
  });

  it('i, typing, the echo in the Console pane; Ctrl-] stops the guest; q quits', async () => {
    t = TmuxTerm.start({ columns: 100, rows: 30, args: ['--kernel', kernel!.file, '--mem', '16M'] });
    // The ready marker, with more time than ready() gives: the machine is shared, and this start reads a kernel file.
    await t.waitFor('the ready marker', () => t.query('#{pane_title}') === 'vdbg: echo.bzImage', 30_000, () => '');
    await t.waitFor('the status line', (x) => /· \? help\s*$/m.test(x));
    t.keys('i');
    let s = await t.waitFor('console input on', (x) => statusLine(x).startsWith('console input — Ctrl-] to leave') && /running · emu/.test(statusLine(x)));
    expect(s).toContain('Console (guest serial) · input — Ctrl-] to leave');
    t.type('hi q:s');
    s = await t.waitFor('the echo', (x) => pane(x, 'Console (guest serial) · input — Ctrl-] to leave').some((l) => l.includes('hi q:s')));
    t.keys('C-]');
    s = await t.waitFor('the stop', (x) => /^Interrupted: /.test(statusLine(x)));
    expect(statusLine(s)).toMatch(/stopped · emu · \? help$/);
    expect(s).not.toContain('Ctrl-] to leave');
    t.keys('q');
    expect(await t.exitStatus()).toBe(0);
  });
});
