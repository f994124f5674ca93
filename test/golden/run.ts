/**
 * Running example scripts for the golden tests: in-process through the batch
 * runner (fast), or as the real CLI in a child process (`node bin/vdbg.js`),
 * with CI removed from its environment and FORCE_COLOR=0.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runBatch, scriptLines } from '../../src/commands/batch.ts';
import { Session } from '../../src/commands/session/index.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Run {
  stdout: string;
  exitCode: number;
}

/** `vdbg -x examples/NAME.vdbg [flags]` in-process: the same runner and session the CLI uses, the same bytes. */
export async function runExample(name: string, opts: { json?: boolean; keepGoing?: boolean; backend?: 'emu' | 'kvm' } = {}): Promise<Run> {
  const file = `examples/${name}.vdbg`;
  const session = await Session.open({ backend: opts.backend ?? 'emu', image: 'vmos' });
  let stdout = '';
  const cwd = process.cwd();
  process.chdir(ROOT); // scripts name files relative to the repository (load raw guests/tiny/tiny.bin)
  try {
    const res = await runBatch({
      session,
      sources: [{ name: file, lines: scriptLines(readFileSync(`${ROOT}${file}`, 'utf8')) }],
      json: opts.json,
      keepGoing: opts.keepGoing,
      write: (t) => (stdout += t),
    });
    return { stdout, exitCode: res.exitCode };
  } finally {
    process.chdir(cwd);
    await session.close();
  }
}

/** The CLI as a child process, from the repository root. */
export async function runCli(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run & { stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', ...opts.env };
  delete env.CI;
  const r = await execa('node', ['bin/vdbg.js', ...args], {
    cwd: ROOT,
    env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
}
