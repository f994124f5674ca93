/**
 * Floating-point and conversion handlers (exec/sse-fp.ts, sse-convert.ts):
 * the operand forms around the bit-exact core (tested against the host in
 * test/emu/sse): packed vs scalar (upper lanes kept), m32/m64 sources,
 * COMIS/UCOMIS flags, CMPcc masks, ROUND modes from imm8, CVT to and from
 * general registers with REX.W, the integer indefinite, HADD/ADDSUB/DPPS.
 */
import { describe, expect, it } from 'vitest';
import { DATA, f32, f64, run, setF32, setF64, u32, G } from './sse-harness.ts';

const go = (bytes: number[], set: (c: Parameters<NonNullable<Parameters<typeof run>[1]>>[0]) => void) => {
  const r = run(bytes, set);
  expect(r.end).toBe('ok');
  return r.cpu;
};

describe('floating point', () => {
  it('addpd / subsd (upper kept) / mulss m32 / divps / sqrtsd / maxpd', () => {
    expect(f64(go([0x66, 0x0f, 0x58, 0xca], (c) => { setF64(c, 1, [1.5, -2]); setF64(c, 2, [0.25, 8]); }), 1)).toEqual([1.75, 6]);
    expect(f64(go([0xf2, 0x0f, 0x5c, 0xca], (c) => { setF64(c, 1, [1.5, -2]); setF64(c, 2, [0.25, 8]); }), 1)).toEqual([1.25, -2]);
    expect(f32(go([0xf3, 0x0f, 0x59, 0x08], (c) => { setF32(c, 1, [3, 4, 5, 6]); c.r[0] = DATA; c.mem.dv.setFloat32(DATA, 0.5, true); }), 1)).toEqual([1.5, 4, 5, 6]);
    expect(f32(go([0x0f, 0x5e, 0xca], (c) => { setF32(c, 1, [1, 2, 3, 4]); setF32(c, 2, [4, 4, 4, 4]); }), 1)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(f64(go([0xf2, 0x0f, 0x51, 0xca], (c) => { setF64(c, 1, [7, 7]); setF64(c, 2, [2, 9]); }), 1)).toEqual([Math.SQRT2, 7]);
    expect(f64(go([0x66, 0x0f, 0x5f, 0xca], (c) => { setF64(c, 1, [NaN, 3]); setF64(c, 2, [1, -3]); }), 1)).toEqual([1, 3]); // NaN: the second operand
  });
  it('comisd / ucomisd: ZF PF CF (unordered 1 1 1; less CF; equal ZF), OF SF AF cleared', () => {
    const flags = (a: number, b: number, signaling: boolean) =>
      go([0x66, 0x0f, signaling ? 0x2f : 0x2e, 0xca], (c) => { setF64(c, 1, [a, 0]); setF64(c, 2, [b, 0]); c.writeRflags(0x8d5); }).readRflags() & 0x8d5;
    expect(flags(1, 2, true)).toBe(0x01);
    expect(flags(2, 1, false)).toBe(0x00);
    expect(flags(-0, 0, true)).toBe(0x40);
    expect(flags(NaN, 0, false)).toBe(0x45);
  });
  it('cmpltps and cmpunordsd write all-ones masks', () => {
    expect(u32(go([0x0f, 0xc2, 0xca, 0x01], (c) => { setF32(c, 1, [1, 5, NaN, -1]); setF32(c, 2, [2, 5, 1, -2]); }), 1)).toEqual([0xffffffff, 0, 0, 0]);
    expect(u32(go([0xf2, 0x0f, 0xc2, 0xca, 0x03], (c) => { setF64(c, 1, [NaN, 5]); setF64(c, 2, [1, 1]); }), 1).slice(0, 2)).toEqual([0xffffffff, 0xffffffff]);
  });
  it('roundsd imm8: floor / ceil / trunc / MXCSR mode', () => {
    const round = (imm: number, v: number, mxcsr = 0x1f80) => f64(go([0x66, 0x0f, 0x3a, 0x0b, 0xca, imm], (c) => { setF64(c, 2, [v, 0]); c.sse.mxcsr = mxcsr; }), 1)[0];
    expect([round(1, -2.5), round(2, -2.5), round(3, -2.5), round(0, -2.5), round(4, 2.5, 0x1f80 | 0x4000)]).toEqual([-3, -2, -2, -2, 3]);
  });
  it('haddps / addsubpd / dpps', () => {
    expect(f32(go([0xf2, 0x0f, 0x7c, 0xca], (c) => { setF32(c, 1, [1, 2, 3, 4]); setF32(c, 2, [10, 20, 30, 40]); }), 1)).toEqual([3, 7, 30, 70]);
    expect(f64(go([0x66, 0x0f, 0xd0, 0xca], (c) => { setF64(c, 1, [1, 2]); setF64(c, 2, [10, 20]); }), 1)).toEqual([-9, 22]);
    expect(f32(go([0x66, 0x0f, 0x3a, 0x40, 0xca, 0xf5], (c) => { setF32(c, 1, [1, 2, 3, 4]); setF32(c, 2, [5, 6, 7, 8]); }), 1)).toEqual([70, 0, 70, 0]);
  });
});

describe('conversions', () => {
  it('cvtsd2ss of 2^-126 − 2^-150 is tiny after rounding (24 bits, unbounded exponent) although it rounds to 2^-126: UE (found by the SSE differential run)', () => {
    const narrow = (mxcsr: number) => {
      const c = go([0xf2, 0x0f, 0x5a, 0xca], (m) => { m.sse.x.u32.set([0xe0000000, 0x380fffff], 8); m.sse.mxcsr = mxcsr; });
      return [u32(c, 1)[0], c.sse.mxcsr & 0x3f];
    };
    expect(narrow(0x1f80)).toEqual([0x00800000, 0x30]); // nearest: ties-to-even gives 2^-126; UE | PE
    expect(narrow(0x1f80 | 0x4000)).toEqual([0x00800000, 0x30]); // up
    expect(narrow(0x1f80 | 0x4000 | 0x8000)).toEqual([0, 0x30]); // up with FTZ: flushed to +0
    expect(narrow(0x1f80 | 0x6000)).toEqual([0x007fffff, 0x30]); // toward zero: the largest denormal
  });
  it('cvtsi2sd xmm1, rcx (REX.W) and cvtsi2ss xmm1, ecx (upper lanes kept)', () => {
    expect(f64(go([0xf2, 0x48, 0x0f, 0x2a, 0xc9], (c) => { c.setGpr(G(1), -(2n ** 53n) - 1n); setF64(c, 1, [0, 9]); }), 1)).toEqual([-(2 ** 53), 9]);
    expect(f32(go([0xf3, 0x0f, 0x2a, 0xc9], (c) => { c.r[2] = -7; c.r[3] = 5; setF32(c, 1, [0, 1, 2, 3]); }), 1)).toEqual([-7, 1, 2, 3]);
  });
  it('cvttsd2si / cvtsd2si r64 and r32, the integer indefinite for NaN and overflow', () => {
    const cvt = (bytes: number[], v: number, mxcsr = 0x1f80) => go(bytes, (c) => { setF64(c, 1, [v, 0]); c.sse.mxcsr = mxcsr; c.setGpr(G(0), -1n); }).getGpr(G(0));
    expect(cvt([0xf2, 0x48, 0x0f, 0x2c, 0xc1], -2.7)).toBe(BigInt.asUintN(64, -2n));
    expect(cvt([0xf2, 0x48, 0x0f, 0x2d, 0xc1], -2.5)).toBe(BigInt.asUintN(64, -2n));
    expect(cvt([0xf2, 0x48, 0x0f, 0x2d, 0xc1], -2.5, 0x1f80 | 0x2000)).toBe(BigInt.asUintN(64, -3n));
    expect(cvt([0xf2, 0x0f, 0x2c, 0xc1], 3e9)).toBe(0x80000000n); // r32: zero-extended
    expect(cvt([0xf2, 0x48, 0x0f, 0x2c, 0xc1], NaN)).toBe(0x8000000000000000n);
  });
  it('cvtps2pd (m64) / cvtpd2ps (high half zeroed) / cvtdq2pd / cvttps2dq / cvtss2sd', () => {
    expect(f64(go([0x0f, 0x5a, 0x08], (c) => { c.r[0] = DATA; c.mem.dv.setFloat32(DATA, 1.5, true); c.mem.dv.setFloat32(DATA + 4, -0.25, true); }), 1)).toEqual([1.5, -0.25]);
    expect(u32(go([0x66, 0x0f, 0x5a, 0xca], (c) => { setF64(c, 2, [1, 2]); setF32(c, 1, [9, 9, 9, 9]); }), 1)).toEqual([0x3f800000, 0x40000000, 0, 0]);
    expect(f64(go([0xf3, 0x0f, 0xe6, 0xca], (c) => { c.sse.x.i32.set([-5, 7, 1, 1], 8); }), 1)).toEqual([-5, 7]);
    expect([...go([0xf3, 0x0f, 0x5b, 0xca], (c) => { setF32(c, 2, [1.9, -1.9, 3e9, NaN]); }).sse.x.i32.subarray(4, 8)]).toEqual([1, -1, -2147483648, -2147483648]);
    expect(f64(go([0xf3, 0x0f, 0x5a, 0xca], (c) => { setF32(c, 2, [0.1, 0, 0, 0]); setF64(c, 1, [0, 4]); }), 1)).toEqual([Math.fround(0.1), 4]);
  });
});
