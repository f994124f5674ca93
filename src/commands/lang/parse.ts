/**
 * parseLine: one line of the command language → an Invocation (the command
 * and its parsed arguments), an empty line, or a ParseError. Pure: the
 * command table is data (names, aliases, per-command `parse`), so gdb
 * shorthands (`b`, `si`, `i r`, `x/8xg`) are entries, not code paths.
 *
 * Syntax (commands.md): `#` starts a comment (at the start of a word); blank
 * lines are ignored; a command is named by its full name, an alias, or a
 * unique prefix of each word of its name (`cont`, `info reg`, `set out`).
 * The first word may carry a `/` suffix (`x/8xg`).
 */
import type { ArgInput, Command } from './command.ts';
import { printable, quoted } from '../../core/printable.ts';
import { CommandError } from '../errors.ts';
import { parseCount } from './expr.ts';
import { didYouMean } from './suggest.ts';
import type { XFormat, XUnit } from './result.ts';

export interface Invocation {
  kind: 'invocation';
  command: Command;
  /** The command's canonical name (the JSON `cmd`). */
  name: string;
  args: unknown;
  /** The line without its comment, trimmed. */
  text: string;
}

export interface ParseError {
  kind: 'error';
  /** The first word as written (the JSON `cmd` of a failed parse). */
  word: string;
  error: CommandError;
}

export type Parsed = Invocation | ParseError | { kind: 'empty' };

/** Words of a line: the comment removed, split on blanks. */
export function splitWords(line: string): { words: string[]; text: string } {
  const m = /(^|\s)#/.exec(line);
  const text = (m ? line.slice(0, m.index) : line).trim();
  return { words: text === '' ? [] : text.split(/\s+/), text };
}

/** `i` is `info` (gdb), so `i b`, `i reg`, `i proc` all work. */
const WORD_ALIASES: Readonly<Record<string, string>> = { i: 'info' };

interface Match {
  command: Command;
  /** Words of the line the name took. */
  k: number;
  exact: boolean;
}

function matchSpelling(words: readonly string[], spelling: string, prefixOk: boolean): { k: number; exact: boolean } | undefined {
  const sw = spelling.split(' ');
  if (words.length < sw.length) return undefined;
  let exact = true;
  for (let j = 0; j < sw.length; j++) {
    const w = words[j].toLowerCase();
    if (w === sw[j]) continue;
    if (!prefixOk || w === '' || !sw[j].startsWith(w)) return undefined;
    exact = false;
  }
  return { k: sw.length, exact };
}

/** Resolve the command named by the first words; throws unknown-command / ambiguous. */
export function resolveCommand(words: readonly string[], commands: readonly Command[]): { command: Command; k: number } {
  const first = words[0].toLowerCase();
  const ws = WORD_ALIASES[first] !== undefined && !commands.some((c) => c.name === first) ? [WORD_ALIASES[first], ...words.slice(1)] : words;
  const matches: Match[] = [];
  for (const c of commands) {
    const spellings: [string, boolean][] = [[c.name, true], ...c.aliases.map((a): [string, boolean] => [a, false])];
    let best: { k: number; exact: boolean } | undefined;
    for (const [s, p] of spellings) {
      const m = matchSpelling(ws, s, p);
      if (m && (!best || m.k > best.k || (m.k === best.k && m.exact && !best.exact))) best = m;
    }
    if (best) matches.push({ command: c, ...best });
  }
  if (matches.length > 0) {
    const k = Math.max(...matches.map((m) => m.k));
    const longest = matches.filter((m) => m.k === k);
    const exact = longest.filter((m) => m.exact);
    const pick = exact.length > 0 ? exact : longest;
    if (pick.length === 1) return { command: pick[0].command, k };
    const names = pick.map((m) => m.command.name).sort();
    throw new CommandError('ambiguous', `ambiguous command ${quoted(ws.slice(0, k).join(' '))}: ${names.join(', ')}`);
  }
  // A group word (`info`, `set`) without a known second word.
  const group = commands.filter((c) => c.name.includes(' ') && c.name.split(' ')[0].startsWith(ws[0].toLowerCase()));
  if (group.length > 0) {
    const g = group[0].name.split(' ')[0];
    const subs = group.filter((c) => c.name.startsWith(`${g} `)).map((c) => c.name.slice(g.length + 1)).sort();
    if (ws.length < 2) throw new CommandError('bad-args', `'${g}' needs one of: ${subs.join(', ')}`);
    throw new CommandError('unknown-command', `unknown command ${quoted(`${g} ${ws[1]}`)}`, didYouMean(ws[1], subs));
  }
  const spellings = new Set<string>();
  for (const c of commands) {
    spellings.add(c.name.split(' ')[0]);
    for (const a of c.aliases) if (!a.includes(' ')) spellings.add(a);
  }
  throw new CommandError('unknown-command', `unknown command ${quoted(words[0])}`, didYouMean(words[0], spellings));
}

/** Parse one line against a command table. */
export function parseLine(line: string, commands: readonly Command[]): Parsed {
  const { words, text } = splitWords(line);
  if (words.length === 0) return { kind: 'empty' };
  const slash = words[0].indexOf('/');
  const head = slash > 0 ? words[0].slice(0, slash) : words[0];
  const suffix = slash > 0 ? words[0].slice(slash + 1) : '';
  const named = [head, ...words.slice(1)];
  try {
    const { command, k } = resolveCommand(named, commands);
    if (slash > 0 && !command.takesSuffix) throw new CommandError('bad-args', `'${command.name}' takes no '/' suffix`);
    // The raw text after the name's k words.
    let rest = text.slice(words[0].length);
    for (let j = 1; j < k; j++) rest = rest.trimStart().slice(words[j].length);
    const input: ArgInput = { words: words.slice(k), rest: rest.trim(), suffix };
    return { kind: 'invocation', command, name: command.name, args: command.parse(input), text };
  } catch (e) {
    if (e instanceof CommandError) return { kind: 'error', word: printable(head), error: e };
    throw e;
  }
}

// ---- argument grammar shared by several commands -------------------------

/** `x/NFU`: count, format letter, unit letter (any order after the count; each optional). */
export interface XSpec {
  count: number;
  format: XFormat;
  unit: XUnit;
}

/** Parse the `NFU` of `x/NFU`. Defaults: count 1, format x, unit g (c: b). */
export function parseXSuffix(suffix: string): XSpec {
  const m = /^([0-9]+|0x[0-9a-fA-F]+)?([a-z]*)$/.exec(suffix);
  if (!m) throw new CommandError('bad-args', `bad format ${quoted(`/${suffix}`)} (expected /NFU: N a count, F one of x d u c s i, U one of b h w g)`);
  const count = m[1] === undefined ? 1 : parseCount(m[1], 'count', 4096);
  if (count === 0) throw new CommandError('bad-args', 'count must be at least 1');
  let format: XFormat | undefined;
  let unit: XUnit | undefined;
  for (const ch of m[2]) {
    if ('xducsi'.includes(ch) && format === undefined) format = ch as XFormat;
    else if ('bhwg'.includes(ch) && unit === undefined) unit = ch as XUnit;
    else throw new CommandError('bad-args', `bad format letter ${quoted(ch)} in ${quoted(`/${suffix}`)} (F: x d u c s i; U: b h w g)`);
  }
  format ??= 'x';
  unit ??= format === 'c' ? 'b' : 'g';
  return { count, format, unit };
}

/** A breakpoint condition as written: the CR3 is an expression, evaluated when the command runs. */
export type ConditionArg = { kind: 'cr3'; expr: string } | { kind: 'process'; name: string };

/** `if cr3 == VALUE`, `if process NAME`, or the same without `if`; undefined for ''. */
export function parseCondition(text: string): ConditionArg | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  let m = /^(?:if\s+)?cr3\s*==?\s*(\S.*)$/i.exec(t);
  if (m) return { kind: 'cr3', expr: m[1].trim() };
  m = /^(?:if\s+)?process\s+(\S+)$/i.exec(t);
  if (m) return { kind: 'process', name: m[1] };
  throw new CommandError('bad-args', `bad condition ${quoted(t)} (expected: if cr3 == VALUE, or process NAME)`);
}

/** `break`/`hbreak`: LOC then an optional condition. */
export interface BreakArgs {
  loc: string;
  condition?: ConditionArg;
}

export function parseBreakArgs(input: ArgInput, usage: string): BreakArgs {
  if (input.words.length === 0) throw new CommandError('bad-args', `missing location (usage: ${usage})`);
  const loc = input.words[0];
  return { loc, condition: parseCondition(input.words.slice(1).join(' ')) };
}

/** `watch LOC [len 1|2|4|8] [write|access] [condition]`. */
export interface WatchArgs extends BreakArgs {
  len?: 1 | 2 | 4 | 8;
  access?: 'write' | 'access';
}

export function parseWatchArgs(input: ArgInput, usage: string): WatchArgs {
  if (input.words.length === 0) throw new CommandError('bad-args', `missing location (usage: ${usage})`);
  const out: WatchArgs = { loc: input.words[0] };
  let j = 1;
  const ws = input.words;
  for (;;) {
    const w = ws[j]?.toLowerCase();
    if (w === 'len') {
      const n = ws[j + 1];
      if (n === undefined || !['1', '2', '4', '8'].includes(n)) throw new CommandError('bad-args', `bad length ${quoted(n ?? '')} (len 1, 2, 4 or 8)`);
      out.len = Number(n) as 1 | 2 | 4 | 8;
      j += 2;
    } else if (w === 'write' || w === 'access') {
      out.access = w;
      j++;
    } else break;
  }
  out.condition = parseCondition(ws.slice(j).join(' '));
  return out;
}

/** No arguments allowed. */
export function noArgs(input: ArgInput, name: string): void {
  if (input.words.length > 0) throw new CommandError('bad-args', `'${name}' takes no arguments`);
}

/** An optional count (`stepi [N]`), at least 1. */
export function optionalCount(input: ArgInput, usage: string, dflt = 1): number {
  if (input.words.length > 1) throw new CommandError('bad-args', `too many arguments (usage: ${usage})`);
  if (input.words.length === 0) return dflt;
  const n = parseCount(input.words[0], 'count');
  if (n < 1) throw new CommandError('bad-args', 'count must be at least 1');
  return n;
}

/** One of a fixed set of words (prefixes accepted when unique). */
export function oneOf<T extends string>(word: string | undefined, choices: readonly T[], what: string): T {
  if (word === undefined) throw new CommandError('bad-args', `missing ${what} (${choices.join('|')})`);
  const w = word.toLowerCase();
  const exact = choices.find((c) => c === w);
  if (exact) return exact;
  const pre = choices.filter((c) => c.startsWith(w));
  if (pre.length === 1) return pre[0];
  throw new CommandError('bad-args', `bad ${what} ${quoted(word)} (expected ${choices.join('|')})`, didYouMean(w, choices));
}
