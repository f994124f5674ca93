/**
 * The f80 core on its own (no X87State), against an oracle independent of
 * the host FPU: with PC = 53 and round-to-nearest, +, −, ×, ÷ and √ of
 * binary64 operands must give exactly JavaScript's binary64 result (the x87
 * rounds once, to 53 bits); with PC = 24 and binary32 operands, Math.fround
 * of the binary64 result (double rounding is innocuous there, 53 ≥ 2·24 + 2).
 * Results outside the binary64/binary32 normal range are skipped: the x87
 * keeps its 15-bit exponent under any PC. Also round trips of the conversions.
 */
import { describe, expect, it } from 'vitest';
import { C1, F80Ctx, PE } from '../../../src/emu/fpu/f80.ts';
import { fadd, fmul, fsub } from '../../../src/emu/fpu/f80-arith.ts';
import { fdiv, fsqrt } from '../../../src/emu/fpu/f80-divsqrt.ts';
import { storeF32, storeF64, widenF32, widenF64 } from '../../../src/emu/fpu/f80-convert.ts';
import { bcdToF80, f80ToBcd, f80ToInt, intToF80 } from '../../../src/emu/fpu/f80-int.ts';
import { prng } from '../prng.ts';

const f64 = new Float64Array(1), u64 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const rnd = prng(0xf80f80);
const word = (): number => rnd(0x10000) * 0x10000 + rnd(0x10000);

/** A random binary64 with an exponent near 1 (so the operations stay in range) or anywhere. */
function randDouble(): number {
  u64[0] = word();
  u64[1] = (word() & 0x800fffff) | ((rnd(4) === 0 ? 1 + rnd(2046) : 1023 - 30 + rnd(60)) << 20);
  return f64[0];
}

function randFloat(): number {
  u32[0] = (word() & 0x807fffff) | ((127 - 20 + rnd(40)) << 23);
  return f32[0];
}

/** The 80-bit form of a double, as the triple the core takes. */
function wide(c: F80Ctx, x: number): [number, number, number] {
  f64[0] = x;
  widenF64(c, u64[1], u64[0]);
  return [c.se, c.hi, c.lo];
}

function narrowed64(c: F80Ctx): number {
  storeF64(c, c.se, c.hi, c.lo);
  u64[0] = c.lo; u64[1] = c.hi;
  return f64[0];
}

const normal64 = (x: number): boolean => Number.isFinite(x) && Math.abs(x) >= 2 ** -1022;
const normal32 = (x: number): boolean => Number.isFinite(x) && Math.abs(x) >= 2 ** -126 && Math.abs(x) <= 3.4028234663852886e38;

type Op2 = (c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number) => void;
const OPS2: [string, Op2, (a: number, b: number) => number][] = [
  ['fadd', fadd, (a, b) => a + b], ['fsub', fsub, (a, b) => a - b], ['fmul', fmul, (a, b) => a * b], ['fdiv', fdiv, (a, b) => a / b],
];

describe('f80 core vs binary64/binary32 arithmetic', () => {
  for (const [name, op, js] of OPS2) {
    it(`${name}: PC = 53 equals binary64, PC = 24 equals binary32 (4000 operand pairs each)`, () => {
      const c = new F80Ctx();
      let checked = 0;
      for (let k = 0; k < 4000; k++) {
        const a = randDouble(), b = randDouble(), want = js(a, b);
        if (!normal64(want)) continue;
        const [aSe, aHi, aLo] = wide(c, a), [bSe, bHi, bLo] = wide(c, b);
        c.cw = 0x027f;
        op(c, aSe, aHi, aLo, bSe, bHi, bLo);
        expect(narrowed64(c), `${a} ${name} ${b}`).toBe(want);
        checked++;
      }
      for (let k = 0; k < 4000; k++) {
        const a = randFloat(), b = randFloat(), want = Math.fround(js(a, b));
        if (!normal32(want)) continue;
        const [aSe, aHi, aLo] = wide(c, a), [bSe, bHi, bLo] = wide(c, b);
        c.cw = 0x007f;
        op(c, aSe, aHi, aLo, bSe, bHi, bLo);
        storeF32(c, c.se, c.hi, c.lo);
        u32[0] = c.lo;
        expect(f32[0], `${a} ${name} ${b} (PC 24)`).toBe(want);
        checked++;
      }
      expect(checked).toBeGreaterThan(7000);
    });
  }

  it('fsqrt: PC = 53 equals Math.sqrt, PC = 24 equals fround(Math.sqrt)', () => {
    const c = new F80Ctx();
    for (let k = 0; k < 4000; k++) {
      const a = Math.abs(randDouble()), b = Math.abs(randFloat());
      c.cw = 0x027f;
      fsqrt(c, ...wide(c, a));
      expect(narrowed64(c), `sqrt ${a}`).toBe(Math.sqrt(a));
      c.cw = 0x007f;
      fsqrt(c, ...wide(c, b));
      storeF32(c, c.se, c.hi, c.lo);
      u32[0] = c.lo;
      expect(f32[0], `sqrt ${b} (PC 24)`).toBe(Math.fround(Math.sqrt(b)));
    }
  });

  it('fadd: PE exactly when the sum is inexact (TwoSum), and then C1 = "rounded away from zero"', () => {
    const c = new F80Ctx();
    let inexact = 0;
    for (let k = 0; k < 4000; k++) {
      const a = randDouble(), b = randDouble() * 2 ** (rnd(120) - 60), s = a + b;
      if (!normal64(s) || !Number.isFinite(b)) continue;
      const bb = s - a, err = (a - (s - bb)) + (b - bb);
      const [aSe, aHi, aLo] = wide(c, a), [bSe, bHi, bLo] = wide(c, b);
      c.cw = 0x027f;
      fadd(c, aSe, aHi, aLo, bSe, bHi, bLo);
      expect((c.flags & PE) !== 0, `${a} + ${b}`).toBe(err !== 0);
      if (err !== 0) {
        inexact++;
        expect((c.flags & C1) !== 0, `${a} + ${b} C1`).toBe(Math.sign(err) !== Math.sign(s));
      }
    }
    expect(inexact).toBeGreaterThan(1000);
  });
});

describe('conversions round-trip', () => {
  it('binary64 and binary32, denormals included, widen and narrow back exactly with no flags', () => {
    const c = new F80Ctx();
    for (let k = 0; k < 4000; k++) {
      u64[0] = word(); u64[1] = word();
      if ((u64[1] & 0x7ff00000) === 0x7ff00000) continue; // NaN/∞: covered by the host vectors
      const hi = u64[1], lo = u64[0];
      widenF64(c, hi, lo);
      storeF64(c, c.se, c.hi, c.lo);
      expect([c.hi, c.lo, c.flags]).toEqual([hi, lo, 0]);
      const bits = word();
      if ((bits & 0x7f800000) === 0x7f800000) continue;
      widenF32(c, bits);
      storeF32(c, c.se, c.hi, c.lo);
      expect([c.lo, c.flags]).toEqual([bits, 0]);
    }
  });

  it('int64 → f80 → int64 is exact for every int64 (FILD/FISTP)', () => {
    const c = new F80Ctx();
    const edges = [0n, 1n, -1n, (1n << 63n) - 1n, -(1n << 63n), 1n << 62n, -(1n << 53n) - 1n];
    for (let k = 0; k < 3000; k++) {
      const v = k < edges.length ? edges[k] : BigInt.asIntN(64, (BigInt(word()) << 32n) | BigInt(word())) >> BigInt(rnd(64));
      const lo = Number(BigInt.asUintN(32, v)), hi = Number(BigInt.asUintN(32, v >> 32n));
      intToF80(c, lo, hi);
      f80ToInt(c, c.se, c.hi, c.lo, 64, false);
      expect(BigInt.asIntN(64, (BigInt(c.hi) << 32n) | BigInt(c.lo)), String(v)).toBe(v);
      expect(c.flags).toBe(0);
    }
  });

  it('18-digit packed BCD → f80 → packed BCD is exact (FBLD/FBSTP), −0 included', () => {
    const c = new F80Ctx();
    const m = new Uint8Array(10), out = new Uint8Array(10);
    for (let k = 0; k < 2000; k++) {
      for (let i = 0; i < 9; i++) m[i] = rnd(10) | (rnd(10) << 4);
      if (k % 7 === 0) m.fill(0, rnd(9), 9);
      m[9] = rnd(2) << 7;
      bcdToF80(c, m, 0);
      f80ToBcd(c, c.se, c.hi, c.lo, out, 0);
      expect(Buffer.from(out).toString('hex')).toBe(Buffer.from(m).toString('hex'));
    }
  });
});
