/** `?`: every key of tui.md in a box over the panes; any key closes it. */
import { Box } from 'ink';
import { fit } from './format/text.ts';
import { KEY_HELP } from './keymap.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import type { Theme } from './theme.ts';

export interface Props {
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

export function HelpOverlay({ width, height, theme }: Props) {
  const cols = innerCols(width);
  const keyW = Math.max(...KEY_HELP.map(([k]) => k.length)) + 2;
  const lines = [
    ...KEY_HELP.map(([k, what]) => `${k.padEnd(keyW)}${what}`),
    '',
    'Commands (after :): help lists them; see docs/commands.md.',
    'Any key closes this help.',
  ];
  return (
    <Box width={width} height={height}>
      <Pane title="Keys" width={width} height={height} focused theme={theme} lines={lines.slice(0, innerRows(height)).map((l) => fit(l, cols))} />
    </Box>
  );
}
