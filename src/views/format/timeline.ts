/**
 * The timeline row (tui.md "The timeline row"): the recorded span of time
 * travel as one bar, the icount range at its ends.
 *
 *   0 ├┬──●──┬───◆──┬▲┄┄●┄┄╷┄┄┄┤ 350000 replaying
 *
 * `├` … `┤` the recording (its start, its recorded end); `┬` a snapshot
 * (`╷` after now); `●` a breakpoint/watchpoint hit (only the filtered
 * process's while a filter is on); `◆` a bookmark; `▲` now. The bar is `─`
 * up to now and `┄` after it — the recorded future a forward command
 * replays — and the word at the right says `replaying` or `live`. Every mark is its own character, so
 * the row reads the same without colour (NO_COLOR). One cell covers
 * (end − start) / cells instructions; where marks share a cell the
 * strongest shows: now, then a bookmark, a hit, a snapshot.
 */
import type { Condition, Hit } from '../../commands/session/types.ts';
import type { RecordView } from '../snapshot.ts';
import type { Tone } from '../theme.ts';
import { filterKeeps } from './lists.ts';
import { count } from './text.ts';

/** A run of the row drawn one way. */
export interface Segment {
  readonly text: string;
  readonly tone?: Tone;
  readonly bold?: boolean;
}

export const MARK = { now: '▲', bookmark: '◆', hit: '●', snapshot: '┬', futureSnapshot: '╷', past: '─', future: '┄', start: '├', end: '┤' } as const;

/** Fewest cells the bar keeps before the labels are shortened, then dropped. */
const MIN_BAR = 12;

type Kind = 'now' | 'bookmark' | 'hit' | 'snapshot' | 'line';
const RANK: Record<Kind, number> = { now: 4, bookmark: 3, hit: 2, snapshot: 1, line: 0 };
const LOOK: Record<Kind, Omit<Segment, 'text'>> = {
  now: { tone: 'rip', bold: true }, bookmark: { tone: 'accent' }, hit: { tone: 'bp' }, snapshot: { tone: 'dim' }, line: {},
};

/** The hits of the recording the row marks: logged while recording, inside its span, of the filtered process when a filter is on. */
export function timelineHits(r: RecordView, hits: readonly Hit[], filter: Condition | null): number[] {
  return hits
    .filter((h) => h.icount !== undefined && h.icount >= r.start && h.icount <= r.end && (filter === null || filterKeeps(filter, h.cr3, h.process)))
    .map((h) => h.icount!);
}

/** The labels at the ends, as long as the width allows: exact counts, then compact (12.3k), then none. */
function labels(r: RecordView, width: number): [string, string] {
  const state = r.replaying ? 'replaying' : 'live';
  for (const num of [String, count]) {
    const left = `${num(r.start)} `, right = ` ${num(r.end)} ${state}`;
    if (width - left.length - right.length - 2 >= MIN_BAR) return [left, right];
  }
  const right = ` ${state}`;
  return width - right.length - 2 >= MIN_BAR ? ['', right] : ['', ''];
}

/** The row at `width` columns, as segments (their texts joined are exactly `width` wide, or shorter when width < 3). */
export function timelineRow(r: RecordView, hits: readonly Hit[], filter: Condition | null, width: number): Segment[] {
  const [left, right] = labels(r, width);
  const cells = Math.max(1, width - left.length - right.length - 2);
  const span = r.end - r.start;
  // The start is the first cell and the end the last (live, now is at `┤`); a recording of no instructions yet is all end.
  const cellOf = (icount: number): number => (span <= 0 ? cells - 1 : Math.min(cells - 1, Math.max(0, Math.round(((icount - r.start) * (cells - 1)) / span))));
  const kinds: Kind[] = Array.from({ length: cells }, () => 'line');
  const put = (icount: number, k: Kind): void => {
    if (icount < r.start || icount > r.end) return;
    const c = cellOf(icount);
    if (RANK[k] > RANK[kinds[c]]) kinds[c] = k;
  };
  for (const s of r.snapshots) put(s, 'snapshot');
  for (const h of timelineHits(r, hits, filter)) put(h, 'hit');
  for (const b of r.bookmarks) put(b.icount, 'bookmark');
  const now = cellOf(r.icount);
  kinds[now] = 'now';
  // After now the bar is broken (`┄`, snapshots `╷` without the line): the recorded future, replayed going forward.
  const glyph = (k: Kind, c: number): string =>
    k === 'line' ? (c < now ? MARK.past : MARK.future) : k === 'snapshot' && c > now ? MARK.futureSnapshot : MARK[k];

  const out: Segment[] = [];
  const push = (text: string, look: Omit<Segment, 'text'> = {}): void => {
    const last = out.at(-1);
    if (last !== undefined && last.tone === look.tone && last.bold === look.bold) out[out.length - 1] = { ...last, text: last.text + text };
    else out.push({ text, ...look });
  };
  push(left);
  push(MARK.start);
  kinds.forEach((k, c) => push(glyph(k, c), LOOK[k]));
  push(MARK.end);
  push(right, r.replaying ? { tone: 'accent', bold: true } : {});
  return out.filter((s) => s.text !== '');
}

/** The row as plain text (tests; the monochrome screen). */
export function timelineText(r: RecordView, hits: readonly Hit[], filter: Condition | null, width: number): string {
  return timelineRow(r, hits, filter, width).map((s) => s.text).join('');
}
