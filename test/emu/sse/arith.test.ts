/** ADD/SUB/MUL/DIV/SQRT, scalar and packed, bit-exact against the host vectors (flags and #XM included). */
import { describe, expect, it } from 'vitest';
import { packedOp, scalarOp } from '../../../src/emu/sse/drive.ts';
import { F32, F64 } from '../../../src/emu/sse/fpbits.ts';
import { ADD, DIV, MUL, SQRT, SUB } from '../../../src/emu/sse/ops.ts';
import { checkVectors } from './vectors.ts';

const CASES = [
  ['add', ADD], ['sub', SUB], ['mul', MUL], ['div', DIV], ['sqrt', SQRT],
] as const;

describe('SSE arithmetic vs host', () => {
  for (const [name, op] of CASES) {
    for (const [sfx, f] of [['sd', F64], ['ss', F32]] as const) {
      it(`${name}${sfx}`, () => {
        const r = checkVectors(`${name}${sfx}`, (st) => scalarOp(st, f, op, 0, 1));
        expect(r.bad).toEqual([]);
        expect(r.count).toBeGreaterThan(10_000);
      });
    }
    for (const [sfx, f] of [['pd', F64], ['ps', F32]] as const) {
      it(`${name}${sfx}`, () => {
        const r = checkVectors(`${name}${sfx}`, (st) => packedOp(st, f, op, 0, 1));
        expect(r.bad).toEqual([]);
        expect(r.count).toBeGreaterThan(4000);
      });
    }
  }
});
