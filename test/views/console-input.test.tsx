/**
 * Console input in the TUI (`i`, tui.md): keys go to the guest's serial
 * input while it runs, Ctrl-] leaves and stops it; with test/support's echo
 * kernel (it echoes COM1's input, and exits on a newline), under
 * ink-testing-library.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/commands/session/index.ts';
import { echoKernelMissing, writeEchoKernel } from '../support/echo-kernel.ts';
import { mountRoot } from './helpers.ts';

if (echoKernelMissing) console.warn(`[skip] TUI console input: ${echoKernelMissing}`);
const kernel = echoKernelMissing ? null : writeEchoKernel();
afterAll(() => kernel?.remove());

const tick = (ms = 30) => new Promise<void>((r) => setTimeout(r, ms));
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function start() {
  const session = await Session.open({ backend: 'emu', linux: { kernel: kernel!.file }, memSize: 16 << 20 });
  const { store, ui, close } = mountRoot(session, { frameMs: 20 });
  cleanup = close;
  await tick();
  const type = async (keys: string) => {
    ui.stdin.write(keys);
    await tick(60);
  };
  /** The guest's console as the store shows it (lines and the unfinished one). */
  const guest = () => {
    const v = store.getSnapshot();
    return [...v.console.filter((l) => l.kind === 'guest').map((l) => l.text), v.consolePartial].join('\n');
  };
  /** Waits (up to 5 s: the guest echoes a byte per few exits, each a turn of the event loop) until the console shows `text`. */
  const shows = async (text: string) => {
    for (let k = 0; k < 100 && guest() !== text; k++) await tick(50);
    return guest();
  };
  return { store, ui, type, guest, shows, frame: () => ui.lastFrame() ?? '' };
}

describe.skipIf(echoKernelMissing !== undefined)('console input (i … Ctrl-])', () => {
  it('i runs the guest and sends the keys to it, all of them (q, :, Ctrl-C too); Ctrl-] stops it and gives the keys back', async () => {
    const t = await start();
    await t.type('i');
    let v = t.store.getSnapshot();
    expect(v).toMatchObject({ consoleInput: true, focus: 'console', state: 'running' });
    expect(t.frame()).toContain('console input — Ctrl-] to leave'); // the status line
    expect(t.frame()).toContain('Console (guest serial) · input — Ctrl-] to leave'); // the pane's title
    await t.type('hello q:s');
    await t.type('\x03'); // Ctrl-C: a byte for the guest, not an interrupt
    expect(await t.shows('hello q:s\x03')).toBe('hello q:s\x03');
    v = t.store.getSnapshot();
    expect(v).toMatchObject({ consoleInput: true, state: 'running', quit: false, overlay: null });
    expect(v.input.active).toBe(false);

    await t.type('\x1d'); // Ctrl-]
    await t.store.idle();
    v = t.store.getSnapshot();
    expect(v.consoleInput).toBe(false);
    expect(v.state).toBe('stopped');
    expect(v.stop?.reason).toBe('interrupted');
    expect(t.frame()).not.toContain('Ctrl-] to leave');
    expect(t.frame()).toContain('Interrupted:');
    // The debugger's keys again.
    await t.type(':echo back\r');
    await t.store.idle();
    expect(t.store.getSnapshot().message?.text).toBe('back');
  });

  it('Enter sends CR (as a serial terminal), Backspace DEL; the run ends on its own (the guest exits on LF): console input ends with it', async () => {
    const t = await start();
    await t.type('i');
    await t.type('ab\r\x7f');
    expect(await t.shows('ab\r\x7f')).toBe('ab\r\x7f');
    await t.type('\n'); // Ctrl-J: LF, which ends the echo kernel
    await t.store.idle();
    const v = t.store.getSnapshot();
    expect(v.state).toBe('exited');
    expect(v.consoleInput).toBe(false);
    expect(v.message?.text).toMatch(/^Guest exited with status \d+/);
    await t.type('i'); // nothing reads input now: said, not entered
    expect(t.store.getSnapshot()).toMatchObject({ consoleInput: false, message: { error: true } });
  });
});
