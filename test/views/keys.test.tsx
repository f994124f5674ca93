/**
 * The live TUI (Root) under ink-testing-library, driven by key presses on a
 * real emulated session: every key of tui.md, the command line with history
 * and completion, continue/pause on a running guest, quit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/commands/session/index.ts';
import { mountRoot } from './helpers.ts';

const KEY = { f5: '\x1b[15~', f7: '\x1b[18~', f8: '\x1b[19~', tab: '\t', backtab: '\x1b[Z', up: '\x1b[A', down: '\x1b[B', enter: '\r', esc: '\x1b', ctrlC: '\x03' };
const tick = () => new Promise<void>((r) => setTimeout(r, 30));

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function start(frameMs = 0, columns = 100, rows = 30, settleMs?: number) {
  const session = await Session.open({ backend: 'emu' });
  let ready = 0;
  const { store, ui, close } = mountRoot(session, { frameMs, settleMs, columns, rows, onReady: () => ready++ });
  cleanup = close;
  await tick();
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      ui.stdin.write(k);
      await tick();
    }
    await store.idle();
    await tick();
  };
  return { store, ui, press, ready: () => ready, frame: () => ui.lastFrame() ?? '' };
}

describe('keys', () => {
  it('draws a first frame and reports ready once', async () => {
    const t = await start();
    expect(t.ready()).toBe(1);
    expect(t.frame()).toContain('stopped · emu · ? help');
  });

  it('s / F7 step, n / F8 next, f finishes; changed registers are marked', async () => {
    const t = await start();
    await t.press('s');
    expect(t.frame()).toContain('Stepped:');
    await t.press(KEY.f7);
    expect(t.store.getSnapshot().stop?.rip).toBe(0x101760n); // call kmain stepped into
    expect(t.frame()).toMatch(/rip +0x0000000000101760\*/);
    await t.press('n', KEY.f8);
    expect(t.store.getSnapshot().stop?.reason).toBe('step');
    await t.press(':', ...'until printf', KEY.enter);
    await t.press('f');
    expect(t.frame()).toContain('Returned:');
    expect(t.frame()).toContain('<init_main');
  });

  it('Tab / Shift-Tab move focus; ↑ ↓ move the selection; b toggles a breakpoint there', async () => {
    const t = await start();
    expect(t.store.getSnapshot().focus).toBe('disassembly');
    await t.press(KEY.down, KEY.down, 'b');
    expect(t.store.getSnapshot().breakpoints).toHaveLength(1);
    expect(t.frame()).toContain('●0x100007');
    await t.press('b');
    expect(t.store.getSnapshot().breakpoints).toHaveLength(0);
    await t.press(KEY.tab);
    expect(t.store.getSnapshot().focus).toBe('processes');
    await t.press(KEY.backtab, KEY.backtab);
    expect(t.store.getSnapshot().focus).toBe('registers');
    await t.press(KEY.down, KEY.down, KEY.down, 'w'); // rbx... the selected register's value: 0 → refused, shown
    expect(t.store.getSnapshot().message?.text).toMatch(/atchpoint|watch/i);
  });

  it('Enter in the processes pane filters on the selected process, again clears it', async () => {
    const t = await start();
    await t.press(':');
    for (const c of 'until counter_main') t.ui.stdin.write(c);
    await t.press(KEY.enter);
    expect(t.frame()).toContain('Reached:');
    await t.press(KEY.tab, KEY.down, KEY.down, KEY.enter);
    expect(t.frame()).toContain('filter: process counter');
    await t.press(KEY.enter);
    expect(t.frame()).not.toContain('filter:');
  });

  it(': opens the command line with history (↑ ↓) and Tab completion; errors go to the status line', async () => {
    const t = await start();
    await t.press(':', 'i', 'n', 'f', 'o', ' ', 'h', 'i', KEY.tab);
    expect(t.frame()).toContain('(vdbg) info hits █');
    await t.press(KEY.enter);
    expect(t.frame()).toContain('No debug events.');
    await t.press(':', 's', 't', 'p', 'i', KEY.enter);
    expect(t.frame()).toContain("unknown command 'stpi' (did you mean 'stepi'?)");
    await t.press(':', KEY.up, KEY.up);
    expect(t.frame()).toContain('(vdbg) info hits█');
    await t.press(KEY.down);
    expect(t.frame()).toContain('(vdbg) stpi█');
    await t.press(KEY.esc);
    expect(t.frame()).toContain('press : for the command line');
    await t.press(':', 'i', ' ', KEY.tab);
    expect(t.store.getSnapshot().input.completions).toContain('registers');
  });

  it('? shows every key, any key closes it; q quits', async () => {
    const t = await start();
    await t.press('?');
    for (const k of ['stepi', 'nexti', 'continue', 'finish', 'pause', 'toggle a breakpoint', 'watch', 'focus', 'filter', 'command line', 'quit']) expect(t.frame()).toContain(k);
    await t.press('x');
    expect(t.frame()).toContain('Registers');
    await t.press('q');
    expect(t.store.getSnapshot().quit).toBe(true);
  });

  it('c continues and c / space pause: the panes stay live while it runs and keys answer at once', async () => {
    const t = await start(20);
    t.ui.stdin.write('c');
    await tick();
    expect(t.store.getSnapshot().state).toBe('running');
    const frames = t.ui.frames.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(t.frame()).toContain('running');
    expect(t.ui.frames.length).toBeGreaterThan(frames); // counters/console frames while running
    const t0 = performance.now();
    t.ui.stdin.write(':');
    await tick();
    expect(t.frame()).toContain('(vdbg) █'); // the command line opened while the guest runs
    expect(performance.now() - t0).toBeLessThan(500);
    await t.press(KEY.esc, ' ');
    const s = t.store.getSnapshot();
    expect(['interrupted', 'exit']).toContain(s.stop?.reason);
    if (s.stop?.reason === 'interrupted') {
      expect(t.frame()).toContain('Interrupted:');
      await t.press(KEY.f5);
      await new Promise((r) => setTimeout(r, 50));
      await t.press('c');
      expect(t.store.getSnapshot().state).not.toBe('running');
    }
  });

  it('s while running is refused in the status line, not queued', async () => {
    const t = await start(20);
    t.ui.stdin.write('c');
    await tick();
    if (t.store.getSnapshot().state === 'running') {
      t.ui.stdin.write('s');
      await tick();
      expect(t.frame()).toContain('the guest is running');
    }
    await t.press(KEY.ctrlC);
    expect(t.store.getSnapshot().state).not.toBe('running');
  });
});

/** RIP after n single-steps from vmos's entry. */
const afterSteps = [0x100000n, 0x100002n, 0x101760n, 0x10176an, 0x10176bn, 0x10176en, 0x101786n, 0x10178an, 0x10178fn, 0x101793n, 0x10179an];

describe('keys in order', () => {
  it('ten s in one chunk (typed fast, pasted, auto-repeat) step ten times', async () => {
    const t = await start();
    await t.press('ssssssssss');
    expect(t.store.getSnapshot().stop?.rip).toBe(afterSteps[10]);
    expect(t.frame()).not.toContain('the guest is running');
  });

  it('five s as five input events, each while the step before still runs, step five times', async () => {
    const t = await start();
    for (let k = 0; k < 5; k++) t.ui.stdin.write('s');
    await t.store.idle();
    expect(t.store.getSnapshot().stop?.rip).toBe(afterSteps[5]);
  });

  it('a key after a step sees the step: s b sets the breakpoint on the new RIP line', async () => {
    const t = await start();
    await t.press('sb');
    expect(t.store.getSnapshot().breakpoints.map((b) => b.addr)).toEqual([afterSteps[1]]);
    expect(t.frame()).toContain('→●0x100002');
  });

  it('a command that runs on is shown running after settleMs; the keys after it then act on a running guest', async () => {
    const t = await start(20, 100, 30, 50);
    await t.press(':');
    t.ui.stdin.write('stepi 100000000\rs');
    await new Promise((r) => setTimeout(r, 200));
    expect(t.store.getSnapshot().state).toBe('running');
    expect(t.frame()).toContain('the guest is running');
    await t.press(' ');
    expect(t.store.getSnapshot().stop?.reason).toBe('interrupted');
  });

  it('Ctrl-C while a command holds the keys interrupts it and drops the keys typed ahead', async () => {
    const t = await start(0, 100, 30, 60_000);
    await t.press(':');
    t.ui.stdin.write('stepi 100000000\r');
    await tick();
    t.ui.stdin.write('ss');
    await tick();
    expect(t.store.getSnapshot().state).toBe('stopped'); // not shown running yet: the keys wait
    t.ui.stdin.write(KEY.ctrlC);
    await t.store.idle();
    expect(t.store.getSnapshot().stop?.reason).toBe('interrupted');
    expect(t.frame()).toContain('Interrupted:');
  });

  it('Esc and the key after it in one event are two keys', async () => {
    const t = await start();
    await t.press(':', 'x', '\x1b:');
    expect(t.store.getSnapshot().input).toMatchObject({ active: true, text: '' });
  });
});

describe('keys in one chunk', () => {
  it('`:` and the command typed in the same write go to the command line', async () => {
    const t = await start();
    await t.press(':b counter_main\r');
    expect(t.store.getSnapshot().breakpoints).toHaveLength(1);
    expect(t.store.getSnapshot().state).toBe('stopped');
  });
});
