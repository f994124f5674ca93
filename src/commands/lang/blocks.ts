/**
 * Multi-line blocks and user-defined commands (gdb's `commands N … end`,
 * `define NAME … end`): while a block is being recorded, each line goes
 * into it (blocks nest: an inner `commands`/`define`/`while`/`if` needs its
 * own `end`); a user-defined command runs its lines with `$arg0`…`$argN`
 * and `$argc` replaced by its arguments.
 */
import { CommandError } from '../errors.ts';
import { splitWords } from './parse.ts';
import type { Outcome, Result } from './result.ts';
import { failed } from './result.ts';
import type { LangState } from './state.ts';

const OPENS = /^(commands|define|while|if|document)\b/;

/** Take one line into the block being recorded; the outcome when `end` closes it, else null. */
export function recordLine(st: LangState, line: string): Outcome | null {
  const rec = st.recording!;
  const t = splitWords(line).text;
  if (t === 'end') {
    const open = rec.lines.filter((l) => OPENS.test(l)).length - rec.lines.filter((l) => l === 'end').length;
    if (open <= 0) {
      st.recording = null;
      if (rec.kind === 'commands') {
        for (const n of rec.bps) st.bpCommands.set(n, rec.lines);
        return { cmd: 'commands', result: { kind: 'none' } };
      }
      st.defines.set(rec.name, rec.lines);
      return { cmd: 'define', result: { kind: 'none' } };
    }
  }
  if (t !== '') rec.lines.push(t);
  return null;
}

/** User-defined commands calling each other this deep are refused (a recursive definition). */
export const MAX_USER_DEPTH = 64;

/** `$argc`, `$arg0`…: a user command's body line with its arguments in place. */
export function substituteArgs(line: string, args: readonly string[]): string {
  return line.replace(/\$argc\b/g, String(args.length)).replace(/\$arg([0-9]+)\b/g, (m, k: string) => {
    const a = args[Number(k)];
    if (a === undefined) throw new CommandError('bad-args', `missing argument ${k} in user command`);
    return a;
  });
}

/** Run lines one by one until one fails: the sequence result. */
export async function runLines(lines: readonly string[], run: (line: string) => Promise<Outcome | null>, where?: (k: number) => string): Promise<Result> {
  const outcomes: Outcome[] = [];
  for (let k = 0; k < lines.length; k++) {
    const o = await run(lines[k]);
    if (o === null) continue;
    if (o.result.kind === 'error' && where) {
      const e = o.result.error;
      outcomes.push({ cmd: o.cmd, result: { kind: 'error', error: new CommandError(e.code as 'bad-args', `${where(k)}: ${e.message}`, e.hint, { cause: e }) } });
    } else outcomes.push(o);
    if (failed(o.result)) return { kind: 'sequence', outcomes, failed: true };
  }
  return { kind: 'sequence', outcomes, failed: false };
}
