/**
 * The general correctly-rounded path (arith.ts, convert.ts, round.ts) on its
 * own: with src/emu/sse/fast.ts switched off, the same host vectors must
 * still match bit for bit — the fast paths are an optimisation of it, and
 * this keeps both checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cvtdq2fp, cvtPackedFp, cvtScalarFp, cvtsi2fp } from '../../../src/emu/sse/convert.ts';
import { packedOp, scalarOp } from '../../../src/emu/sse/drive.ts';
import { fastPaths } from '../../../src/emu/sse/fast.ts';
import { F32, F64 } from '../../../src/emu/sse/fpbits.ts';
import { dotProductOp } from '../../../src/emu/sse/horizontal.ts';
import { ADD, DIV, MUL, SQRT, SUB } from '../../../src/emu/sse/ops.ts';
import { checkVectors } from './vectors.ts';

const i32 = (u: Uint8Array, o = 0): number => u[o] | (u[o + 1] << 8) | (u[o + 2] << 16) | (u[o + 3] << 24);
const expectClean = (r: ReturnType<typeof checkVectors>): void => {
  expect(r.bad).toEqual([]);
  expect(r.count).toBeGreaterThan(4000);
};

describe('general path only (fast paths off) vs host', () => {
  beforeAll(() => void (fastPaths.on = false));
  afterAll(() => void (fastPaths.on = true));

  for (const [name, op] of [['add', ADD], ['sub', SUB], ['mul', MUL], ['div', DIV], ['sqrt', SQRT]] as const) {
    it(`${name}sd ${name}ss ${name}pd ${name}ps`, () => {
      expectClean(checkVectors(`${name}sd`, (st) => scalarOp(st, F64, op, 0, 1)));
      expectClean(checkVectors(`${name}ss`, (st) => scalarOp(st, F32, op, 0, 1)));
      expectClean(checkVectors(`${name}pd`, (st) => packedOp(st, F64, op, 0, 1)));
      expectClean(checkVectors(`${name}ps`, (st) => packedOp(st, F32, op, 0, 1)));
    });
  }
  it('dpps, cvtsd2ss, cvtpd2ps, cvtsi2ss64, cvtdq2ps', () => {
    expectClean(checkVectors('dpps', (st, r) => dotProductOp(st, F32, 0, 1, r.imm)));
    expectClean(checkVectors('cvtsd2ss', (st) => cvtScalarFp(st, F64, 0, 1)));
    expectClean(checkVectors('cvtpd2ps', (st) => cvtPackedFp(st, F64, 0, 1)));
    expectClean(checkVectors('cvtsi2ss64', (st, r) => cvtsi2fp(st, F32, 0, i32(r.b), i32(r.b, 4))));
    expectClean(checkVectors('cvtdq2ps', (st) => cvtdq2fp(st, F32, 0, 1)));
  });
});
