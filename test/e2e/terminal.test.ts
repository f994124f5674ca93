/**
 * The TUI gives the terminal back (src/views/terminal.ts): it draws on the
 * alternate screen, so after `q` — or a SIGTERM, or a SIGINT — the shell's
 * screen is as it was, with no frame left on it. Real vdbg in a real
 * terminal (tmux).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, TmuxTerm } from './tmux.ts';

const TMUX = hasTmux();

/** No trace of a frame: no pane title, no status line. */
const noFrame = (s: string) => !s.includes('Registers') && !s.includes('? help');

describe.skipIf(!TMUX)('vdbg TUI leaves the terminal as it found it', () => {
  afterAll(() => TmuxTerm.killServer());

  it('q: the frame is gone (alternate screen left), exit status 0', async () => {
    const t = TmuxTerm.start({ columns: 100, rows: 30 });
    try {
      await t.ready();
      t.keys('q');
      expect(await t.exitStatus()).toBe(0);
      const screen = t.screen();
      expect(noFrame(screen), screen).toBe(true);
    } finally {
      t.kill();
    }
  });

  // SIGINT: a kill -INT from outside (in raw mode Ctrl-C is a key); Node died of it with the frame left on the screen
  it.each([
    ['SIGTERM', 143, 'terminated'],
    ['SIGINT', 130, 'interrupted'],
  ] as const)('%s: the frame is gone, one line says why, status %i', async (signal, status, word) => {
    const t = TmuxTerm.start({ columns: 100, rows: 30 });
    try {
      await t.ready();
      // vdbg is the pane's shell's only child (tmux.ts: the shell records its exit status)
      process.kill(t.programPid(), signal);
      expect(await t.exitStatus()).toBe(status);
      const screen = t.screen();
      expect(noFrame(screen), screen).toBe(true);
      // with the scrollback: tmux's "Pane is dead" line may have scrolled it up
      expect(t.tmux('capture-pane', '-p', '-S', '-', '-t', t.name)).toContain(`vdbg: ${word} (${signal})\n`);
    } finally {
      t.kill();
    }
  });
});
