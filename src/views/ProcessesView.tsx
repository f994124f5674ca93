/**
 * Processes keyed by CR3 (the guest's task table merged with the CR3s seen
 * in debug events); `▸` marks the CR3 of the current stop, `[filter]` the
 * process the filter keeps. Enter filters on the selected one.
 */
import type { Condition, ProcessRow } from '../commands/session/types.ts';
import { filterKeeps, processLine } from './format/lists.ts';
import { fit, windowAround } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import { paint, type Theme } from './theme.ts';

export interface Props {
  readonly processes: readonly ProcessRow[];
  readonly filter: Condition | null;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  readonly sel: number;
  readonly theme: Theme;
}

export function ProcessesView({ processes, filter, width, height, focused, sel, theme }: Props) {
  const cols = innerCols(width);
  // Unfocused, the pane keeps the current process in view.
  const cur = processes.findIndex((p) => p.current);
  const [first, last] = windowAround(processes.length, innerRows(height), focused || cur < 0 ? sel : cur);
  const lines =
    processes.length === 0
      ? [fit('no processes known yet', cols)]
      : processes.slice(first, last).map((p, k) => {
          return paint(theme, processLine(p, cols, filterKeeps(filter, p.cr3, p.name)), { tone: p.current ? 'rip' : undefined, bold: p.current, inverse: focused && first + k === sel });
        });
  return <Pane title="Processes (CR3)" width={width} height={height} focused={focused} theme={theme} lines={lines} />;
}
