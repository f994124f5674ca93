/**
 * The one error type of the command language (style.md, src/commands §5):
 * a code scripts and tests can match, a one-line message, an optional hint
 * ("did you mean 'stepi'?") and, when the hypervisor refused something, the
 * KvmError as its cause. A command that throws it has changed nothing.
 */
export type CommandErrorCode =
  | 'unknown-command' // no command of that name (hint: the nearest one)
  | 'ambiguous' // a prefix matching several commands
  | 'bad-args' // wrong arguments / syntax
  | 'bad-number' // a malformed number
  | 'no-such-reg' // unknown register, or one this vCPU lacks (R16–R31 without APX)
  | 'no-symbol' // unknown symbol (hint: the nearest one)
  | 'not-running' // the guest has exited / shut down, or nothing is loaded
  | 'unreadable' // guest memory that does not translate (the page walk's failure)
  | 'no-slot' // all four hardware debug registers are in use
  | 'no-such-bp' // no breakpoint with that number
  | 'no-file' // a missing image or script file
  | 'failed'; // the session or the hypervisor refused (cause: the KvmError)

export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    readonly code: CommandErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The one-line text form: `message (hint)`. */
  get line(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** Codes of the session's errors (SessionError, Node's ENOENT) → ours. */
const SESSION_CODES: Readonly<Record<string, CommandErrorCode>> = {
  'bad-args': 'bad-args',
  'no-such-reg': 'no-such-reg',
  'not-running': 'not-running',
  running: 'not-running',
  memory: 'unreadable',
  io: 'no-file',
  ENOENT: 'no-file',
};

/** 'unreadable' for a failed guest read at `addr`, keeping the page walk's words (and the error as cause). */
export function unreadableError(addr: bigint, e: unknown): CommandError {
  const why = e instanceof Error ? e.message : String(e);
  const msg = why.startsWith('cannot read') ? why : `cannot read 0x${addr.toString(16).padStart(16, '0')}: ${why}`;
  return new CommandError('unreadable', msg, undefined, { cause: e });
}

/**
 * Wrap whatever a session call threw as a CommandError: CommandErrors pass
 * through, errors whose message names the failure keep it, anything else
 * (a KvmError) becomes `code` with the original as its cause.
 */
export function asCommandError(e: unknown, code: CommandErrorCode = 'failed'): CommandError {
  if (e instanceof CommandError) return e;
  const c = (e as { code?: unknown } | null)?.code;
  if (typeof c === 'string') code = SESSION_CODES[c] ?? code;
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && e.name === 'ImageError' && /no such file|ENOENT/i.test(msg)) code = 'no-file';
  return new CommandError(code, msg.split('\n')[0], undefined, { cause: e });
}
