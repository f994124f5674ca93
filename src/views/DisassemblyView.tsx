/**
 * Disassembly around RIP with symbols: `→` marks RIP, `●` an enabled
 * breakpoint; the selected line (what `b` and `w` act on) is shown inverse
 * and marked `▸` while the pane has focus.
 */
import { Text } from 'ink';
import type { DisasmLine } from '../commands/disasm.ts';
import { disasmLine } from './format/lists.ts';
import { fit, windowAround } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import { tone, type Theme } from './theme.ts';

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
  return (
    <Pane title={running ? 'Disassembly (last stop)' : 'Disassembly'} width={width} height={height} focused={focused} theme={theme}>
      {lines.length === 0 && <Text>{fit('(no code readable at RIP)', cols)}</Text>}
      {lines.slice(first, last).map((l, k) => {
        const picked = focused && first + k === sel;
        const text = disasmLine(l, cols - 1);
        const color = l.current ? tone(theme, 'rip') : l.bp !== undefined ? tone(theme, 'bp') : undefined;
        return (
          <Text key={String(l.addr)} color={color} bold={l.current} inverse={picked}>
            {`${picked ? '▸' : ' '}${text}`}
          </Text>
        );
      })}
    </Pane>
  );
}
