/**
 * Disassembly around RIP with symbols: `→` marks RIP, `●` an enabled
 * breakpoint; the selected line (what `b` and `w` act on) is shown inverse
 * and marked `▸` while the pane has focus.
 */
import type { DisasmLine } from '../commands/disasm.ts';
import { disasmLine } from './format/lists.ts';
import { fit, windowAround } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import { paint, type Theme } from './theme.ts';

export interface Props {
  readonly lines: readonly DisasmLine[];
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly sel: number;
  readonly theme: Theme;
  /** Shown instead of lines while the guest runs. */
  readonly running?: boolean;
}

export function DisassemblyView({ lines, width, height, focused, sel, theme, running = false }: Props) {
  const cols = innerCols(width);
  const [first, last] = windowAround(lines.length, innerRows(height), sel);
  const rows =
    lines.length === 0
      ? [fit('(no code readable at RIP)', cols)]
      : lines.slice(first, last).map((l, k) => {
          const picked = focused && first + k === sel;
          const text = `${picked ? '▸' : ' '}${disasmLine(l, cols - 1)}`;
          return paint(theme, text, { tone: l.current ? 'rip' : l.bp !== undefined ? 'bp' : undefined, bold: l.current, inverse: picked });
        });
  return <Pane title={running ? 'Disassembly (last stop)' : 'Disassembly'} width={width} height={height} focused={focused} theme={theme} lines={rows} />;
}
