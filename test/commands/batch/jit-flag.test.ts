/**
 * The CLI's JIT switch: on by default, `--no-jit` turns it off, `--jit` on,
 * and without either flag the environment (VDBG_JIT=off|on|force, as the forced
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
  it('on by default; --no-jit off; the environment decides without a flag; a flag wins over it', async () => {
    expect(await enabled([])).toBe('1');
    expect(await enabled(['--no-jit'])).toBe('0');
    expect(await enabled([], { VDBG_JIT: 'off' })).toBe('0');
    expect(await enabled(['--jit'], { VDBG_JIT: 'off' })).toBe('1');
    expect(await enabled([], { VDBG_JIT: 'force' })).toBe('1');
    expect(await enabled([], { VDBG_JIT: 'on' })).toBe('1');
    expect(await enabled(['--no-jit'], { VDBG_JIT: 'force' })).toBe('0');
  });
});
