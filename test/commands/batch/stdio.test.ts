/**
 * The CLI's stdout as a pipe (src/commands/stdio.ts): a slow reader gets all
 * of it, a reader that closed its end ends vdbg quietly (status 141).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../golden/run.ts';

function vdbg(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete env.CI;
  return spawn('node', ['bin/vdbg.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const d of stream) s += String(d);
  return s;
}

describe('stdout as a pipe', () => {
  it('a reader that waits still gets every byte (vdbg exits only after its output is out)', async () => {
    // ~350 KB, far more than a pipe holds (64 KiB)
    const child = vdbg(['-ex', 'disassemble 0x100000 4096', '-ex', 'echo END']);
    const exited = once(child, 'exit');
    // Read nothing until vdbg has written and then either exited (the bug: the rest is lost) or waited a second.
    child.stdout.pause();
    await once(child.stdout, 'readable');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 1000))]);
    const [out] = await Promise.all([text(child.stdout), exited]);
    expect(out.length).toBeGreaterThan(300_000);
    expect(out.endsWith('\nEND\n')).toBe(true);
    expect(child.exitCode).toBe(0);
  });

  it('a closed pipe (| head -1) ends vdbg quietly with status 141, no stack trace', async () => {
    const child = vdbg(['-x', 'examples/tour.vdbg']);
    child.stdout.destroy();
    const [stderr, [code]] = await Promise.all([text(child.stderr), once(child, 'exit')]);
    expect({ stderr, code }).toEqual({ stderr: '', code: 141 });
  });
});
