/** The breakpoint-hit log, newest first, with the exact total in the title. */
import { Text } from 'ink';
import type { Hit } from '../commands/session/types.ts';
import { hitLine } from './format/lists.ts';
import { fit, windowAround } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import type { Theme } from './theme.ts';

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
  return (
    <Pane title={`Breakpoint hits (${total})`} width={width} height={height} focused={focused} theme={theme}>
      {hits.length === 0 && <Text>{fit('no debug events yet', cols)}</Text>}
      {hits.slice(first, last).map((h, k) => (
        <Text key={h.seq} inverse={focused && first + k === sel}>
          {hitLine(h, cols)}
        </Text>
      ))}
    </Pane>
  );
}
