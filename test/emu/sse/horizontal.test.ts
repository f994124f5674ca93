/** ROUND*, HADD/HSUB, ADDSUB, DPPS/DPPD bit-exact against the host vectors (flags and #XM included). */
import { describe, expect, it } from 'vitest';
import { packedOp, scalarOp } from '../../../src/emu/sse/drive.ts';
import { F32, F64 } from '../../../src/emu/sse/fpbits.ts';
import { addSubOp, dotProductOp, horizontalOp } from '../../../src/emu/sse/horizontal.ts';
import { ROUND } from '../../../src/emu/sse/ops.ts';
import { checkVectors } from './vectors.ts';

const expectClean = (r: ReturnType<typeof checkVectors>, min: number): void => {
  expect(r.bad).toEqual([]);
  expect(r.count).toBeGreaterThan(min);
};

describe('SSE rounding and cross-element operations vs host', () => {
  it('roundsd / roundss (imm8 modes, precision suppression)', () => {
    expectClean(checkVectors('roundsd', (st, r) => scalarOp(st, F64, ROUND, 0, 1, r.imm)), 20_000);
    expectClean(checkVectors('roundss', (st, r) => scalarOp(st, F32, ROUND, 0, 1, r.imm)), 20_000);
  });
  it('roundpd / roundps', () => {
    expectClean(checkVectors('roundpd', (st, r) => packedOp(st, F64, ROUND, 0, 1, r.imm)), 5000);
    expectClean(checkVectors('roundps', (st, r) => packedOp(st, F32, ROUND, 0, 1, r.imm)), 5000);
  });
  for (const [name, f, sub] of [
    ['haddpd', F64, false], ['hsubpd', F64, true], ['haddps', F32, false], ['hsubps', F32, true],
  ] as const) {
    it(name, () => expectClean(checkVectors(name, (st) => horizontalOp(st, f, 0, 1, sub)), 5000));
  }
  it('addsubpd / addsubps', () => {
    expectClean(checkVectors('addsubpd', (st) => addSubOp(st, F64, 0, 1)), 5000);
    expectClean(checkVectors('addsubps', (st) => addSubOp(st, F32, 0, 1)), 5000);
  });
  it('dppd / dpps (random imm8)', () => {
    expectClean(checkVectors('dppd', (st, r) => dotProductOp(st, F64, 0, 1, r.imm)), 20_000);
    expectClean(checkVectors('dpps', (st, r) => dotProductOp(st, F32, 0, 1, r.imm)), 20_000);
  });
});
