/**
 * The guest's serial console, with the commands typed on the command line
 * and their output in between (as in a gdb session sharing the terminal).
 * Follows the tail; ↑ / PgUp scroll back (sel counts lines up from the end).
 * A guest line shows once it is complete; the unfinished last one is the
 * last row, redrawn in place as it grows.
 */
import { fit } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import type { ConsoleLine } from './snapshot.ts';
import { paint, type Theme } from './theme.ts';

export interface Props {
  readonly lines: readonly ConsoleLine[];
  /** The guest's unfinished last line ('' when none). */
  readonly partial: string;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  /** Console input is on (`i`): the title says so. */
  readonly input?: boolean;
  /** Lines scrolled back from the tail (0: following it). */
  readonly back: number;
  readonly theme: Theme;
}

export function ConsoleView({ lines: complete, partial, width, height, focused, input = false, back, theme }: Props) {
  const lines = partial === '' ? complete : [...complete, { kind: 'guest' as const, text: partial }];
  const cols = innerCols(width);
  const rows = innerRows(height);
  const end = Math.max(Math.min(lines.length, rows), lines.length - back);
  const shown = lines.slice(Math.max(0, end - rows), end);
  const name = input ? 'Console (guest serial) · input — Ctrl-] to leave' : 'Console (guest serial)';
  const title = back > 0 && lines.length > rows ? `${name} ↑${lines.length - end}` : name;
  const text = shown.map((l) => paint(theme, fit(l.text.replace(/\t/g, '    '), cols), { tone: l.kind === 'cmd' ? 'cmd' : l.kind === 'err' ? 'error' : undefined }));
  return <Pane title={title} width={width} height={height} focused={focused} theme={theme} lines={text} />;
}
