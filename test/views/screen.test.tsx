/**
 * The whole screen, from states produced by running the bundled guest, at
 * 80×24 and 160×48 (and a narrow 60×40 where panes stack), in monochrome.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderFrame } from '../../src/views/index.tsx';
import type { TuiStore } from '../../src/views/store.ts';
import { atCounter, frameFits, openStore } from './helpers.ts';

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
    expect(renderFrame(store.getSnapshot(), 80, 24)).toMatchSnapshot('help 80x24');
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
