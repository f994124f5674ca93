/**
 * `monitor CMD` (gdb manual, General Query Packets › qRcmd): any vdbg
 * command, through the same registry the command line and batch mode use
 * (src/commands/lang/registry.ts), its text form (format.ts) sent back to
 * gdb. `quit` is refused (detach or kill from gdb instead): it would end
 * vdbg under a connected gdb.
 */
import { formatText } from '../lang/format.ts';
import { parse, runLine } from '../lang/registry.ts';
import type { SessionApi } from '../session/types.ts';

export interface MonitorResult {
  /** What gdb prints, newline-terminated ('' for nothing). */
  text: string;
  ok: boolean;
}

export async function runMonitor(session: SessionApi, line: string): Promise<MonitorResult> {
  const p = parse(line);
  if (p.kind === 'invocation' && p.name === 'quit') return { text: 'vdbg: quit is not available from gdb; use detach or kill\n', ok: false };
  const out = await runLine(session, line);
  if (out === null) return { text: '', ok: true };
  const r = out.result;
  if (r.kind === 'error') return { text: `error: ${r.error.line}\n`, ok: false };
  const text = formatText(r);
  return { text: text === '' ? '' : `${text}\n`, ok: true };
}
