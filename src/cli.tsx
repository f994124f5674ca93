/**
 * vdbg's entry point (commands.md "Invocation"): parses the command line and
 * runs batch mode (src/commands/batch.ts) or the TUI (src/views).
 *
 * Batch mode when -x/-ex/--batch is given or stdin is not a TTY; the TUI when
 * stdin and stdout are TTYs and none is given, or with --tui (after running
 * the -x/-ex commands). Exit codes: 0 every command
 * succeeded, 1 one failed (or the backend could not be opened), 2 usage
 * errors (unknown option, missing script file, bad image), 130 Ctrl-C
 * twice in one command or between commands, 141 stdout's reader went away
 * (src/commands/stdio.ts), 143/129 SIGTERM/SIGHUP (src/commands/signals.ts;
 * in the TUI a SIGINT from outside too, 130).
 */
import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Chalk } from 'chalk';
import meow from 'meow';
import { ConsoleSink, runBatch, scriptLines, type BatchSource } from './commands/batch.ts';
import { preParse } from './commands/cli-args.ts';
import { isStartupUsageError, UsageError } from './commands/errors.ts';
import type { GdbServer } from './commands/gdb/server.ts';
import { serverOf } from './commands/gdb/servers.ts';
import { parseMemSize } from './commands/mem-size.ts';
import { readScriptFile } from './commands/script-file.ts';
import { bundledLinuxOptions, Session } from './commands/session/index.ts';
import type { LinuxOptions } from './commands/session/image.ts';
import { BatchInterrupts, exitOnSignals } from './commands/signals.ts';
import { flushed, quietOnClosedPipe } from './commands/stdio.ts';
import { fileProblem } from './core/file-problem.ts';
import { BUNDLED_LINUX_MEM } from './core/vmm/bundled-linux.ts';
import { printable, quoted } from './core/printable.ts';

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
    --guest vmos|linux|tiny  a bundled guest (default vmos); linux boots guests/linux
                          (Linux 6.1 + busybox to a shell on the serial console)
    --kernel FILE         boot a Linux kernel (bzImage or vmlinux) by the 64-bit boot protocol
                          instead of IMAGE
    --initrd FILE         with --kernel: the initrd/initramfs, placed at the top of RAM
    --append CMDLINE      with --kernel: the kernel command line (e.g. "console=ttyS0");
                          with --guest linux: options added to its own
    --system-map FILE     with --kernel: its System.map (default KERNEL.map or System.map
                          beside the kernel), for symbols and Linux awareness
    --os-offsets FILE     with --kernel: its task_struct offsets for the process table
                          (default KERNEL.offsets.json or linux-offsets.json beside it)
    --mem SIZE            guest RAM, e.g. 256M, 1G (default 64M for an ELF image,
                          256M for --kernel, 128M for --guest linux)
    --gdb [HOST:]PORT     serve gdb's remote protocol (host 127.0.0.1 unless given; docs/gdb.md):
                          with the TUI, alongside it; in batch mode, after the script, until gdb
                          detaches or kills
    --no-color            plain output (also honoured: NO_COLOR env var)
    --jit, --no-jit       emu: compile hot guest code to JavaScript, or not (default on; also
                          VDBG_JIT=on|off|force; docs/emu.md "JIT")
    --version, --help

  Exit status: 0 every command succeeded, 1 a command failed, 2 usage error,
  130 Ctrl-C with nothing left to interrupt, 141 stdout closed (| head),
  143/129 SIGTERM/SIGHUP.
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
    gdb: { type: 'string' },
    guest: { type: 'string' },
    kernel: { type: 'string' },
    initrd: { type: 'string' },
    append: { type: 'string' },
    systemMap: { type: 'string' },
    osOffsets: { type: 'string' },
    mem: { type: 'string' },
    color: { type: 'boolean', default: true },
    jit: { type: 'boolean' },
  },
});

const { flags } = cli;
// The emulated CPU reads VDBG_JIT when it is created (src/emu/jit/options.ts).
// Only an explicit --jit/--no-jit overrides the environment (meow gives an absent boolean as false).
const argv = process.argv.slice(2);
if (argv.includes('--no-jit') || argv.includes('--jit=false')) process.env.VDBG_JIT = 'off';
else if ((argv.includes('--jit') || argv.includes('--jit=true')) && process.env.VDBG_JIT !== 'force') process.env.VDBG_JIT = 'on';
if (flags.backend !== 'emu' && flags.backend !== 'kvm') usage(`unknown backend ${quoted(flags.backend)} (emu or kvm)`);
if (cli.input.length > 1) usage(`one IMAGE at most, got ${cli.input.map((s) => quoted(s)).join(' ')}`);
const backend: 'emu' | 'kvm' = flags.backend;
/** The gdb server (docs/gdb.md), loaded only with --gdb (or by the gdbserver command): without it vdbg does not load node:net. */
const gdbServer = () => import('./commands/gdb/server.ts');
let gdbAddress: { host: string; port: number } | undefined;
if (flags.gdb !== undefined) {
  try {
    gdbAddress = (await gdbServer()).parseListenAddress(flags.gdb);
  } catch (e) {
    usage(`--gdb: ${(e as Error).message}`);
  }
}
const GUESTS = ['vmos', 'linux', 'tiny'];
if (flags.guest !== undefined && !GUESTS.includes(flags.guest)) usage(`unknown guest ${quoted(flags.guest)} (${GUESTS.join(', ')})`);
if (flags.guest !== undefined && (cli.input.length > 0 || flags.kernel !== undefined)) {
  usage(`--guest ${flags.guest} names the image; got ${flags.kernel !== undefined ? '--kernel' : `IMAGE ${quoted(cli.input[0])}`} too`);
}
const bundledLinux = flags.guest === 'linux';
const image = flags.guest ?? cli.input[0] ?? 'vmos';
if (flags.kernel !== undefined && cli.input.length > 0) usage(`--kernel boots a Linux kernel instead of IMAGE; got both (${quoted(cli.input[0])})`);
if (flags.kernel === undefined && flags.initrd !== undefined) usage(`--initrd needs --kernel${bundledLinux ? ' (--guest linux has its own)' : ''}`);
if (flags.kernel === undefined && !bundledLinux && flags.append !== undefined) usage('--append needs --kernel or --guest linux');
if (flags.kernel === undefined && flags.systemMap !== undefined) usage('--system-map needs --kernel');
if (flags.kernel === undefined && flags.osOffsets !== undefined) usage('--os-offsets needs --kernel');
let memSize: number | undefined;
try {
  memSize = flags.mem === undefined ? (bundledLinux ? BUNDLED_LINUX_MEM : undefined) : parseMemSize(flags.mem);
} catch (e) {
  usage((e as Error).message);
}
let linux: LinuxOptions | undefined;
try {
  linux = bundledLinux ? bundledLinuxOptions(flags.append) : flags.kernel === undefined ? undefined : { kernel: flags.kernel, initrd: flags.initrd, append: flags.append, systemMap: flags.systemMap, osOffsets: flags.osOffsets };
} catch (e) {
  usage((e as Error).message);
}
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
    const script = readScriptFile(a.file);
    if ('problem' in script) usage(`${printable(a.file)}: ${script.problem}`);
    sources.push({ name: printable(a.file), lines: scriptLines(script.text) });
  } else sources.push({ name: '-ex', lines: [a.command], firstLine: ++evals });
}

// --console FILE is opened (created) before anything runs: a bad path is a usage error, not a stack trace later.
let consoleFd: number | undefined;
if (batch && flags.console !== undefined) {
  try {
    consoleFd = openSync(flags.console, 'w');
  } catch (e) {
    usage(`--console ${printable(flags.console)}: ${fileProblem(e, true)}`);
  }
}

let session: Session;
try {
  session = await Session.open({ backend, image, linux, memSize });
} catch (e) {
  const msg = (e as Error).message.split('\n')[0];
  if (isStartupUsageError(e)) usage(msg);
  process.stderr.write(`vdbg: cannot open the ${backend} backend: ${msg}\n`);
  process.exit(1);
}

/** Starts the --gdb server; a port in use (or any listen failure) ends vdbg with status 1. */
async function startGdb(log: ((line: string) => void) | undefined): Promise<GdbServer | undefined> {
  if (gdbAddress === undefined) return undefined;
  try {
    return await (await gdbServer()).GdbServer.start(session, { ...gdbAddress, log, trace: process.env.VDBG_GDB_TRACE ? log : undefined });
  } catch (e) {
    process.stderr.write(`vdbg: --gdb ${flags.gdb}: ${(e as Error).message}\n`);
    await session.close();
    process.exit(1);
  }
}
const stderrLog = (line: string) => void process.stderr.write(`vdbg: ${line}\n`);

// SIGTERM/SIGHUP: one line and 128 + N, in both modes (the TUI gives the screen back first).
if (!batch && interactive) {
  // The TUI's Ctrl-C is a key (raw mode): a SIGINT is a kill -INT from outside, an end like SIGTERM.
  exitOnSignals(['SIGTERM', 'SIGHUP', 'SIGINT']);
  // --tui: the -x/-ex commands first (their output on the terminal), then the TUI, as gdb does.
  if (thenTui && sources.length > 0) {
    const red = new Chalk({ level: flags.color && !noColorEnv ? 1 : 0 }).red;
    await runBatch({ session, sources, json: flags.json, keepGoing: flags.keepGoing, colorError: (t) => red(t) });
  }
  const server = await startGdb(undefined);
  if (server !== undefined) process.stderr.write(`vdbg: gdb server listening on ${server.address}\n`);
  process.exitCode = await tui(session, flags.color && !noColorEnv);
} else {
  exitOnSignals(['SIGTERM', 'SIGHUP']);
  quietOnClosedPipe();
  const color = flags.color && !noColorEnv && process.stdout.isTTY === true;
  const red = new Chalk({ level: color ? 1 : 0 }).red;
  if (pre.actions.length === 0 || flags.batch) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    sources.push({ name: '<stdin>', lines: rl });
  }
  // Ctrl-C interrupts the running command, each its own (src/commands/signals.ts).
  const interrupts = new BatchInterrupts(session, (code, line) => {
    process.stderr.write(`vdbg: ${line}\n`);
    process.exit(code);
  });
  process.on('SIGINT', () => interrupts.sigint());
  const res = await runBatch({
    onCommand: () => interrupts.commandStarted(),
    session,
    sources,
    json: flags.json,
    keepGoing: flags.keepGoing,
    consoleFile: consoleFd === undefined ? undefined : { fd: consoleFd, name: flags.console! },
    colorError: (t) => red(t),
  });
  // The script ran: serve gdb (--gdb, or a `gdbserver` command in the script) until it detaches or kills.
  if (res.exitCode === 0 && !res.quit) {
    const server = (await startGdb(stderrLog)) ?? serverOf(session);
    if (server !== undefined) {
      // runBatch closed the --console file: go on appending to it.
      const consoleFile = flags.console === undefined ? undefined : { fd: openSync(flags.console, 'a'), name: flags.console };
      const sink = new ConsoleSink((t) => void process.stdout.write(t), () => flags.json, consoleFile);
      session.onConsole = (t) => sink.add(t);
      await server.nextEnd();
      await server.close();
      sink.close();
    }
  }
  await serverOf(session)?.close();
  await session.close();
  // stdin may still be open (quit before its end): exit rather than wait for it, once the output is out.
  await flushed(process.stdout);
  await flushed(process.stderr);
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
    await serverOf(s)?.close();
    await s.close();
  }
}
