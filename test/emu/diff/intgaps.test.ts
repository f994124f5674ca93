/**
 * Differential test of issue 11's user-mode integer gaps against the real CPU
 * (method: docs/differential-testing.md): random CPL 3 sequences of
 * BMI1/BMI2, ADCX/ADOX, MOVBE, CMPXCHG8B/16B and XLAT units
 * (templates-intgaps.ts), compared after every instruction. Zero divergences
 * expected. DIFF_SEED, DIFF_CASES (default 600) and DIFF_CASE as in random.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { EmuSide, KvmSide, baseImage } from './machine.ts';
import { generateCase, listing, Lockstep } from './lockstep.ts';
import { INTGAPS_TEMPLATES } from './templates-intgaps.ts';

const SEED = Number(process.env.DIFF_SEED ?? 0x1a7e);
const CASES = Number(process.env.DIFF_CASES ?? 600);
const ONLY = process.env.DIFF_CASE === undefined ? undefined : Number(process.env.DIFF_CASE);
const NO_BITCOUNT = { popcnt: false, lzcnt: false, tzcnt: false };

describe.skipIf(kvmSkipReason('differential emu vs /dev/kvm (integer gaps)'))('differential: BMI/ADX/MOVBE/CMPXCHG8B/16B/XLAT at CPL 3 vs the real CPU', () => {
  const { memory, state } = baseImage();
  const kvm = new KvmSide(memory, state);
  const emu = new EmuSide(memory, state);
  const ls = new Lockstep(kvm, emu, state);
  afterAll(() => kvm.close());

  it(`${ONLY === undefined ? CASES : 1} sequences of 8 units agree instruction by instruction`, () => {
    const groups = new Map<string, number[]>();
    const reports: string[] = [];
    let divergent = 0, steps = 0;
    const first = ONLY ?? 0, last = ONLY === undefined ? CASES : ONLY + 1;
    for (let k = first; k < last; k++) {
      const c = generateCase(SEED, k, NO_BITCOUNT, 8, INTGAPS_TEMPLATES);
      if (ONLY !== undefined) console.log(`[diff] case ${k}:\n${listing(c)}`);
      const r = ls.run(c);
      steps += r.steps;
      if (r.divergence) {
        divergent++;
        const g = groups.get(r.divergence.signature);
        if (g) g.push(k);
        else {
          groups.set(r.divergence.signature, [k]);
          if (reports.length < 8) reports.push(r.divergence.report);
        }
      }
    }
    console.log(`[diff intgaps] ${last - first} cases, ${steps} instruction steps compared; ${divergent} divergent`);
    const summary = [...groups].map(([sig, ks]) => `  ${ks.length} × ${sig} (cases ${ks.slice(0, 8).join(', ')})`).join('\n');
    expect(divergent, `${divergent} divergent cases:\n${summary}\n\n${reports.join('\n\n')}`).toBe(0);
  });
});
