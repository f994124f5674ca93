/**
 * The overlays (pure): the help — every key, each description wrapped under
 * its own column — and a command's output, wrapped to the overlay's width
 * (nothing is cut sideways), and where the box goes over the panes: the
 * help centred and as big as its text, the output at full width on the
 * bottom of the body, just over the command line it was typed on, as tall
 * as it is (up to the whole body). Both scroll when taller than the body.
 */
import { KEY_HELP } from '../keymap.ts';
import type { Rect } from '../layout.ts';
import type { Overlay } from '../snapshot.ts';

/** `s` in rows of at most `width`, broken at spaces where one is near; rows after the first indented by `indent`. */
export function wrapLine(s: string, width: number, indent = 0): string[] {
  const w = Math.max(1, width);
  const pad = ' '.repeat(indent < w ? indent : 0);
  const rows: string[] = [];
  let rest = s.replace(/\t/g, '    ');
  while (rest.length > w) {
    // A break after the indent, in the second half of the row; else a hard cut.
    const lead = rows.length > 0 ? pad.length : 0;
    const space = rest.lastIndexOf(' ', w);
    const cut = space > Math.max(lead, w / 2) ? space : w;
    rows.push(rest.slice(0, cut).trimEnd());
    rest = pad + rest.slice(cut).trimStart();
  }
  rows.push(rest);
  return rows;
}

/** Where a table row's second column starts (`name   text`), for wrapping under it; 0 when none in the first half. */
export function secondColumn(s: string, width: number): number {
  const m = /^\S.*?\s{2,}(?=\S)/.exec(s);
  return m !== null && m[0].length <= width / 2 ? m[0].length : 0;
}

const HELP_TAIL = ['', 'Commands (after :): help lists them; see docs/commands.md.', '↑ ↓ PgUp PgDn Home End scroll; any other key closes this help.'];
const KEY_COLUMN = Math.max(...KEY_HELP.map(([k]) => k.length)) + 2;
/** The help's widest line, up to 76 columns: the box is no wider (longer descriptions wrap). */
const HELP_WIDTH = Math.min(76, Math.max(...KEY_HELP.map(([, what]) => KEY_COLUMN + what.length), ...HELP_TAIL.map((l) => l.length)));

/** The help's rows at `width`: keys in a column, descriptions wrapped beside it. */
export function helpRows(width: number): string[] {
  // Narrow: each description right after its key, continuation rows indented by 2.
  const column = width >= KEY_COLUMN + 12;
  return [
    ...KEY_HELP.flatMap(([k, what]) => wrapLine(`${k.padEnd(column ? KEY_COLUMN : k.length + 2)}${what}`, width, column ? KEY_COLUMN : 2)),
    ...HELP_TAIL.flatMap((l) => wrapLine(l, width)),
  ];
}

export interface OverlayBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Every row of the text at this width. */
  readonly rows: readonly string[];
  /** Rows inside the border. */
  readonly shown: number;
  /** The last useful scroll position. */
  readonly maxTop: number;
}

/** Where `o` goes over a body of `body`, and its rows. */
export function overlayBox(o: Overlay, body: Rect): OverlayBox {
  const help = o.kind === 'help';
  const width = help ? Math.min(body.width, HELP_WIDTH + 2) : body.width;
  const rows = help ? helpRows(width - 2) : o.lines.flatMap((l) => wrapLine(l, width - 2, secondColumn(l, width - 2)));
  const height = Math.min(body.height, rows.length + 2);
  const shown = Math.max(0, height - 2);
  return {
    left: help ? Math.floor((body.width - width) / 2) : 0,
    top: help ? Math.floor((body.height - height) / 2) : body.height - height,
    width, height, rows, shown, maxTop: Math.max(0, rows.length - shown),
  };
}

/** The box's title: what it shows, where it is when it scrolls, how to close it. */
export function overlayTitle(o: Overlay, box: OverlayBox, top: number): string {
  const at = box.maxTop > 0 ? ` · ${top + 1}–${top + box.shown} of ${box.rows.length} · ↑↓ PgUp PgDn` : '';
  return o.kind === 'help' ? `Keys${at}` : `Output: ${o.title}${at} · Esc closes`;
}

export type ScrollTo = 'up' | 'down' | 'pageup' | 'pagedown' | 'home' | 'end';

/** The overlay's first row after a scroll key: by a row, by a page (the rows shown less one), or to an end. */
export function scrollTop(o: Overlay, body: Rect, to: ScrollTo): number {
  const box = overlayBox(o, body);
  const top = Math.min(o.top, box.maxTop);
  const page = Math.max(1, box.shown - 1);
  const next = { up: top - 1, down: top + 1, pageup: top - page, pagedown: top + page, home: 0, end: box.maxTop }[to];
  return Math.max(0, Math.min(box.maxTop, next));
}
