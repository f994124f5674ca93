/**
 * The store's own behaviour, on a real emulated session: the console's
 * lines as the guest's serial output arrives byte by byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../../src/commands/session/index.ts';
import { renderFrame } from '../../src/views/index.tsx';
import { TuiStore } from '../../src/views/store.ts';
import { pane } from '../e2e/tmux.ts';
import { openStore } from './helpers.ts';

let store: TuiStore | null = null;
afterEach(async () => {
  store?.dispose();
  await store?.session.close();
  store = null;
});

/** The console pane's rows with text, as drawn at 80×24. */
const consoleRows = (s: TuiStore) => pane(renderFrame(s.getSnapshot(), 80, 24), 'Console (guest serial)').map((l) => l.trimEnd()).filter((l) => l !== '');
const guest = (s: TuiStore) => s.getSnapshot().console.filter((l) => l.kind === 'guest').map((l) => l.text);

describe('console', () => {
  it('a guest line enters once, when complete; the unfinished last line is the last row, in place', async () => {
    store = await openStore();
    // What the serial device hands the session: pieces of lines, with frames in between.
    const serial = store.session.onConsole!;
    serial('vmos: booting,');
    store.tick();
    expect(guest(store)).toEqual([]);
    expect(store.getSnapshot().consolePartial).toBe('vmos: booting,');
    expect(consoleRows(store)).toEqual(['vmos: booting,']);
    serial(' 64');
    store.tick();
    serial(' MiB\r\nvmos: A');
    store.tick();
    expect(guest(store)).toEqual(['vmos: booting, 64 MiB']);
    expect(store.getSnapshot().consolePartial).toBe('vmos: A');
    expect(consoleRows(store)).toEqual(['vmos: booting, 64 MiB', 'vmos: A']);
    serial('PX\n');
    expect(guest(store)).toEqual(['vmos: booting, 64 MiB', 'vmos: APX']);
    expect(store.getSnapshot().consolePartial).toBe('');
    expect(consoleRows(store)).toEqual(['vmos: booting, 64 MiB', 'vmos: APX']);
    // A stop in the middle of a line leaves it unfinished; it completes as one line later.
    serial('init: pid');
    await store.run('stepi');
    expect(store.getSnapshot().consolePartial).toBe('init: pid');
    serial(' 1\n');
    expect(guest(store)).toEqual(['vmos: booting, 64 MiB', 'vmos: APX', 'init: pid 1']);
    expect(consoleRows(store).at(-1)).toBe('init: pid 1');
  });

  it('a whole vmos run with a frame every millisecond: every guest line is whole', async () => {
    const session = await Session.open({ backend: 'emu' });
    store = new TuiStore(session, { frameMs: 1 });
    await store.run('continue');
    const lines = guest(store);
    expect(lines[0]).toBe('vmos: booting, 64 MiB RAM, image 0x0000000000100000-0x0000000000106018');
    expect(lines.at(-1)).toBe('vmos: init exited with 0 after 36 ticks; halting');
    // A fragment would be a strict prefix of the line after it.
    expect(lines.filter((l, k) => k + 1 < lines.length && lines[k + 1].startsWith(l))).toEqual([]);
  });
});

describe('scrolling and the command line', () => {
  it("PgUp / PgDn move by the pane's rows less one: no line is skipped, one is kept for context", async () => {
    store = await openStore();
    await store.run('continue');
    store.resize(160, 48);
    store.dispatch({ type: 'focus', delta: -1 });
    store.dispatch({ type: 'focus', delta: -1 });
    expect(store.getSnapshot().focus).toBe('console');
    const rows = () => pane(renderFrame(store!.getSnapshot(), 160, 48), 'Console (guest serial)').map((l) => l.trimEnd());
    const tail = rows();
    expect(tail.length).toBeGreaterThan(2);
    store.dispatch({ type: 'move', delta: -1, page: true });
    const back = rows();
    expect(back.at(-1)).toBe(tail[0]);
    store.dispatch({ type: 'move', delta: -1, page: true });
    expect(rows().at(-1)).toBe(back[0]);
    store.dispatch({ type: 'move', delta: 1, page: true });
    expect(rows()).toEqual(back);
    // As far back as the first line, and no further: one PgDn from there moves at once.
    for (let k = 0; k < 50; k++) store.dispatch({ type: 'move', delta: -1, page: true });
    const first = rows();
    expect(first[0]).toBe('(vdbg) continue');
    store.dispatch({ type: 'move', delta: 1, page: true });
    expect(rows()[0]).toBe(first.at(-1));
  });

  it('a filtered process row keeps its hits and state at 160 columns, [filter] at the right edge', async () => {
    store = await openStore();
    for (const line of ['break counter_main', 'continue', 'filter process counter']) await store.run(line);
    const procs = pane(renderFrame(store.getSnapshot(), 160, 48), 'Processes (CR3)');
    const row = procs.find((l) => l.startsWith('▸'))!;
    expect(row).toMatch(/^▸0x117000 +2 counter +running +1 hit +\[filter\]$/);
  });

  it('↑ in the command line starts from the newest line each time it opens (Esc does not keep the position)', async () => {
    store = await openStore();
    const type = (text: string) => {
      store!.dispatch({ type: 'open-command' });
      store!.dispatch({ type: 'edit', op: 'insert', text });
      return store!.dispatch({ type: 'edit', op: 'submit' });
    };
    await type('info hits');
    await type('echo two');
    store.dispatch({ type: 'open-command' });
    store.dispatch({ type: 'edit', op: 'history-up' });
    store.dispatch({ type: 'edit', op: 'history-up' });
    expect(store.getSnapshot().input.text).toBe('info hits');
    store.dispatch({ type: 'edit', op: 'cancel' });
    store.dispatch({ type: 'open-command' });
    store.dispatch({ type: 'edit', op: 'history-up' });
    expect(store.getSnapshot().input.text).toBe('echo two');
  });
});

describe('the hypervisor pane', () => {
  it('scrolls with PgDn when its lines do not fit (80×24: three of five rows)', async () => {
    store = await openStore();
    store.resize(80, 24);
    store.dispatch({ type: 'focus', delta: -1 });
    store.dispatch({ type: 'focus', delta: -1 });
    store.dispatch({ type: 'focus', delta: -1 });
    expect(store.getSnapshot().focus).toBe('hypervisor');
    const rows = () => pane(renderFrame(store!.getSnapshot(), 80, 24), 'Hypervisor').map((l) => l.trimEnd());
    const first = rows();
    expect(first[0]).toMatch(/^exits/);
    store.dispatch({ type: 'move', delta: 1, page: true });
    expect(rows()[0]).not.toBe(first[0]);
    expect(rows().at(-1)).toMatch(/^vdbg +ioctls/);
  });
});

describe('messages', () => {
  it('a command typed while the guest runs is quoted escaped and cut, not echoed whole (issue 10 item 6)', async () => {
    store = await openStore();
    void store.dispatch({ type: 'continue-or-pause' });
    await store.dispatch({ type: 'run', line: `x\x1b[2J${'y'.repeat(200)}` });
    expect(store.getSnapshot().message).toEqual({ text: `the guest is running: press c, space or p to pause it before 'x\\x1b[2J${'y'.repeat(72)}…'`, error: true });
    store.session.interrupt();
    await store.idle();
  });
});

describe('the disassembly selection', () => {
  it('goes back to RIP after :reset (it stayed where the last run left it; issue 10 item 13)', async () => {
    store = await openStore();
    const atRip = () => {
      const snap = store!.getSnapshot();
      return snap.disasm[snap.sel.disassembly]?.current === true;
    };
    expect(atRip()).toBe(true);
    await store.run('stepi 3');
    expect(atRip()).toBe(true);
    await store.run('reset');
    expect(atRip()).toBe(true);
  });
});
