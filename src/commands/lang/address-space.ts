/**
 * Naming another address space: `cr3 VALUE` or `process NAME|PID` (the
 * process table's CR3), as `info mem`, `info tlb`, `translate` and `x` take
 * after their other arguments.
 */
import { quoted } from '../../core/printable.ts';
import type { ProcessRow, SessionApi } from '../session/types.ts';
import { CommandError } from '../errors.ts';
import { hex64 } from './format.ts';
import { evalIn } from './helpers.ts';

export type SpaceArg = { kind: 'cr3'; expr: string } | { kind: 'process'; name: string };

/** Split a trailing `cr3 X` / `process NAME` off `text`: the text before it, and the space (undefined when absent). */
export function splitSpace(text: string): { rest: string; space?: SpaceArg } {
  const m = /^(.*?)(?:^|\s)(cr3|process)\s+(\S+)\s*$/i.exec(text);
  if (!m) return { rest: text.trim() };
  const space: SpaceArg = m[2].toLowerCase() === 'cr3' ? { kind: 'cr3', expr: m[3] } : { kind: 'process', name: m[3] };
  return { rest: m[1].trim(), space };
}

/** The CR3 a space names (undefined: the current one). */
export function resolveSpace(session: SessionApi, space: SpaceArg | undefined): bigint | undefined {
  if (space === undefined) return undefined;
  if (space.kind === 'cr3') return evalIn(session, space.expr);
  // Kernel threads have no address space of their own (rows without a CR3).
  const rows = session.processes().filter((p): p is ProcessRow & { cr3: bigint } => p.cr3 !== undefined && (p.name === space.name || (p.pid !== undefined && String(p.pid) === space.name)));
  if (rows.length === 0) throw new CommandError('bad-args', `no process ${quoted(space.name)} in the process table (see info processes)`);
  const cr3s = [...new Set(rows.map((r) => r.cr3))];
  if (cr3s.length > 1) throw new CommandError('bad-args', `process ${quoted(space.name)} is ambiguous: ${rows.map((r) => `pid ${r.pid ?? '?'} cr3 ${hex64(r.cr3)}`).join(', ')} (name it by pid or cr3)`);
  return cr3s[0];
}
