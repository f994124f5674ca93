/**
 * `set logging` (gdb's "Logging Output"): while on, each top-level command's
 * text output (errors included) is appended to the log file (`vdbg.txt`
 * unless `set logging file`); `set logging overwrite on` truncates the file
 * when logging starts.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { CommandError } from '../errors.ts';
import { formatText } from './format.ts';
import type { Outcome } from './result.ts';
import type { LangState } from './state.ts';

export function logOutcome(st: LangState, o: Outcome): void {
  const log = st.logging;
  if (!log.enabled) return;
  const text = o.result.kind === 'error' ? o.result.error.line : formatText(o.result);
  try {
    if (!log.started) {
      if (log.overwrite) writeFileSync(log.file, '');
      log.started = true;
    }
    if (text !== '') appendFileSync(log.file, `${text}\n`);
  } catch (e) {
    log.enabled = false;
    throw new CommandError('failed', `cannot write the log file ${log.file}: ${(e as Error).message}; logging is off`);
  }
}
