/**
 * Replays every host-FPU reference vector (fixtures/f80-vectors.json, see
 * vectors.ts and replay.ts) on the emulated x87 and requires bit-exact
 * agreement: FSW (flags, C0–C3, SF, ES, TOP), the full tag word, the stack
 * registers, memory results and RFLAGS.
 */
import { describe, expect, it } from 'vitest';
import { OPS, replay } from './replay.ts';
import { loadVectors } from './vectors.ts';

const vectors = loadVectors(new URL('./fixtures/f80-vectors.json', import.meta.url));

it('every vector set in the fixture has a replay', () => {
  expect(Object.keys(vectors).filter((k) => !(k in OPS))).toEqual([]);
});

describe('x87 against host-FPU vectors', () => {
  for (const [name, [load, run]] of Object.entries(OPS)) {
    it(`${name} (${vectors[name].length} vectors)`, () => {
      const bad: string[] = [];
      for (const v of vectors[name]) {
        const d = replay(v, load, run);
        if (d) bad.push(`${v.line}\n    ${d}`);
      }
      expect(bad.slice(0, 12).join('\n'), `${bad.length} of ${vectors[name].length} differ`).toBe('');
    });
  }
});
