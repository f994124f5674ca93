/** The stack pane (`m`): qwords from RSP, each with the symbol it points into or the qword it points to (pwndbg's telescope). */
import type { StackSlot } from './format/memory.ts';
import { telescopeRows } from './format/memory.ts';
import { fit } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import type { Theme } from './theme.ts';

export interface Props {
  readonly stack: { readonly rsp: bigint; readonly slots: readonly StackSlot[] } | null;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly theme: Theme;
}

export function StackView({ stack, width, height, focused, theme }: Props) {
  const cols = innerCols(width);
  const rows = stack === null ? ['(read when the guest stops)'] : telescopeRows(stack.slots, stack.rsp);
  return <Pane title="Stack" width={width} height={height} focused={focused} theme={theme} lines={rows.slice(0, innerRows(height)).map((l) => fit(l, cols))} />;
}
