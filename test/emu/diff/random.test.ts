/**
 * Differential test, generated part: thousands of random user-mode (CPL 3)
 * instruction sequences run in lockstep on the real CPU through /dev/kvm and
 * on src/emu, compared after every instruction (lockstep.ts). Zero
 * divergences expected; each one is reported with its case number, bytes,
 * disassembly and the differing registers/flags/memory.
 *
 * Environment: DIFF_SEED (default 0x5eed), DIFF_CASES (default 5000),
 * DIFF_CASE=n runs only case n and prints its listing and step count.
 * See docs/differential-testing.md.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { EmuSide, KvmSide, baseImage } from './machine.ts';
import { emuCpuidSupport, generateCase, Lockstep, probeSupport, runCases, type Case } from './lockstep.ts';
import { RAX } from '../../../src/emu/regs.ts';
import { CODE, DATA, DATA_SIZE, IF, TF, USTACK_HI, USTACK_LO, USTACK_TOP } from './layout.ts';

const SEED = Number(process.env.DIFF_SEED ?? 0x5eed);
const CASES = Number(process.env.DIFF_CASES ?? 5000);
const ONLY = process.env.DIFF_CASE === undefined ? undefined : Number(process.env.DIFF_CASE);

describe.skipIf(kvmSkipReason('differential emu vs /dev/kvm (random sequences)'))('differential: random CPL 3 sequences vs the real CPU', () => {
  const { memory, state } = baseImage();
  const kvm = new KvmSide(memory, state);
  const emu = new EmuSide(memory, state);
  const ls = new Lockstep(kvm, emu, state);
  afterAll(() => kvm.close());

  it('finds a planted difference in a register, a flag or memory (the harness checks itself)', () => {
    // 10000: 90   nop ; 10001: 90   nop
    const regs = Array.from({ length: 16 }, (_, g) => (g === 4 ? BigInt(USTACK_TOP) : 0x1234n));
    regs.push(BigInt(CODE), BigInt(0x2 | IF | TF));
    const c: Case = {
      index: -1, seed: 0, code: [0x90, 0x90, 0x0f, 0x0b], end: CODE + 2, regs, data: new Uint8Array(DATA_SIZE), stack: new Uint8Array(USTACK_HI - USTACK_LO),
      insns: new Map([[CODE, { addr: CODE, bytes: [0x90] }], [CODE + 1, { addr: CODE + 1, bytes: [0x90] }]]),
    };
    expect(ls.run(c).divergence).toBeUndefined();
    expect(ls.run(c, 10, (e) => e.cpu.setGpr(RAX, 0x1235n)).divergence?.signature).toBe('nop: gpr');
    expect(ls.run(c, 10, (e) => e.cpu.writeRflags(e.cpu.readRflags() ^ 1)).divergence?.signature).toBe('nop: rflags,frame.rflags,mem');
    expect(ls.run(c, 10, (e) => (e.ram[DATA + 0x123] ^= 0x40)).divergence?.signature).toBe('nop: mem');
  });

  it(`${ONLY === undefined ? CASES : 1} sequences of 8 units agree instruction by instruction`, () => {
    const hw = probeSupport(ls, kvm);
    const es = probeSupport(ls, emu);
    const sup = { popcnt: hw.popcnt && es.popcnt, lzcnt: hw.lzcnt && es.lzcnt, tzcnt: hw.tzcnt && es.tzcnt };
    console.log(
      `[diff] seed 0x${SEED.toString(16)}; bit-count instructions executed: hardware ${JSON.stringify(hw)}, emulator ${JSON.stringify(es)} ` +
        `(emulator CPUID ${JSON.stringify(emuCpuidSupport(ls))}) -> generated ${JSON.stringify(sup)}`,
    );
    const first = ONLY ?? 0, last = ONLY === undefined ? CASES : ONLY + 1;
    const o = runCases(ls, first, last, (k) => generateCase(SEED, k, sup), (t) => console.log(`[diff] ${t}`), ONLY !== undefined);
    console.log(`[diff] ${o.cases} cases, ${o.steps} instruction steps compared in ${o.seconds.toFixed(1)} s; case ends ${o.ends}; ${o.divergent} divergent`);
    expect(o.divergent, o.failure).toBe(0);
  });
});
