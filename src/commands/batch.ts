/**
 * Batch mode (commands.md "Invocation", "Guest console in batch mode"):
 * lines from -x files, -ex strings or stdin, run one after the other against
 * one session; each command's result printed as text or as one JSON line.
 *
 * - Errors name where the line came from: `script.vdbg:12: unknown command
 *   'stpi' (did you mean 'stepi'?)` (JSON: `"line":12`). The first failure
 *   stops the run (exit 1) unless keepGoing; `quit` stops it too.
 * - The guest console is line-buffered: every complete line is written as
 *   soon as it is produced (so it lands between the outputs of the commands
 *   that ran it, in order) and a partial line waits for its newline (flushed
 *   at the end of the run). Text: the line itself; JSON: `{"console":"…\n"}`;
 *   or everything to `consoleFile`, unbuffered.
 * - `set output text|json` switches the format for the lines after it (its
 *   own acknowledgement is already in the new format).
 * - Nothing here reads a clock: on emu the output depends only on the image
 *   and the script.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { fileProblem } from '../core/file-problem.ts';
import { printable } from '../core/printable.ts';
import { CommandError } from './errors.ts';
import type { SessionApi } from './session/types.ts';
import { formatJson, formatText } from './lang/format.ts';
import { runLine } from './lang/registry.ts';
import { failed } from './lang/result.ts';

/** Where lines come from: a name for error messages (`script.vdbg`, `-ex`, `<stdin>`) and the lines. */
export interface BatchSource {
  name: string;
  lines: Iterable<string> | AsyncIterable<string>;
  /** Number the lines of this source from `firstLine` (default 1); -ex strings are numbered across the flags. */
  firstLine?: number;
}

export interface BatchOptions {
  session: SessionApi;
  sources: readonly BatchSource[];
  /** Start in JSON output (--json). */
  json?: boolean;
  /** Go on after a failed command (--keep-going). */
  keepGoing?: boolean;
  /** Where output goes (default: process.stdout). Called with whole lines, '\n' included. */
  write?: (text: string) => void;
  /** --console FILE: the guest console goes to this file (a path, or one already open for writing) as produced, instead of the transcript. */
  consoleFile?: ConsoleFile;
  /** Errors in text mode are coloured by this (default: none). */
  colorError?: (text: string) => string;
  /** Called as each command starts (the CLI gives each its own Ctrl-C). */
  onCommand?: () => void;
}

export interface BatchResult {
  /** 0: every command succeeded; 1: one failed. */
  exitCode: 0 | 1;
  /** Commands run (blank and comment lines excluded). */
  commands: number;
  failures: number;
  /** The run ended at `quit`. */
  quit: boolean;
}

/** A --console file: its path, or a descriptor the caller opened and the name to report it by. */
export type ConsoleFile = string | { fd: number; name: string };

/** The guest console, as batch mode shows it (see the file comment). */
export class ConsoleSink {
  private pending = '';
  private fd: number | null = null;
  private fileName = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly json: () => boolean,
    file?: ConsoleFile,
  ) {
    if (file === undefined) return;
    this.fd = typeof file === 'string' ? openSync(file, 'w') : file.fd;
    this.fileName = typeof file === 'string' ? file : file.name;
  }

  /**
   * Text as the session delivers it (one character at a time on emu). A
   * failed write to the file (a full disk) fails the running command, in
   * vdbg's words naming the file.
   */
  add(text: string): void {
    if (this.fd !== null) {
      try {
        writeSync(this.fd, text);
      } catch (e) {
        throw new CommandError('failed', `--console ${printable(this.fileName)}: ${fileProblem(e)}`, undefined, { cause: e });
      }
      return;
    }
    this.pending += text;
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.emit(this.pending.slice(0, nl + 1));
      this.pending = this.pending.slice(nl + 1);
    }
  }

  /** Writes a partial last line (with a newline in text mode) and closes the file. */
  close(): void {
    if (this.pending !== '') {
      const p = this.pending;
      this.pending = '';
      this.emit(this.json() ? p : `${p}\n`);
    }
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private emit(line: string): void {
    this.write(this.json() ? `${JSON.stringify({ console: line })}\n` : line);
  }
}

/** Runs every line of `sources` in order; never throws for a bad line (that is a failure, counted). */
export async function runBatch(opts: BatchOptions): Promise<BatchResult> {
  const write = opts.write ?? ((t: string) => void process.stdout.write(t));
  const colorError = opts.colorError ?? ((t: string) => t);
  let json = opts.json ?? false;
  const sink = new ConsoleSink(write, () => json, opts.consoleFile);
  const { session } = opts;
  const previous = session.onConsole;
  session.onConsole = (t) => sink.add(t);
  const res: BatchResult = { exitCode: 0, commands: 0, failures: 0, quit: false };
  try {
    outer: for (const src of opts.sources) {
      let lineNo = (src.firstLine ?? 1) - 1;
      for await (const raw of src.lines) {
        lineNo++;
        opts.onCommand?.();
        const out = await runLine(session, raw);
        if (out === null) continue;
        res.commands++;
        const r = out.result;
        if (r.kind === 'output') json = r.format === 'json';
        if (json) write(`${formatJson(out.cmd, r, lineNo)}\n`);
        else if (r.kind === 'error') write(`${colorError(`${src.name}:${lineNo}: ${r.error.line}`)}\n`);
        else {
          const text = formatText(r);
          if (text !== '') write(`${text}\n`);
        }
        if (failed(r)) {
          res.failures++;
          res.exitCode = 1;
          if (!opts.keepGoing) break outer;
        }
        if (r.kind === 'quit') {
          res.quit = true;
          break outer;
        }
      }
    }
  } finally {
    sink.close();
    session.onConsole = previous;
  }
  return res;
}

export { scriptLines } from './script-lines.ts';
