/**
 * The bottom line: the last message (a stop, a command's answer, or an
 * error in red) on the left; state · backend · icount (recording) · filter ·
 * `? help` on the right.
 */
import { Text } from 'ink';
import type { Condition, SessionState } from '../commands/session/types.ts';
import { conditionText } from '../commands/lang/format.ts';
import { fit } from './format/text.ts';
import type { StatusMessage, ViewState } from './snapshot.ts';
import { paint, type Tone, type Theme } from './theme.ts';

export interface Props {
  readonly state: SessionState;
  readonly backend: string;
  readonly filter: Condition | null;
  readonly record: ViewState['record'];
  readonly message: StatusMessage | null;
  /** Console input is on: the left side says so, and how to leave. */
  readonly consoleInput?: boolean;
  readonly width: number;
  readonly theme: Theme;
}

const STATE_TEXT: Record<SessionState, string> = {
  stopped: 'stopped', running: 'running', exited: 'exited', shutdown: 'shut down (triple fault)',
};

/** Recording: the instruction count now, and `replaying` while now is behind the recorded end. */
function recordText(r: ViewState['record']): string | null {
  return r === null ? null : `icount ${r.icount}${r.replaying ? ' replaying' : ''}`;
}

export function statusRight(state: SessionState, backend: string, filter: Condition | null, record: ViewState['record'] = null): string {
  return [STATE_TEXT[state], backend, recordText(record), filter ? `filter: ${conditionText(filter)}` : null, '? help'].filter((x) => x !== null).join(' · ');
}

/** The left side while console input is on. */
export const CONSOLE_INPUT_TEXT = 'console input — Ctrl-] to leave';

export function StatusLine({ state, backend, filter, record, message, consoleInput = false, width, theme }: Props) {
  const right = fit(statusRight(state, backend, filter, record), width);
  const room = width - right.length - 1;
  const text = consoleInput ? CONSOLE_INPUT_TEXT : message?.text;
  const left = room > 3 && text ? fit(text, room) : '';
  const stateTone: Tone | undefined = state === 'running' ? 'ok' : state === 'stopped' ? undefined : 'error';
  const l = paint(theme, left.padEnd(Math.max(0, width - right.length)), { tone: consoleInput ? 'ok' : message?.error ? 'error' : undefined, bold: consoleInput });
  return <Text>{l + paint(theme, right, { tone: stateTone, bold: true })}</Text>;
}
