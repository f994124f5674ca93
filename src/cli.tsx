/**
 * vdbg's entry point (commands.md "Invocation"): parses the command line and
 * runs batch mode (src/commands/batch.ts) or the TUI (src/views).
 *
 * Batch mode when -x/-ex/--batch is given or stdin is not a TTY; the TUI when
 * stdin and stdout are TTYs and none is given, or with --tui (after running
 * the -x/-ex commands). Exit codes: 0 every command
 * succeeded, 1 one failed (or the backend could not be opened), 2 usage
 * errors (unknown option, missing script file, bad image), 130 a second
 * Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Chalk } from 'chalk';
import meow from 'meow';
import { runBatch, scriptLines, type BatchSource } from './commands/batch.ts';
import { preParse } from './commands/cli-args.ts';
import { isStartupUsageError, UsageError } from './commands/errors.ts';
import { Session } from './commands/session/index.ts';

const HELP = `
  Usage
    $ vdbg [IMAGE] [options]

  IMAGE                 guest ELF image, or the name of a bundled guest (vmos, tiny); default: vmos

  Options
    -x, --command FILE    run the commands in FILE, then exit (batch mode)
    -ex, --eval CMD       run CMD (repeatable, in order), then exit (batch mode)
    --batch               batch mode: read commands from standard input
    --tui, --interactive  run the -x/-ex commands first, then open the TUI (as gdb does)
    --backend emu|kvm     hypervisor backend (default emu)
    --json                batch output as JSON lines (one object per command)
    --keep-going          in batch mode, go on after a failed command
    --console FILE        in batch mode, write the guest console to FILE
    --no-color            plain output (also honoured: NO_COLOR env var)
    --version, --help

  Exit status: 0 every command succeeded, 1 a command failed, 2 usage error.
`;

function usage(message: string): never {
  process.stderr.write(`vdbg: ${message}\n`);
  process.exit(2);
}

let pre;
try {
  pre = preParse(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) usage(e.message);
  throw e;
}

const cli = meow(HELP, {
  importMeta: import.meta,
  argv: pre.rest,
  flags: {
    batch: { type: 'boolean', default: false },
    tui: { type: 'boolean', default: false },
    interactive: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'emu' },
    json: { type: 'boolean', default: false },
    keepGoing: { type: 'boolean', default: false },
    console: { type: 'string' },
    color: { type: 'boolean', default: true },
  },
});

const { flags } = cli;
if (flags.backend !== 'emu' && flags.backend !== 'kvm') usage(`unknown backend '${flags.backend}' (emu or kvm)`);
if (cli.input.length > 1) usage(`one IMAGE at most, got ${cli.input.map((s) => `'${s}'`).join(' ')}`);
const backend: 'emu' | 'kvm' = flags.backend;
const image = cli.input[0] ?? 'vmos';
const noColorEnv = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
// --tui: the -x/-ex commands set the session up, then the TUI opens (gdb runs -ex before its prompt).
const thenTui = flags.tui || flags.interactive;
if (thenTui && flags.batch) usage('--tui and --batch exclude each other');
if (thenTui && !interactive) usage('--tui needs a terminal on stdin and stdout');
const batch = !thenTui && (pre.actions.length > 0 || flags.batch || process.stdin.isTTY !== true || process.stdout.isTTY !== true);

// Script files are read before anything starts: a missing one is a usage error.
const sources: BatchSource[] = [];
let evals = 0;
for (const a of pre.actions) {
  if (a.kind === 'file') {
    let text: string;
    try {
      text = readFileSync(a.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      usage(`${a.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
    }
    sources.push({ name: a.file, lines: scriptLines(text) });
  } else sources.push({ name: '-ex', lines: [a.command], firstLine: ++evals });
}

let session: Session;
try {
  session = await Session.open({ backend, image });
} catch (e) {
  const msg = (e as Error).message.split('\n')[0];
  if (isStartupUsageError(e)) usage(msg);
  process.stderr.write(`vdbg: cannot open the ${backend} backend: ${msg}\n`);
  process.exit(1);
}

if (!batch && interactive) {
  if (thenTui && sources.length > 0) {
    const red = new Chalk({ level: flags.color && !noColorEnv ? 1 : 0 }).red;
    await runBatch({ session, sources, json: flags.json, keepGoing: flags.keepGoing, consoleFile: flags.console, colorError: (t) => red(t) });
  }
  process.exitCode = await tui(session, flags.color && !noColorEnv);
} else {
  const color = flags.color && !noColorEnv && process.stdout.isTTY === true;
  const red = new Chalk({ level: color ? 1 : 0 }).red;
  if (pre.actions.length === 0 || flags.batch) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    sources.push({ name: '<stdin>', lines: rl });
  }
  // Ctrl-C: the first interrupts the running command (its stop is printed), a second exits.
  let sigints = 0;
  // Between commands (nothing to interrupt) Ctrl-C exits at once.
  process.on('SIGINT', () => {
    if (session.state === 'running' && ++sigints === 1) session.interrupt();
    else {
      process.stderr.write('vdbg: interrupted; exiting\n');
      process.exit(130);
    }
  });
  const res = await runBatch({
    session,
    sources,
    json: flags.json,
    keepGoing: flags.keepGoing,
    consoleFile: flags.console,
    colorError: (t) => red(t),
  });
  await session.close();
  // stdin may still be open (quit before its end): exit rather than wait for it.
  process.exit(res.exitCode);
}

/** The TUI (src/views), loaded only when it is used (batch mode does not pay for Ink and React). */
async function tui(s: Session, color: boolean): Promise<number> {
  // React's production build (bin/vdbg.js sets it too; this covers `npm start`): must precede the first import of react.
  process.env.NODE_ENV ??= 'production';
  const { runTui } = await import('./views/index.tsx');
  try {
    return await runTui({ session: s, color });
  } finally {
    await s.close();
  }
}
