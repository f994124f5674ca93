/**
 * Debugging never sees the JIT (issue 13): the same batch script on vmos —
 * breakpoints with hit counts, a conditional breakpoint in a hot loop,
 * run-for, registers, the hypervisor counters — prints the same transcript
 * with the JIT off (`--no-jit`, VDBG_JIT=off) and forced on (every block
 * compiled at first sight, VDBG_JIT=force).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runBatch } from '../../../src/commands/batch.ts';
import { Session } from '../../../src/commands/session/index.ts';

const SCRIPT = [
  'break counter_main',
  'continue',
  'delete',
  'break counter_main+160 if cr3 == 0x122000',
  'continue',
  'continue',
  'info breakpoints',
  'delete',
  'run-for 400000',
  'info registers rip rsp rflags',
  'info exits',
];
// (The JIT's own counters — the `JIT:` line under `info exits` — are the one thing that differs: checked apart.)

const saved = process.env.VDBG_JIT;
afterEach(() => {
  if (saved === undefined) delete process.env.VDBG_JIT;
  else process.env.VDBG_JIT = saved;
});

async function transcript(mode: 'off' | 'force'): Promise<{ out: string; compiled: number }> {
  process.env.VDBG_JIT = mode; // read when the emulated CPU is created
  const session = await Session.open({ backend: 'emu', image: 'vmos' });
  let out = '';
  try {
    const res = await runBatch({ session, sources: [{ name: 'jit.vdbg', lines: SCRIPT }], write: (t) => (out += t) });
    expect(res.exitCode, out).toBe(0);
    return { out, compiled: session.jitCounters()?.['jit.compiled-insns'] ?? -1 };
  } finally {
    await session.close();
  }
}


describe('batch transcript with the JIT off and forced on', () => {
  it('is identical (hit counts, stops, registers, exits)', async () => {
    const off = await transcript('off');
    const on = await transcript('force');
    expect(off.compiled).toBe(0);
    expect(on.compiled).toBeGreaterThan(0);
    expect(off.out).toContain('Hits');
    const jitLine = /^JIT: .*$/m;
    expect(jitLine.exec(off.out)?.[0]).toBe('JIT: off (interpreter only) (info jit)');
    expect(jitLine.exec(on.out)?.[0]).toMatch(/^JIT: on, regions \d+\/\d+, compiled [1-9][\d.]* %/);
    expect(on.out.replace(jitLine, '')).toBe(off.out.replace(jitLine, ''));
  }, 120_000);
});
