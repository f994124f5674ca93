/** The breakpoint-hit log, newest first, with the exact total in the title. */
import type { Hit } from '../commands/session/types.ts';
import { hitLine } from './format/lists.ts';
import { fit, windowAround } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import { paint, type Theme } from './theme.ts';

export interface Props {
  /** Newest first. */
  readonly hits: readonly Hit[];
  readonly total: number;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly sel: number;
  readonly theme: Theme;
}

export function HitsView({ hits, total, width, height, focused, sel, theme }: Props) {
  const cols = innerCols(width);
  const [first, last] = windowAround(hits.length, innerRows(height), sel);
  const lines =
    hits.length === 0
      ? [fit('no debug events yet', cols)]
      : hits.slice(first, last).map((h, k) => paint(theme, hitLine(h, cols), { inverse: focused && first + k === sel }));
  return <Pane title={`Breakpoint hits (${total})`} width={width} height={height} focused={focused} theme={theme} lines={lines} />;
}
