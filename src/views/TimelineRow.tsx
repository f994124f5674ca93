/**
 * The timeline row over the command line while recording (tui.md "The
 * timeline row"): the recorded span, snapshots, hits, bookmarks and now
 * (format/timeline.ts), one Text.
 */
import { Text } from 'ink';
import type { Condition, Hit } from '../commands/session/types.ts';
import { timelineRow } from './format/timeline.ts';
import type { RecordView } from './snapshot.ts';
import { paint, type Theme } from './theme.ts';

export interface Props {
  readonly record: RecordView;
  readonly hits: readonly Hit[];
  readonly filter: Condition | null;
  readonly width: number;
  readonly theme: Theme;
}

export function TimelineRow({ record, hits, filter, width, theme }: Props) {
  return <Text>{timelineRow(record, hits, filter, width).map((s) => paint(theme, s.text, s)).join('')}</Text>;
}
