/**
 * Tab completion for the TUI's command line: what can replace the word
 * under the cursor — command names (first word), subcommand words (`info
 * re` → `registers`), registers (`$r` → `$rax` …, only those this vCPU has),
 * and otherwise what the command offers (symbols for locations, keywords).
 * Pure: the session is only read (symbols, register names) and may be null.
 */
import type { SessionApi } from '../session/types.ts';
import type { Command } from './command.ts';
import { REGISTER_NAMES } from './expr.ts';
import { resolveCommand } from './parse.ts';

export { symbolNames } from './helpers.ts';

export interface Completion {
  /** Index in the line where the replaced word starts. */
  start: number;
  /** Sorted, without duplicates. */
  candidates: string[];
}

function registerNames(session: SessionApi | null): string[] {
  if (session === null) return [...REGISTER_NAMES];
  try {
    const regs = session.registers();
    return REGISTER_NAMES.filter((n) => n in regs);
  } catch {
    return [...REGISTER_NAMES];
  }
}

const uniqSorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

export function complete(line: string, cursor: number, session: SessionApi | null, commands: readonly Command[]): Completion {
  const before = line.slice(0, cursor);
  const m = /(\S*)$/.exec(before)!;
  const word = m[1];
  const start = cursor - word.length;
  const words = before.slice(0, start).trim() === '' ? [] : before.slice(0, start).trim().split(/\s+/);
  const pick = (xs: Iterable<string>, prefix = word) => uniqSorted([...xs].filter((x) => x.startsWith(prefix)));

  if (words.length === 0) {
    const first: string[] = [];
    for (const c of commands) {
      first.push(c.name.split(' ')[0]);
      for (const a of c.aliases) if (!a.includes(' ')) first.push(a);
    }
    return { start, candidates: pick(first) };
  }
  if (word.startsWith('$')) return { start, candidates: pick(registerNames(session).map((r) => `$${r}`)) };

  // A group's second word: `info re`, `set out`, `i b`.
  const g = words[0] === 'i' ? 'info' : words[0];
  if (words.length === 1) {
    const subs = commands.filter((c) => c.name.startsWith(`${g} `)).map((c) => c.name.split(' ')[1]);
    if (subs.length > 0) return { start, candidates: pick(subs) };
  }
  let command: Command, k: number;
  try {
    ({ command, k } = resolveCommand([words[0].split('/')[0], ...words.slice(1), word], commands));
  } catch {
    return { start, candidates: [] };
  }
  const argIndex = words.length - k;
  if (argIndex < 0 || command.complete === undefined) return { start, candidates: [] };
  return { start, candidates: pick(command.complete(argIndex, words.slice(k), session)) };
}
