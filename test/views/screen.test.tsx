/**
 * The whole screen, from states produced by running the bundled guest, at
 * 80×24 and 160×48 (and a narrow 60×40 where panes stack), in monochrome.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { renderFrame } from '../../src/views/index.tsx';
import type { TuiStore } from '../../src/views/store.ts';
import { pane } from '../e2e/tmux.ts';
import { atCounter, frameFits, openStore } from './helpers.ts';

// The hypervisor pane's `jit` row shows the JIT's counters, which differ between a tiered and a
// forced run: these screens are taken with it off, also when the suite runs with VDBG_JIT=force
// (the emulated CPU reads it when it is created).
const jitEnv = process.env.VDBG_JIT;
process.env.VDBG_JIT = 'off';
afterAll(() => {
  if (jitEnv === undefined) delete process.env.VDBG_JIT;
  else process.env.VDBG_JIT = jitEnv;
});

const SIZES: [number, number][] = [[80, 24], [160, 48], [60, 40]];
let store: TuiStore | null = null;
afterEach(async () => {
  await store?.session.close();
  store?.dispose();
  store = null;
});

describe('whole screen', () => {
  it('at the entry point', async () => {
    store = await openStore();
    for (const [c, r] of SIZES) {
      const f = renderFrame(store.getSnapshot(), c, r);
      expect(frameFits(f, c, r)).toBe(true);
      expect(f).toMatchSnapshot(`entry ${c}x${r}`);
    }
  });

  it('at a breakpoint in a counter process after two steps', async () => {
    store = await atCounter();
    for (const [c, r] of SIZES) {
      const f = renderFrame(store.getSnapshot(), c, r);
      expect(frameFits(f, c, r)).toBe(true);
      expect(f).toMatchSnapshot(`counter ${c}x${r}`);
    }
  });

  it('with a filter, a failed command and the help overlay', async () => {
    store = await atCounter();
    await store.run('filter process counter');
    await store.run('stpi');
    const f = renderFrame(store.getSnapshot(), 80, 24);
    expect(f).toContain("unknown command 'stpi'");
    expect(f).toContain('filter: process counter');
    expect(f).toMatchSnapshot('error 80x24');
    store.dispatch({ type: 'help', show: true });
    expect(renderFrame(store.getSnapshot(), 80, 24)).toMatchSnapshot('help over the panes 80x24');
  });

  it('the help at 60×40: every line whole (descriptions wrap under their column), a box as tall as its text, the panes around it', async () => {
    store = await openStore();
    store.dispatch({ type: 'help', show: true });
    const f = renderFrame(store.getSnapshot(), 60, 40);
    expect(frameFits(f, 60, 40)).toBe(true);
    const keys = pane(f, 'Keys');
    expect(keys.join('\n')).not.toContain('…');
    expect(keys.findIndex((l) => l.startsWith('b '))).toBeGreaterThan(0);
    expect(keys[keys.findIndex((l) => l.startsWith('b ')) + 1]).toMatch(/^ {18}\S/);
    expect(keys.filter((l) => l.trim() === '')).toHaveLength(1); // the one before the footer
    expect(keys.at(-1)?.trim()).toBe('help.');
    expect(f).toContain('─ Registers');
    // The pane under the box (the console, its title covered once the key list grows past 40 rows) shows below it.
    expect(f).toMatch(/╚═+╝\n(│ +│\n)*└─+┘/);
    expect(f).toMatchSnapshot('help 60x40');
  });

  it('command output taller than the console opens over the panes at full width, scrolls, and closes', async () => {
    store = await openStore();
    store.resize(80, 24);
    await store.run('help');
    let f = renderFrame(store.getSnapshot(), 80, 24);
    expect(frameFits(f, 80, 24)).toBe(true);
    expect(f.split('\n')[0]).toMatch(/^╔═ Output: help · 1–20 of \d+ · ↑↓ PgUp PgDn · Esc closes ═+╗$/);
    const first = pane(f, 'Output: help');
    expect(first).toHaveLength(20);
    expect(first[0]).toMatch(/^load +load a guest ELF/);
    expect(first.join('\n')).not.toContain('…');
    store.dispatch({ type: 'scroll', to: 'pagedown' });
    f = renderFrame(store.getSnapshot(), 80, 24);
    expect(f).toContain('Output: help · 20–39 of');
    expect(pane(f, 'Output: help')[0]).toBe(first[19]);
    store.dispatch({ type: 'scroll', to: 'end' });
    expect(pane(renderFrame(store.getSnapshot(), 80, 24), 'Output: help').at(-1)).toMatch(/^quit +/);
    store.dispatch({ type: 'close-overlay' });
    expect(renderFrame(store.getSnapshot(), 80, 24)).not.toContain('Output:');
    // A short answer stays in the console; `o` shows the last long one again, from its top.
    await store.run('print $rip');
    expect(store.getSnapshot().overlay).toBeNull();
    store.dispatch({ type: 'output' });
    expect(pane(renderFrame(store.getSnapshot(), 80, 24), 'Output: help')[0]).toBe(first[0]);
    // info registers at 80×24: the whole table in the box (wider than the console's two rows).
    store.dispatch({ type: 'close-overlay' });
    await store.run('info registers');
    f = renderFrame(store.getSnapshot(), 80, 24);
    expect(pane(f, 'Output: info registers').filter((l) => /^r\w+ +0x/.test(l))).toHaveLength(18);
    expect(f).toMatchSnapshot('info registers 80x24');
  });

  it('after the guest exits, and after a triple fault (last registers kept)', async () => {
    store = await openStore();
    await store.run('continue');
    let f = renderFrame(store.getSnapshot(), 160, 48);
    expect(f).toContain('exited');
    expect(f).toMatchSnapshot('exited 160x48');
    await store.run('continue');
    expect(renderFrame(store.getSnapshot(), 80, 24)).toContain('the guest has exited');
    await store.run('reset');
    await store.run('set $rip = 0');
    await store.run('continue');
    f = renderFrame(store.getSnapshot(), 80, 24);
    expect(f).toContain('shut down (triple fault)');
    expect(f).toMatch(/rip {4}0x0000000000000000/);
    expect(f).toMatchSnapshot('shutdown 80x24');
  });

  it('fits every size from 20×10 to 200×60 without a line longer than the terminal', async () => {
    store = await atCounter();
    for (const c of [20, 40, 59, 79, 80, 100, 119, 120, 200]) {
      for (const r of [10, 24, 60]) expect(frameFits(renderFrame(store.getSnapshot(), c, r), c, Math.max(r, 14)), `${c}x${r}`).toBe(true);
    }
  });
});
