/**
 * The errors of src/commands, one hierarchy (style.md, src/commands §5):
 * `CommandError` carries a code scripts and tests can match, a one-line
 * message, an optional hint ("did you mean 'stepi'?") and, when the
 * hypervisor or the loader refused something, that error as its `cause`
 * (a KvmError, an ImageError). Whoever throws one has changed nothing.
 *
 * The subclasses say where it came from: the command line (UsageError),
 * the session (SessionError), a page walk (PageWalkError), the breakpoint
 * table (BreakpointError). What the user sees is decided by class and code
 * (asCommandError, unreadableError, isStartupUsageError), never by the text.
 */

/** Codes a script sees (the JSON `"code"`, docs/commands.md). */
export type CommandErrorCode =
  | 'unknown-command' // no command of that name (hint: the nearest one)
  | 'ambiguous' // a prefix matching several commands
  | 'bad-args' // wrong arguments / syntax
  | 'bad-number' // a malformed number
  | 'no-such-reg' // unknown register, or one this vCPU lacks (R16–R31 without APX)
  | 'no-symbol' // unknown symbol (hint: the nearest one)
  | 'not-running' // the guest has exited / shut down / is running, or nothing is loaded
  | 'unreadable' // guest memory that does not translate (the page walk's failure)
  | 'no-slot' // all four hardware debug registers are in use
  | 'no-such-bp' // no breakpoint with that number
  | 'no-file' // a missing image or script file
  | 'failed'; // the session or the hypervisor refused (cause: the KvmError)

/**
 * Codes of the session's own that no script sees: where such an error
 * reaches the user it takes the code of the command that failed.
 */
export type SessionOnlyCode =
  | 'unsupported' // this backend or host cannot do it (a missing capability, kvm_pvm)
  | 'bad-image'; // an image the loader refuses (cause: the ImageError)

const SESSION_ONLY: ReadonlySet<string> = new Set<SessionOnlyCode>(['unsupported', 'bad-image']);

export class CommandError<C extends CommandErrorCode | SessionOnlyCode = CommandErrorCode> extends Error {
  override readonly name: string = 'CommandError';

  constructor(
    readonly code: C,
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

/** A bad command line (an unknown option, one without its value): vdbg exits with status 2. */
export class UsageError extends CommandError<'bad-args'> {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super('bad-args', message);
  }
}

export type SessionErrorCode = 'bad-args' | 'no-such-reg' | 'not-running' | 'unreadable' | 'no-file' | SessionOnlyCode;

/** A session-level failure: bad input, or a command the state or the backend does not allow. */
export class SessionError extends CommandError<SessionErrorCode> {
  override readonly name = 'SessionError';

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

/** A linear address the page walk could not translate; `reason` says where it stopped ("PDE[0] not present"). */
export class PageWalkError extends CommandError<'unreadable'> {
  override readonly name = 'PageWalkError';

  constructor(
    readonly addr: bigint,
    readonly reason: string,
  ) {
    super('unreadable', `0x${addr.toString(16)} not mapped: ${reason}`);
  }
}

/** The breakpoint table refused: no such number, no free slot, or a bad watch. */
export class BreakpointError extends CommandError<'no-such-bp' | 'no-slot' | 'bad-args'> {
  override readonly name = 'BreakpointError';
}

/**
 * Whatever a command's call into the session threw, as the CommandError the
 * user sees: one with a script's code passes through; the session's own
 * codes and anything else (a KvmError) become `fallback`, the failure's
 * first line kept and the original as the cause.
 */
export function asCommandError(e: unknown, fallback: CommandErrorCode = 'failed'): CommandError {
  if (e instanceof CommandError && !SESSION_ONLY.has(e.code)) return e as CommandError;
  const message = e instanceof Error ? e.message : String(e);
  return new CommandError(fallback, message.split('\n')[0], undefined, { cause: e });
}

/** 'unreadable' for a failed guest read at `addr`: the session's unreadable errors keep their words, anything else says the address first. */
export function unreadableError(addr: bigint, e: unknown): CommandError {
  if (e instanceof SessionError && e.code === 'unreadable') return new CommandError('unreadable', e.message, undefined, { cause: e });
  const why = e instanceof Error ? e.message : String(e);
  return new CommandError('unreadable', `cannot read 0x${addr.toString(16).padStart(16, '0')}: ${why}`, undefined, { cause: e });
}

/** Whether an error from starting vdbg (the command line, opening the image) is the user's to fix: exit status 2, else 1. */
export function isStartupUsageError(e: unknown): boolean {
  return e instanceof UsageError || (e instanceof SessionError && (e.code === 'bad-image' || e.code === 'no-file'));
}
