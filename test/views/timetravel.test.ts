/**
 * Time travel in the TUI (issue 15, tui.md "Keys"): `S` reverse-stepi, `C`
 * reverse-continue, the status line's icount / replaying, Enter on a hit
 * row `goto hit N` — keys through the store on a real emulated session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderFrame } from '../../src/views/index.tsx';
import { parseKeys } from '../../src/views/keymap.ts';
import type { TuiStore } from '../../src/views/store.ts';
import { openStore } from './helpers.ts';

let store: TuiStore | null = null;
afterEach(async () => {
  store?.dispose();
  await store?.session.close();
  store = null;
});

async function press(s: TuiStore, data: string): Promise<void> {
  for (const k of parseKeys(data)) s.key(k);
  await s.idle();
}

const rip = (s: TuiStore) => s.getSnapshot().stop?.rip;
const statusLine = (s: TuiStore) => renderFrame(s.getSnapshot(), 100, 30).split('\n').at(-1)!;

describe('time travel keys', () => {
  it('S steps back one instruction: RIP returns to where it was; the status line shows icount, then replaying', async () => {
    store = await openStore();
    await store.run('record');
    const icount0 = store.getSnapshot().record?.icount;
    expect(icount0).toBeTypeOf('number');
    expect(statusLine(store)).toContain(`stopped · emu · icount ${icount0} · ? help`);
    await press(store, 's');
    const before = rip(store);
    await press(store, 's');
    expect(rip(store)).not.toBe(before);
    expect(statusLine(store)).toContain(`icount ${icount0! + 2} · `);
    expect(statusLine(store)).not.toContain('replaying');
    await press(store, 'S');
    expect(rip(store)).toBe(before);
    expect(store.getSnapshot().record).toMatchObject({ icount: icount0! + 1, replaying: true });
    expect(statusLine(store)).toContain(`icount ${icount0! + 1} replaying · `);
  });

  it('S without a recording shows the command\'s own error; the status line has no icount', async () => {
    store = await openStore();
    const before = rip(store);
    await press(store, 'S');
    expect(rip(store)).toBe(before);
    expect(store.getSnapshot().message?.error).toBe(true);
    expect(store.getSnapshot().record).toBeNull();
    expect(statusLine(store)).not.toContain('icount');
  });

  it('C reverse-continues to the previous hit; Enter on a hit row goes to that hit', async () => {
    store = await openStore();
    for (const line of ['break counter_main', 'record', 'continue', 'continue']) await store.run(line);
    const hits = store.getSnapshot().hits; // newest first
    expect(hits).toHaveLength(2);
    const [second, first] = hits;
    expect(rip(store)).toBe(second.rip);
    await press(store, 's'.repeat(3));
    await press(store, 'C');
    expect(store.getSnapshot().stop?.reason).toBe('breakpoint');
    expect(store.getSnapshot().record?.icount).toBe(second.icount);
    await press(store, 'C');
    expect(store.getSnapshot().record?.icount).toBe(first.icount);
    expect(statusLine(store)).toContain(`icount ${first.icount} replaying`);
    // The hits pane: focus it (Tab order registers, disassembly, processes, hits), the newest row is selected; ↓ the older.
    await press(store, '\t\t');
    expect(store.getSnapshot().focus).toBe('hits');
    await press(store, '\r');
    expect(store.getSnapshot().record?.icount).toBe(second.icount);
    expect(rip(store)).toBe(second.rip);
    await press(store, '\x1b[B');
    await press(store, '\r');
    expect(store.getSnapshot().record?.icount).toBe(first.icount);
    expect(store.getSnapshot().message?.text).toMatch(/Breakpoint 1/);
  });
});
