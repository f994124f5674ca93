/**
 * Replays transcendental vectors (gen-f80.c "trans" mode) and sorts each
 * into bit-exact, within 1 ulp (one register a neighbour of the host's, C1
 * to match: the SDM's bound, Vol. 1 8.3.10) or different.
 */
import type { X87State } from '../../../src/emu/fpu/x87-state.ts';
import { TRANS_OPS, replay } from './replay.ts';
import { type Extra, type Vec, within1Ulp } from './vectors.ts';

export interface TransStats { name: string; n: number; exact: number; ulp: number; bad: string[] }

export function checkTrans(vectors: Record<string, Vec[]>): TransStats[] {
  return Object.entries(vectors).map(([name, vs]) => {
    const [load, run] = TRANS_OPS[name];
    const st: TransStats = { name, n: vs.length, exact: 0, ulp: 0, bad: [] };
    for (const v of vs) {
      let after: [X87State, Extra] | undefined;
      const d = replay(v, load, (s, vv, x) => { run(s, vv, x); after = [s, x]; });
      if (!d) st.exact++;
      else if (after && within1Ulp(v, after[0], after[1])) st.ulp++;
      else st.bad.push(`${v.line}\n    ${d}`);
    }
    return st;
  });
}

/** Least share of bit-exact results per set (measured on the AMD EPYC host: docs/emu.md); the sets of stack faults must all be exact. */
export function minExactShare(name: string): number {
  if (name.includes('_')) return 1;
  return name === 'fptan' ? 0.8 : 0.9;
}

export function statsLine(s: TransStats): string {
  return `${s.name}: ${s.n} vectors, ${s.exact} exact (${((100 * s.exact) / s.n).toFixed(1)} %), ${s.ulp} within 1 ulp, ${s.bad.length} other`;
}
