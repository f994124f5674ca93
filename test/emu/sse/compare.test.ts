/** MIN/MAX, CMPcc, COMIS/UCOMIS bit-exact against the host vectors (flags and #XM included). */
import { describe, expect, it } from 'vitest';
import { comiOp } from '../../../src/emu/sse/compare.ts';
import { packedOp, scalarOp } from '../../../src/emu/sse/drive.ts';
import { F32, F64 } from '../../../src/emu/sse/fpbits.ts';
import { CMP, MAX, MIN } from '../../../src/emu/sse/ops.ts';
import { checkVectors } from './vectors.ts';

const expectClean = (r: ReturnType<typeof checkVectors>, min: number): void => {
  expect(r.bad).toEqual([]);
  expect(r.count).toBeGreaterThan(min);
};

describe('SSE compare vs host', () => {
  for (const [name, op] of [['min', MIN], ['max', MAX], ['cmp', CMP]] as const) {
    it(`${name}sd / ${name}ss`, () => {
      expectClean(checkVectors(`${name}sd`, (st, r) => scalarOp(st, F64, op, 0, 1, r.imm)), 10_000);
      expectClean(checkVectors(`${name}ss`, (st, r) => scalarOp(st, F32, op, 0, 1, r.imm)), 10_000);
    });
    it(`${name}pd / ${name}ps`, () => {
      expectClean(checkVectors(`${name}pd`, (st, r) => packedOp(st, F64, op, 0, 1, r.imm)), 5000);
      expectClean(checkVectors(`${name}ps`, (st, r) => packedOp(st, F32, op, 0, 1, r.imm)), 5000);
    });
  }
  for (const [name, f, signaling] of [
    ['comisd', F64, true], ['ucomisd', F64, false], ['comiss', F32, true], ['ucomiss', F32, false],
  ] as const) {
    it(name, () => {
      let fl = 0;
      const out = new Uint8Array(2);
      const r = checkVectors(
        name,
        (st) => (fl = comiOp(st, f, 0, 1, signaling)) < 0,
        () => ((out[0] = fl & 0xff), (out[1] = fl >> 8), out),
      );
      expectClean(r, 10_000);
    });
  }
});
