/**
 * Differential test, SSE part: random CPL 3 sequences of SSE … SSE4.2
 * instructions (sse-templates.ts) from random XMM/MXCSR states, run in
 * lockstep on the real CPU through /dev/kvm and on src/emu; after every
 * instruction the GPRs, flags, memory, XMM0–15 and MXCSR are compared
 * (KVM_GET_XSAVE on the hardware side). Zero divergences expected.
 *
 * Environment: DIFF_SEED (default 0x5eed), DIFF_SSE_CASES (default 1500),
 * DIFF_CASE=n runs only case n with its listing. See docs/differential-testing.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { EmuSide, KvmSide, baseImage } from './machine.ts';
import { generateCase, listing, Lockstep, type CaseKind } from './lockstep.ts';
import { randomSse, sseData, sseTemplates } from './sse-templates.ts';

const SEED = Number(process.env.DIFF_SEED ?? 0x5eed);
const CASES = Number(process.env.DIFF_SSE_CASES ?? 1500);
const ONLY = process.env.DIFF_CASE === undefined ? undefined : Number(process.env.DIFF_CASE);
const MAX_REPORTS = 12;
const KIND: CaseKind = { mix: sseTemplates(), sse: randomSse, data: sseData };
const NO_BITCOUNT = { popcnt: false, lzcnt: false, tzcnt: false };

describe.skipIf(kvmSkipReason('differential emu vs /dev/kvm (SSE sequences)'))('differential: random CPL 3 SSE sequences vs the real CPU', () => {
  const { memory, state } = baseImage();
  const kvm = new KvmSide(memory, state);
  const emu = new EmuSide(memory, state);
  const ls = new Lockstep(kvm, emu, state);
  afterAll(() => kvm.close());

  it('finds a planted difference in an XMM register and in MXCSR (the harness checks itself)', () => {
    const c = generateCase(SEED, 0, NO_BITCOUNT, 8, KIND);
    expect(ls.run(c).divergence).toBeUndefined();
    expect(ls.run(c, 400, (e) => (e.cpu.sse.x.u8[16 * 9 + 3] ^= 1)).divergence?.signature).toMatch(/xmm9/);
    expect(ls.run(c, 400, (e) => (e.cpu.sse.mxcsr ^= 0x20)).divergence?.signature).toMatch(/mxcsr/);
  });

  it(`${ONLY === undefined ? CASES : 1} SSE sequences of 8 units agree instruction by instruction`, () => {
    const t0 = performance.now();
    const reports: string[] = [];
    let divergent = 0, steps = 0, cases = 0, deviations = 0;
    const ends = new Map<number, number>();
    const groups = new Map<string, number[]>();
    const first = ONLY ?? 0, last = ONLY === undefined ? CASES : ONLY + 1;
    for (let k = first; k < last; k++) {
      const c = generateCase(SEED, k, NO_BITCOUNT, 8, KIND);
      if (ONLY !== undefined) console.log(`[diff-sse] case ${k}:\n${listing(c)}`);
      const r = ls.run(c);
      cases++;
      steps += r.steps;
      ends.set(r.endVector, (ends.get(r.endVector) ?? 0) + 1);
      if (r.deviation && deviations++ === 0) console.log(`[pvm deviation] case ${k}: ${r.deviation}`);
      if (r.divergence) {
        divergent++;
        const sig = r.divergence.signature;
        const g = groups.get(sig);
        if (g) g.push(k);
        else {
          groups.set(sig, [k]);
          if (reports.length < MAX_REPORTS) reports.push(r.divergence.report);
        }
      }
    }
    const s = (performance.now() - t0) / 1000;
    const endText = [...ends].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v === 1 ? 'end' : `#${v}`}:${n}`).join(' ');
    console.log(`[diff-sse] seed 0x${SEED.toString(16)}: ${cases} cases, ${steps} instruction steps compared in ${s.toFixed(1)} s; case ends ${endText}; ${deviations} ended by the misaligned-m128 pvm deviation; ${divergent} divergent`);
    const summary = [...groups].map(([sig, ks]) => `  ${ks.length} × ${sig} (cases ${ks.slice(0, 8).join(', ')}${ks.length > 8 ? ', …' : ''})`).join('\n');
    expect(divergent, `${divergent} divergent cases, by kind:\n${summary}\n\nOne report per kind:\n\n${reports.join('\n\n')}`).toBe(0);
  }, 60_000 + 30 * CASES);
});
