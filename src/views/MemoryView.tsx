/** The memory pane (`m`): a hexdump around `set tui memory`'s address, the last watchpoint access in brackets, `??` where unmapped. */
import { hexdumpRows, type MemoryDump } from './format/memory.ts';
import { fit, hexShort } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import type { Theme } from './theme.ts';

export interface Props {
  readonly memory: MemoryDump | null;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly theme: Theme;
}

export function MemoryView({ memory, width, height, focused, theme }: Props) {
  const cols = innerCols(width);
  const rows = memory === null ? ['(read when the guest stops)'] : hexdumpRows(memory);
  const mark = memory?.mark ? ` · last access ${hexShort(memory.mark.addr)}/${memory.mark.len}` : '';
  const title = memory === null ? 'Memory' : `Memory ${hexShort(memory.base)}${mark}`;
  return <Pane title={title} width={width} height={height} focused={focused} theme={theme} lines={rows.slice(0, innerRows(height)).map((l) => fit(l, cols))} />;
}
