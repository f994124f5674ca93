/** CVT* conversions bit-exact against the host vectors (flags and #XM included). */
import { describe, expect, it } from 'vitest';
import {
  cvtdq2fp, cvtfp2dq, cvtfp2si, cvtPackedFp, cvtScalarFp, cvtsi2fp,
} from '../../../src/emu/sse/convert.ts';
import { F32, F64 } from '../../../src/emu/sse/fpbits.ts';
import type { SseState } from '../../../src/emu/sse/mxcsr.ts';
import { type Rec, checkVectors } from './vectors.ts';

const expectClean = (r: ReturnType<typeof checkVectors>, min: number): void => {
  expect(r.bad).toEqual([]);
  expect(r.count).toBeGreaterThan(min);
};
const i32 = (u: Uint8Array, o = 0): number => u[o] | (u[o + 1] << 8) | (u[o + 2] << 16) | (u[o + 3] << 24);

describe('SSE conversions vs host', () => {
  it('cvtsd2ss / cvtss2sd', () => {
    expectClean(checkVectors('cvtsd2ss', (st) => cvtScalarFp(st, F64, 0, 1)), 20_000);
    expectClean(checkVectors('cvtss2sd', (st) => cvtScalarFp(st, F32, 0, 1)), 10_000);
  });
  it('cvtps2pd / cvtpd2ps', () => {
    expectClean(checkVectors('cvtps2pd', (st) => cvtPackedFp(st, F32, 0, 1)), 4000);
    expectClean(checkVectors('cvtpd2ps', (st) => cvtPackedFp(st, F64, 0, 1)), 4000);
  });
  for (const [name, f] of [['cvtsi2sd', F64], ['cvtsi2ss', F32]] as const) {
    it(`${name} r32 / r64`, () => {
      const r32 = (st: SseState, r: Rec): boolean => cvtsi2fp(st, f, 0, i32(r.b), i32(r.b) >> 31);
      const r64 = (st: SseState, r: Rec): boolean => cvtsi2fp(st, f, 0, i32(r.b), i32(r.b, 4));
      expectClean(checkVectors(`${name}32`, r32), 5000);
      expectClean(checkVectors(`${name}64`, r64), 10_000);
    });
  }
  for (const [name, f] of [['sd', F64], ['ss', F32]] as const) {
    for (const trunc of [false, true]) {
      it(`cvt${trunc ? 't' : ''}${name}2si r32 / r64`, () => {
        for (const bits64 of [false, true]) {
          const out = new Uint8Array(8), dv = new DataView(out.buffer);
          const r = checkVectors(
            `cvt${trunc ? 't' : ''}${name}2si${bits64 ? 64 : 32}`,
            (st) => cvtfp2si(st, f, 1, bits64, trunc),
            (st) => (dv.setInt32(0, st.ilo, true), dv.setInt32(4, st.ihi, true), out.subarray(0, bits64 ? 8 : 4)),
          );
          expectClean(r, 10_000);
        }
      });
    }
  }
  it('cvtdq2ps / cvtdq2pd', () => {
    expectClean(checkVectors('cvtdq2ps', (st) => cvtdq2fp(st, F32, 0, 1)), 5000);
    expectClean(checkVectors('cvtdq2pd', (st) => cvtdq2fp(st, F64, 0, 1)), 2000);
  });
  it('cvt(t)ps2dq / cvt(t)pd2dq', () => {
    expectClean(checkVectors('cvtps2dq', (st) => cvtfp2dq(st, F32, 0, 1, false)), 5000);
    expectClean(checkVectors('cvttps2dq', (st) => cvtfp2dq(st, F32, 0, 1, true)), 5000);
    expectClean(checkVectors('cvtpd2dq', (st) => cvtfp2dq(st, F64, 0, 1, false)), 5000);
    expectClean(checkVectors('cvttpd2dq', (st) => cvtfp2dq(st, F64, 0, 1, true)), 5000);
  });
});
