/**
 * The CPL 3 differential suite's random sequences (test/emu/diff, the
 * generator of random.test.ts) run whole — no single-stepping, so hot code
 * runs compiled — on two emulated CPUs, one with every block compiled at
 * first sight and one with the interpreter alone: registers, flags, the
 * compared memory, CR2 and the instruction count must be identical at the end
 * of every case (issue 13: the suite in both modes). CI-sized; JIT_DIFF_CASES
 * runs more.
 */
import { describe, expect, it } from 'vitest';
import { generateCase, type Case } from '../diff/lockstep.ts';
import { CODE, CODE_MAX, COMPARED_RANGES, DATA, KSTACK_HI, KSTACK_LO, TF, USTACK_LO } from '../diff/layout.ts';
import { EmuSide, baseImage, userState } from '../diff/machine.ts';

const CASES = Number(process.env.JIT_DIFF_CASES ?? 300);
const SEED = 0x5eed;

function side(jit: boolean): EmuSide {
  const { memory, state } = baseImage();
  const s = new EmuSide(memory, state);
  s.cpu.setJit(jit);
  s.cpu.jit.options.threshold = 1;
  return s;
}

function runCase(s: EmuSide, c: Case): unknown {
  const { state } = baseImage();
  const regs = [...c.regs];
  regs[17] &= ~BigInt(TF); // run the case whole, not stepped
  const ram = s.ram;
  ram.fill(0, CODE, CODE + CODE_MAX);
  ram.set(c.code, CODE);
  ram.set(c.data, DATA);
  ram.set(c.stack, USTACK_LO);
  ram.fill(0, KSTACK_LO, KSTACK_HI);
  s.load(userState(state, regs));
  const start = s.cpu.icount;
  const stop = s.step();
  return {
    vector: stop.vector,
    other: stop.other,
    regs: s.regs(),
    frame: stop.frame,
    cr2: s.cr2(),
    insns: s.cpu.icount - start,
    mem: COMPARED_RANGES.map(([lo, hi]) => Buffer.from(ram.subarray(lo, hi)).toString('base64')),
  };
}

describe('differential: random CPL 3 sequences, JIT forced vs interpreter', () => {
  it(`${CASES} cases end in the same state`, () => {
    const jit = side(true), int = side(false);
    const sup = { popcnt: true, lzcnt: true, tzcnt: true };
    let ran = 0;
    for (let k = 0; k < CASES; k++) {
      const c = generateCase(SEED, k, sup);
      const a = runCase(int, c), b = runCase(jit, c);
      expect(b, `case ${k}`).toEqual(a);
      ran++;
    }
    expect(ran).toBe(CASES);
    expect(jit.cpu.jit.stats.compiledInsns).toBeGreaterThan(0);
    expect(int.cpu.jit.stats.compiledInsns).toBe(0);
  });
});
