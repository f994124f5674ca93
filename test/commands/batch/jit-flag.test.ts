/**
 * The CLI's JIT switch: off by default, `--jit` turns it on, `--no-jit` off,
 * and without either flag the environment (VDBG_JIT=on|force, as the forced
 * suite run sets it) decides — meow reports an absent boolean as false, which
 * once overrode VDBG_JIT=force.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../golden/run.ts';

async function enabled(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runCli([...args, '-ex', 'info jit'], { env: { VDBG_JIT: '', ...env } });
  expect(r.exitCode).toBe(0);
  return /jit\.enabled +(\d)/.exec(r.stdout)?.[1] ?? '?';
}

describe('--jit / --no-jit / VDBG_JIT', () => {
  it('off by default; --jit on; the environment decides without a flag; --no-jit wins over it', async () => {
    expect(await enabled([])).toBe('0');
    expect(await enabled(['--jit'])).toBe('1');
    expect(await enabled([], { VDBG_JIT: 'force' })).toBe('1');
    expect(await enabled([], { VDBG_JIT: 'on' })).toBe('1');
    expect(await enabled(['--no-jit'], { VDBG_JIT: 'force' })).toBe('0');
  });
});
