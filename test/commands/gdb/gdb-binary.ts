/**
 * The real gdb for the tests that drive vdbg with it. Missing gdb: as root
 * on Debian (CI), `apt-get install -y gdb` (after `apt-get update` if the
 * first try fails); otherwise the tests skip, printing why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GdbServer } from '../../../src/commands/gdb/server.ts';
import { Session } from '../../../src/commands/session/index.ts';

function findGdb(): string | null {
  for (const p of ['/usr/bin/gdb', '/usr/local/bin/gdb']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'command -v gdb'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function install(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    return 'gdb is not installed, and this is not root on a Debian-like system (apt-get install -y gdb)';
  }
  const apt = (args: string[]) => execFileSync('apt-get', args, { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    try {
      apt(['install', '-y', 'gdb']);
    } catch {
      apt(['update']);
      apt(['install', '-y', 'gdb']);
    }
  } catch (e) {
    return `gdb is not installed and apt-get install -y gdb failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return findGdb() === null ? 'apt-get installed gdb, but it is not on PATH' : null;
}

let gdbPath = findGdb();
/** Why the real-gdb tests skip (null: they run). */
export const gdbSkipReason: string | null = gdbPath !== null ? null : install();
if (gdbPath === null && gdbSkipReason === null) gdbPath = findGdb();
if (gdbSkipReason !== null) console.warn(`skipping the tests with the real gdb: ${gdbSkipReason}`);

export const VMOS_ELF = new URL('../../../guests/vmos/vmos.elf', import.meta.url).pathname;

/**
 * Runs `gdb -batch -nx` against 127.0.0.1:port: architecture i386:x86-64,
 * `file` the vmos ELF (symbols) unless `symbols` is false, `target remote`,
 * then `commands` in order. Resolves with stdout + stderr; bounded by `ms`.
 */
export function runGdb(port: number, commands: readonly string[], opts: { symbols?: boolean; ms?: number } = {}): Promise<string> {
  const args = ['-batch', '-nx', '-ex', 'set architecture i386:x86-64', '-ex', 'set confirm off', '-ex', 'set pagination off'];
  if (opts.symbols !== false) args.push('-ex', `file ${VMOS_ELF}`);
  args.push('-ex', `target remote 127.0.0.1:${port}`);
  for (const c of commands) args.push('-ex', c);
  return new Promise((resolve, reject) => {
    execFile(gdbPath!, args, { timeout: opts.ms ?? 60_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (err !== null && (err as { killed?: boolean }).killed) reject(new Error(`gdb timed out:\n${out}`));
      else resolve(out);
    });
  });
}

/** An emulated session on the bundled vmos with a gdb server on a free port (a suite's beforeAll). */
export async function openEmuServer(): Promise<{ s: Session; server: GdbServer }> {
  const s = await Session.open({ backend: 'emu' });
  return { s, server: await GdbServer.start(s, { port: 0 }) };
}

/** The server, then the session (a suite's afterAll; either may be missing when beforeAll failed). */
export async function closeEmuServer(s: Session | undefined, server: GdbServer | undefined): Promise<void> {
  await server?.close();
  await s?.close();
}
