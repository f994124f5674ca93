/**
 * The x87 transcendentals against host-FPU vectors (fixtures/trans-vectors.json,
 * gen-f80.c run with "trans"): every result bit-exact or within 1 ulp of the
 * host's (FSW equal but for C1, one register a neighbour), and at least the
 * measured share bit-exact (trans-check.ts). The live variant with a fresh,
 * larger sample is in x87-live.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { TRANS_OPS } from './replay.ts';
import { checkTrans, minExactShare, statsLine } from './trans-check.ts';
import { loadVectors } from './vectors.ts';

const vectors = loadVectors(new URL('./fixtures/trans-vectors.json', import.meta.url));

it('every transcendental vector set has a replay', () => {
  expect(Object.keys(vectors).filter((k) => !(k in TRANS_OPS))).toEqual([]);
});

describe('x87 transcendentals against host-FPU vectors', () => {
  for (const s of checkTrans(vectors)) {
    it(statsLine(s), () => {
      expect(s.bad.slice(0, 10).join('\n'), `${s.bad.length} of ${s.n} differ by more than 1 ulp`).toBe('');
      expect(s.exact / s.n).toBeGreaterThanOrEqual(minExactShare(s.name));
    });
  }
});
