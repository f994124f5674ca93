/**
 * The x87 transcendentals' special cases and the host's rules where the SDM
 * leaves room (FSIN … FYL2XP1). Each expected value is the host CPU's (AMD
 * EPYC, run natively; the sampled comparison is x87-trans-vectors.test.ts)
 * and agrees with the SDM wherever the SDM defines it. The rules found by the
 * differential test (C2 on stack faults, #IA/#Z before #D) failed before
 * their fixes.
 */
import { describe, expect, it } from 'vitest';
import { C0, C1, C2, C3, DE, IE, INDEF_HI, INDEF_SE, PE, RC_SHIFT, RC_ZERO, SF, UE, ZE } from '../../../src/emu/fpu/f80.ts';
import { COS, OP_YL2X, OP_YL2XP1, SIN, f2xm1St, fbinTranscSt, fptanSt, fsincosSt, ftrigSt } from '../../../src/emu/fpu/x87-transc-ops.ts';
import { X87State } from '../../../src/emu/fpu/x87-state.ts';

type V = [number, number, number];
const ONE: V = [0x3fff, 0x80000000, 0], TWO: V = [0x4000, 0x80000000, 0], MIN_DENORMAL: V = [0, 0, 1];
const POS_INF: V = [0x7fff, 0x80000000, 0], NEG_INF: V = [0xffff, 0x80000000, 0], TWO63: V = [0x403e, 0x80000000, 0];

/** FNINIT, FLDCW cw, then push the values (the last is ST(0)). */
function stack(cw: number, ...vs: V[]): X87State {
  const s = new X87State();
  s.init();
  s.setControlWord(cw);
  for (const v of vs) s.push(...v);
  return s;
}
const st = (s: X87State, i: number): V => [s.stSe(i), s.stHi(i), s.stLo(i)];
const flags = (s: X87State): number => s.fsw & (0x3f | SF | C0 | C1 | C2 | C3);

describe('FSIN, FCOS, FSINCOS, FPTAN', () => {
  it('|x| ≥ 2^63: C2 = 1, C1 = 0, the operand unchanged, no exception', () => {
    for (const op of [(s: X87State) => ftrigSt(s, SIN), (s: X87State) => ftrigSt(s, COS), fptanSt, fsincosSt]) {
      const s = stack(0x037f, TWO63);
      s.fsw |= C1;
      op(s);
      expect([flags(s), s.top, ...st(s, 0)]).toEqual([C2, 7, ...TWO63]);
    }
  });

  it('reduction against the 66-bit π: sin(2^63 − 1) is the host\'s 3FFE E0AB9300DA6D2684', () => {
    const s = stack(0x037f, [0x403d, 0xffffffff, 0xffffffff]);
    ftrigSt(s, SIN);
    expect([flags(s), ...st(s, 0)]).toEqual([PE, 0x3ffe, 0xe0ab9300, 0xda6d2684]);
  });

  it('cos ±0 = 1 and tan 0 = 0 exactly (no #P); FPTAN pushes 1.0', () => {
    const s = stack(0x037f, [0, 0, 0]);
    fptanSt(s);
    expect([flags(s), s.top, ...st(s, 0), ...st(s, 1)]).toEqual([0, 6, ...ONE, 0, 0, 0]);
    const c = stack(0x037f, [0x8000, 0, 0]);
    ftrigSt(c, COS);
    expect([flags(c), ...st(c, 0)]).toEqual([0, ...ONE]);
  });

  it('the smallest denormal: sin rounds up to it (C1, #U #P #D), cos to 1 (C1) or, by RZ, to 1 − 2^-64', () => {
    const s = stack(0x037f, MIN_DENORMAL);
    ftrigSt(s, SIN);
    expect([flags(s), ...st(s, 0)]).toEqual([C1 | UE | PE | DE, ...MIN_DENORMAL]);
    const z = stack(0x037f | (RC_ZERO << RC_SHIFT), MIN_DENORMAL);
    ftrigSt(z, SIN);
    expect([flags(z), ...st(z, 0)]).toEqual([UE | PE | DE, 0, 0, 0]);
    const c = stack(0x037f, MIN_DENORMAL);
    ftrigSt(c, COS);
    expect([flags(c), ...st(c, 0)]).toEqual([C1 | PE | DE, ...ONE]);
    const cz = stack(0x037f | (RC_ZERO << RC_SHIFT), MIN_DENORMAL);
    ftrigSt(cz, COS);
    expect([flags(cz), ...st(cz, 0)]).toEqual([PE | DE, 0x3ffe, 0xffffffff, 0xffffffff]);
  });

  it('FPTAN/FSINCOS of ∞ (masked #IA) and with ST(7) in use (masked overflow): ST(0) and the push both the indefinite', () => {
    const inf = stack(0x037f, POS_INF);
    fptanSt(inf);
    expect([flags(inf), inf.top, ...st(inf, 0), ...st(inf, 1)]).toEqual([IE, 6, INDEF_SE, INDEF_HI, 0, INDEF_SE, INDEF_HI, 0]);
    const full = stack(0x037f, ...Array<V>(8).fill([0x3ffe, 0x80000000, 0]));
    fsincosSt(full);
    expect([flags(full), full.top, ...st(full, 0), ...st(full, 1)]).toEqual([IE | SF | C1, 7, INDEF_SE, INDEF_HI, 0, INDEF_SE, INDEF_HI, 0]);
  });

  it('a stack fault clears C2 (differential test: FCOS after FUCOMPP left C3 C2 C0 set)', () => {
    const s = stack(0x037f);
    s.fsw |= C3 | C2 | C0;
    ftrigSt(s, COS);
    expect(flags(s)).toBe(C3 | C0 | IE | SF);
  });
});

describe('F2XM1, FYL2X, FYL2XP1', () => {
  it('F2XM1 outside [−1, 1] returns the operand with #P; −∞ → −1, +∞ → +∞ exactly', () => {
    const s = stack(0x037f, TWO);
    f2xm1St(s);
    expect([flags(s), ...st(s, 0)]).toEqual([PE, ...TWO]);
    const m = stack(0x037f, NEG_INF);
    f2xm1St(m);
    expect([flags(m), ...st(m, 0)]).toEqual([0, 0xbfff, 0x80000000, 0]);
    const p = stack(0x037f, POS_INF);
    f2xm1St(p);
    expect([flags(p), ...st(p, 0)]).toEqual([0, ...POS_INF]);
  });

  it('F2XM1(1) is taken as just below 1 (RN: 1 with C1, RZ: 1 − 2^-64); F2XM1(−1) = −1/2 exactly, yet #P (host)', () => {
    const up = stack(0x037f, ONE);
    f2xm1St(up);
    expect([flags(up), ...st(up, 0)]).toEqual([C1 | PE, ...ONE]);
    const z = stack(0x037f | (RC_ZERO << RC_SHIFT), ONE);
    f2xm1St(z);
    expect([flags(z), ...st(z, 0)]).toEqual([PE, 0x3ffe, 0xffffffff, 0xffffffff]);
    for (let rc = 0; rc < 4; rc++) {
      const m = stack(0x037f | (rc << RC_SHIFT), [0xbfff, 0x80000000, 0]);
      f2xm1St(m);
      expect([flags(m), ...st(m, 0)]).toEqual([PE, 0xbffe, 0x80000000, 0]);
    }
  });

  it('FYL2XP1 with x ≤ −1 (outside the SDM range) returns x with #P', () => {
    const s = stack(0x037f, ONE, [0xc000, 0x80000000, 0]);
    fbinTranscSt(s, OP_YL2XP1);
    expect([flags(s), s.top, ...st(s, 0)]).toEqual([PE, 7, 0xc000, 0x80000000, 0]);
  });

  it('FYL2X of x = 0 with a denormal y: #Z alone, ∞ of the opposite sign (no #D: #Z outranks it)', () => {
    const s = stack(0x037f, MIN_DENORMAL, [0, 0, 0]);
    fbinTranscSt(s, OP_YL2X);
    expect([flags(s), ...st(s, 0)]).toEqual([ZE, ...NEG_INF]);
  });

  it('FYL2XP1 of x = −∞ with a (pseudo-)denormal y: #IA alone (no #D)', () => {
    const s = stack(0x037f, [0, 0x8bb3ab3c, 0x14d1b5ec], NEG_INF);
    fbinTranscSt(s, OP_YL2XP1);
    expect([flags(s), ...st(s, 0)]).toEqual([IE, INDEF_SE, INDEF_HI, 0]);
  });

  it('FYL2X of a power of two: the exact product, still flagged #P (and #U when denormal)', () => {
    const s = stack(0x037f, [0x8000, 0, 1], [0x3fad, 0x80000000, 0]); // y = −min denormal, x = 2^-82
    fbinTranscSt(s, OP_YL2X);
    expect([flags(s), ...st(s, 0)]).toEqual([UE | PE | DE, 0, 0, 0x52]); // 82 × 2^-16445, from the host vector
  });
});
