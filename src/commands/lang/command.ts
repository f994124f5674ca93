/**
 * A command is data (style.md §5, gemini-cli's SlashCommand): a name,
 * aliases, a one-line summary, a usage line, a pure argument parser, an
 * optional completer, and `run`, which works only through the SessionApi
 * and returns a Result. One file per command under ./commands.
 */
import type { SessionApi, Stop } from '../session/types.ts';
import type { Outcome, Result } from './result.ts';

/** What a command's `parse` gets: the words after the command name and the raw text they came from. */
export interface ArgInput {
  /** Words after the name (split on blanks, comment removed). */
  readonly words: readonly string[];
  /** The text after the name, trimmed (for `print`, `echo`). */
  readonly rest: string;
  /** A `/…` suffix glued to the name (`x/8xg`), without the slash; '' when absent. */
  readonly suffix: string;
}

/** What `run` gets besides the session: the command table (for `help`), and the registry's line runner and stop hooks. */
export interface RunEnv {
  readonly commands: readonly Command[];
  /** Run one more line (source, user-defined commands, breakpoint commands). */
  readonly run?: (line: string) => Promise<Outcome | null>;
  /** What happens at a stop (conditions, ignore counts, temporary breakpoints, displays, commands); `resume` runs the command again. */
  readonly afterStop?: (stop: Stop, resume: () => Promise<Stop>) => Promise<Result>;
}

export interface Command<A = unknown> {
  /** Canonical name; may be two words (`info registers`, `set output`). */
  readonly name: string;
  /** Other spellings accepted exactly (`si`, `i r`, `regs`); unique prefixes of `name` are accepted too. */
  readonly aliases: readonly string[];
  readonly summary: string;
  /** Usage line as commands.md writes it. */
  readonly usage: string;
  /** Whether the command takes a `/…` suffix (`x/8xg`). */
  readonly takesSuffix?: boolean;
  /** Turn the words into arguments, or throw CommandError('bad-args' …). Pure. */
  parse(input: ArgInput): A;
  /** What can follow (index of the word being completed, the words before it). */
  complete?(wordIndex: number, words: readonly string[], session: SessionApi | null): string[];
  run(session: SessionApi, args: A, env: RunEnv): Promise<Result> | Result;
}

/** Define a command with typed arguments; the registry holds them as Command<unknown>. */
export function defineCommand<A>(c: Command<A>): Command {
  return c as unknown as Command;
}
