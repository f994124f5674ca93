/**
 * Differential test of the x87 against the real CPU: random x87 states and
 * instruction sequences (x87-gen.ts) run in lockstep at CPL 3 on /dev/kvm
 * and on src/emu (lockstep.ts); after every instruction the GPRs, RFLAGS,
 * memory and the whole struct kvm_fpu (ST(0)–ST(7), FCW, FSW, tags, FOP,
 * FIP, FDP, XMM) are compared. Zero divergences expected; a transcendental
 * (FSIN … FYL2XP1) may be 1 ulp off the hardware (the SDM's bound), counted.
 *
 * Environment: DIFF_X87_SEED (default 0x87), DIFF_X87_CASES (default 400:
 * the CI-sized sample; the full run is DIFF_X87_CASES=20000),
 * DIFF_X87_CASE=n runs only case n with its listing.
 * See docs/differential-testing.md.
 */
import { describe, expect, it } from 'vitest';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { lockstepMachines, runCases } from './run-cases.ts';
import { generateX87Case } from './x87-gen.ts';

const SEED = Number(process.env.DIFF_X87_SEED ?? 0x87);
const CASES = Number(process.env.DIFF_X87_CASES ?? 400);
const ONLY = process.env.DIFF_X87_CASE === undefined ? undefined : Number(process.env.DIFF_X87_CASE);

describe.skipIf(kvmSkipReason('differential x87 emu vs /dev/kvm'))('differential: random x87 states and sequences vs the real CPU', () => {
  const { ls } = lockstepMachines();

  it('finds a planted difference in the x87 state (the harness checks itself)', () => {
    const c = generateX87Case(SEED, 0);
    expect(ls.run(c).divergence?.report).toBeUndefined();
    const sig = ls.run(c, 400, (e) => { e.cpu.x87.fcw ^= 0x400; }).divergence?.signature ?? '';
    expect(sig).toMatch(/x87\.fcw/);
  });

  it(`${ONLY === undefined ? CASES : 1} x87 sequences agree instruction by instruction`, () => {
    ls.ulpAccepted = 0;
    const r = runCases(ls, (k) => generateX87Case(SEED, k), CASES, ONLY, 'diff-x87');
    console.log(`[diff-x87] seed 0x${SEED.toString(16)}: ${r.cases} cases, ${r.steps} steps in ${r.seconds.toFixed(1)} s; ends ${r.ends}; ${r.divergent} divergent; ${ls.ulpAccepted} transcendental results 1 ulp off (allowed)`);
    expect(r.divergent, r.message).toBe(0);
  }, Math.max(60_000, CASES * 40)); // ~20 ms a case: the full run takes minutes
});
