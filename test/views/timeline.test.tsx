/**
 * The timeline row (tui.md "The timeline row", issue 15): drawn under the
 * panes while recording, from a real emulated vmos run — the recorded span
 * with its icount range, snapshots `┬`, hits `●` (only the filtered
 * process's under a filter), bookmarks `◆`, now `▲`, the replayed future
 * `┄` — at 80×24 and 160×48, through Ink (ink-testing-library).
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/views/App.tsx';
import { MARK, timelineText } from '../../src/views/format/timeline.ts';
import { parseKeys } from '../../src/views/keymap.ts';
import type { TuiStore } from '../../src/views/store.ts';
import { COLOR, MONO } from '../../src/views/theme.ts';
import { frameFits, openStore } from './helpers.ts';

let store: TuiStore | null = null;
afterEach(async () => {
  store?.dispose();
  await store?.session.close();
  store = null;
});

/** The frame Ink draws of the store's snapshot at `columns` × `rows`. */
function frame(s: TuiStore, columns: number, rows: number, theme = MONO): string {
  const ui = render(<App view={s.getSnapshot()} columns={columns} rows={rows} theme={theme} />);
  const f = ui.lastFrame() ?? '';
  ui.unmount();
  return f;
}

/** The timeline row: over the command line and the status line. */
const row = (f: string) => f.split('\n').at(-3)!;
const count = (s: string, ch: string) => [...s].filter((c) => c === ch).length;
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

async function press(s: TuiStore, data: string): Promise<void> {
  for (const k of parseKeys(data)) s.key(k);
  await s.idle();
}

describe('the timeline row', () => {
  it('is not drawn before `record`; then the panes give it one row', async () => {
    store = await openStore();
    const before = frame(store, 80, 24);
    expect(before).not.toContain(MARK.start);
    await store.run('record');
    const after = frame(store, 80, 24);
    expect(after.split('\n')).toHaveLength(before.split('\n').length);
    expect(row(after)).toBe(`0 ├${'─'.repeat(68)}▲┤ 0 live`);
    expect(row(after)).toBe(timelineText(store.getSnapshot().record!, [], null, 80));
    expect(frameFits(after, 80, 24)).toBe(true);
  });

  it('at 80×24 and 160×48: the icount range, snapshots, both hits, a bookmark and now at the recorded end; the same characters without colour', async () => {
    store = await openStore();
    for (const line of ['record', 'break counter_main', 'continue', 'run-for 200000', 'bookmark mid', 'continue', 'run-for 600000']) await store.run(line);
    expect(store.getSnapshot().hits.map((h) => h.icount)).toEqual([2337698, 1473648]);
    const rec = store.getSnapshot().record!;
    expect(rec).toMatchObject({ start: 0, end: 2937698, icount: 2937698, bookmarks: [{ name: 'mid', icount: 1673648 }] });
    // A snapshot every 50,000 instructions (the runs take them on the way), from where recording started.
    expect(rec.snapshots[0]).toBe(0);
    expect(rec.snapshots.slice(1).every((x, k) => x - rec.snapshots[k] <= 50_000)).toBe(true);
    expect(rec.snapshots.at(-1)).toBeGreaterThan(2937698 - 50_000);
    const f80 = frame(store, 80, 24), f160 = frame(store, 160, 48);
    expect(row(f80)).toBe('0 ├┬┬┬┬┬┬┬┬┬┬─┬┬┬┬┬┬┬┬┬┬┬┬┬┬┬┬┬┬─┬●┬┬┬◆┬┬┬┬┬┬┬┬┬┬┬┬─●┬┬┬┬┬┬┬┬┬┬┬┬▲┤ 2937698 live');
    expect(row(f160)).toBe(
      '0 ├┬─┬──┬─┬──┬─┬──┬─┬─┬──┬─┬──┬─┬─┬──┬─┬──┬─┬──┬─┬─┬──┬─┬──┬─┬─┬──┬─┬──┬─┬●─┬─┬─┬──┬◆┬──┬─┬─┬──┬─┬──┬─┬──┬─┬─┬──┬─┬─●┬─┬─┬──┬─┬──┬─┬──┬─┬─┬──┬─┬─▲┤ 2937698 live',
    );
    expect(frameFits(f80, 80, 24) && frameFits(f160, 160, 48)).toBe(true);
    // Width-adaptive: exactly the width, the labels shortened, then dropped, before the bar goes under 12 cells.
    const { record, hits } = store.getSnapshot();
    for (let w = 20; w <= 200; w++) expect([...timelineText(record!, hits, null, w)], `width ${w}`).toHaveLength(w);
    expect(timelineText(record!, hits, null, 28)).toMatch(/^0 ├.{13}┤ 2\.94M live$/);
    expect(timelineText(record!, hits, null, 24)).toMatch(/^├.{17}┤ live$/);
    // Colour adds tones to the marks, never a character: the row without its SGR codes is the monochrome row.
    const coloured = row(frame(store, 80, 24, COLOR));
    expect(plain(coloured)).toBe(row(f80));
    expect(row(f80)).not.toMatch(/\x1b\[/);
    // Back at the bookmark: the recorded future after now is the broken bar (snapshots `╷`), and it says replaying.
    await store.run('goto mid');
    expect(row(frame(store, 80, 24))).toMatch(/^0 ├[┬─●]+▲[╷┄●]+┤ 2937698 replaying$/);
  });

  it('marks only the filtered process\'s hits while a filter is on', async () => {
    store = await openStore();
    for (const line of ['record', 'break counter_main', 'continue', 'continue', 'run-for 100000']) await store.run(line);
    const [second, first] = store.getSnapshot().hits;
    expect(first.cr3).not.toBe(second.cr3);
    expect(count(row(frame(store, 80, 24)), MARK.hit)).toBe(2);
    await store.run(`filter cr3 0x${first.cr3.toString(16)}`);
    const only = row(frame(store, 80, 24));
    expect(count(only, MARK.hit)).toBe(1);
    expect(only.indexOf(MARK.hit)).toBe(row(frame(store, 80, 24)).indexOf(MARK.hit));
    await store.run(`filter cr3 0x${second.cr3.toString(16)}`);
    const other = row(frame(store, 80, 24));
    expect(count(other, MARK.hit)).toBe(1);
    expect(other.indexOf(MARK.hit)).toBeGreaterThan(only.indexOf(MARK.hit));
  });

  it('the cursor moves back with S (reverse-stepi) over the replayed future `┄`, and returns to the end with s', async () => {
    store = await openStore();
    for (const line of ['record', 'stepi 30']) await store.run(line);
    const live = row(frame(store, 80, 24));
    expect(live).toBe(`0 ├┬${'─'.repeat(66)}▲┤ 30 live`);
    await press(store, 'SSS');
    const back = row(frame(store, 80, 24));
    expect(back).toMatch(/^0 ├┬─+▲┄+┤ 30 replaying$/);
    expect(back.indexOf(MARK.now)).toBeLessThan(live.indexOf(MARK.now));
    await press(store, 'S');
    expect(row(frame(store, 80, 24)).indexOf(MARK.now)).toBeLessThan(back.indexOf(MARK.now));
    await press(store, 'ssss');
    expect(row(frame(store, 80, 24))).toBe(live);
  });
});
