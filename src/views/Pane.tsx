/**
 * A pane's frame: a box of exactly `width` × `height` cells with its title
 * in the top border; the focused pane has a double border (visible without
 * colour). `lines` are the content rows, already cut to `width - 2` and
 * styled (theme.paint): they go to Ink as one Text — a Text node per row or
 * per cell costs Ink layout and output work on every frame.
 */
import { Box, Text } from 'ink';
import { fit } from './format/text.ts';
export { innerCols, innerRows } from './layout.ts';
import { paint, tone, type Theme } from './theme.ts';

export interface Props {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly theme: Theme;
  /** Content rows, at most `innerRows(height)`. */
  readonly lines: readonly string[];
}

export function Pane({ title, width, height, focused, theme, lines }: Props) {
  const [l, h, r] = focused ? ['╔', '═', '╗'] : ['┌', '─', '┐'];
  const label = fit(` ${title} `, Math.max(0, width - 3));
  const top = `${l}${h}${label}${h.repeat(Math.max(0, width - 3 - label.length))}${r}`.slice(0, width);
  const color = focused ? tone(theme, 'accent') : undefined;
  const text = lines.join('\n');
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text>{paint(theme, top, { tone: focused ? 'accent' : undefined, bold: focused })}</Text>
      {/* Keyed by focus: Ink 6.8 blanks the first row when a live box changes borderStyle; a new box does not.
          Clipped vertically only: lines are already cut to the width, and a horizontal clip makes Ink
          slice every line it writes (slice-ansi, string-width: a third of a frame's CPU). */}
      <Box
        key={focused ? 'focused' : 'plain'}
        flexDirection="column"
        width={width}
        height={Math.max(0, height - 1)}
        borderStyle={focused ? 'double' : 'single'}
        borderTop={false}
        borderColor={color}
        overflowY="hidden"
      >
        {text !== '' && <Text>{text}</Text>}
      </Box>
    </Box>
  );
}
