/**
 * A box drawn over the panes (App places it with absolute position): the
 * help (`?`) or a command's output too tall for the console. Its rows are
 * padded to the full width so nothing of the panes under it shows through.
 * ↑ ↓ PgUp PgDn Home End scroll it; the title says where it is.
 */
import { Box } from 'ink';
import { overlayBox, overlayTitle } from './format/overlay.ts';
import type { Rect } from './layout.ts';
import { Pane } from './Pane.tsx';
import type { Overlay } from './snapshot.ts';
import type { Theme } from './theme.ts';

export interface Props {
  readonly overlay: Overlay;
  /** The rows above the command line, which the box goes over. */
  readonly body: Rect;
  readonly theme: Theme;
}

export function OverlayView({ overlay, body, theme }: Props) {
  const box = overlayBox(overlay, body);
  const top = Math.min(overlay.top, box.maxTop);
  const cols = box.width - 2;
  const lines = box.rows.slice(top, top + box.shown).map((r) => r.padEnd(cols));
  while (lines.length < box.shown) lines.push(' '.repeat(cols));
  return (
    <Box position="absolute" marginLeft={box.left} marginTop={box.top} width={box.width} height={box.height}>
      <Pane title={overlayTitle(overlay, box, top)} width={box.width} height={box.height} focused theme={theme} lines={lines} />
    </Box>
  );
}
