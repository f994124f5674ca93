/**
 * Differential test of issue 11's user-mode integer gaps against the real CPU
 * (method: docs/differential-testing.md): random CPL 3 sequences of
 * BMI1/BMI2, ADCX/ADOX, MOVBE, CMPXCHG8B/16B and XLAT units
 * (templates-intgaps.ts), compared after every instruction. Zero divergences
 * expected. DIFF_SEED, DIFF_CASES (default 600) and DIFF_CASE as in random.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { lockstepMachines, runCases } from './run-cases.ts';
import { generateCase } from './lockstep.ts';
import { INTGAPS_TEMPLATES } from './templates-intgaps.ts';
import type { Case } from './lockstep.ts';
import { CODE, DATA_SIZE, IF, TF, USTACK_HI, USTACK_LO, USTACK_TOP } from './layout.ts';

const SEED = Number(process.env.DIFF_SEED ?? 0x1a7e);
const CASES = Number(process.env.DIFF_CASES ?? 600);
const ONLY = process.env.DIFF_CASE === undefined ? undefined : Number(process.env.DIFF_CASE);
const NO_BITCOUNT = { popcnt: false, lzcnt: false, tzcnt: false };

describe.skipIf(kvmSkipReason('differential emu vs /dev/kvm (integer gaps)'))('differential: BMI/ADX/MOVBE/CMPXCHG8B/16B/XLAT at CPL 3 vs the real CPU', () => {
  const { ls } = lockstepMachines();

  it('LAR/LSL/VERR/VERW at CPL 3 on the boot GDT\'s selectors (a probe: under kvm_pvm they see the host\'s tables)', () => {
    const code: number[] = [];
    const insns: Case['insns'] = new Map();
    const add = (b: number[]) => {
      insns.set(CODE + code.length, { addr: CODE + code.length, bytes: b });
      code.push(...b);
    };
    for (const sel of [0x00, 0x08, 0x10, 0x1b, 0x23, 0x2b, 0x33, 0x38, 0x40, 0xfff8]) {
      add([0xb9, sel & 0xff, sel >> 8, 0, 0]); // mov ecx, sel
      add([0x0f, 0x02, 0xc1]); // lar eax, ecx
      add([0x48, 0x0f, 0x03, 0xd1]); // lsl rdx, rcx
      add([0x0f, 0x00, 0xe1]); // verr cx
      add([0x0f, 0x00, 0xe9]); // verw cx
    }
    const end = CODE + code.length;
    code.push(0x0f, 0x0b);
    const regs = Array.from({ length: 16 }, (_, g) => (g === 4 ? BigInt(USTACK_TOP) : 0x5555n));
    regs.push(BigInt(CODE), BigInt(0x2 | IF | TF));
    const c: Case = { index: -1, seed: 0, code, end, regs, data: new Uint8Array(DATA_SIZE), stack: new Uint8Array(USTACK_HI - USTACK_LO), insns };
    const r = ls.run(c, 1000);
    // Selectors 0 (null), 0x08 and 0x10 (DPL 0: rejected at CPL 3 whatever the table says) must agree.
    // Beyond them, kvm_pvm runs the CPL 3 code against the host's GDT (its 0x18 is not our user data).
    if (r.divergence) {
      console.log(`[pvm deviation] LAR/LSL/VERR/VERW at CPL 3 read the host's GDT:\n${r.divergence.report.split('\n').slice(0, 9).join('\n')}`);
      expect(r.divergence.step).toBeGreaterThanOrEqual(15);
      expect(r.divergence.signature).toMatch(/^(lar|lsl|verr|verw):/);
    } else console.log(`[diff intgaps] LAR/LSL/VERR/VERW probe: ${r.steps} steps agree`);
  });

  it(`${ONLY === undefined ? CASES : 1} sequences of 8 units agree instruction by instruction`, () => {
    const r = runCases(ls, (k) => generateCase(SEED, k, NO_BITCOUNT, 8, { mix: INTGAPS_TEMPLATES }), CASES, ONLY, 'diff intgaps');
    console.log(`[diff intgaps] ${r.cases} cases, ${r.steps} instruction steps compared; case ends ${r.ends}; ${r.deviations} pvm deviations; ${r.divergent} divergent`);
    expect(r.divergent, r.message).toBe(0);
  });
});
