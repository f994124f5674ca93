/**
 * RCPSS/RCPPS and RSQRTSS/RSQRTPS (SDM Vol. 2 RCPPS, RSQRTPS): approximate
 * 1/x and 1/√x of binary32 elements, no exceptions, MXCSR ignored.
 *
 * The SDM only bounds the relative error (≤ 1.5·2^-12) and leaves the bits to
 * the implementation. Intel and AMD each use a table (on the AMD EPYC host of
 * our vectors the result depends only on the top 12 fraction bits and the
 * exponent, and fits no simple formula). We return the exact value rounded
 * to 12 significant bits (half up): relative error ≤ 2^-12, within the bound,
 * but not the host's bits (see test/emu/sse/approx.test.ts for what is
 * checked bit-exactly: every special case, and the flush rules).
 *
 * Special cases (SDM and host): a denormal source counts as zero (with or
 * without DAZ): ±0 → ±∞; ±∞ → ±0; NaN → quieted NaN; RSQRT of a negative
 * non-zero value → QNaN indefinite; a result below 2^-126 is flushed to ±0.
 */
import { C_DENORM, C_INF, C_QNAN, C_ZERO, F32, class32, expOf, indefinite, pow2, quietLane } from './fpbits.ts';
import type { SseState } from './mxcsr.ts';

function round12(y: number): number {
  const e = expOf(y);
  return (Math.round(y * pow2(11 - e)) * pow2(e - 11));
}

/** Element b of binary32 → element d: 1/x (rsqrt = false) or 1/√x. */
export function approxLane(st: SseState, d: number, b: number, rsqrt: boolean): void {
  const x = st.x, c = class32(x, b), neg = x.u32[b] >>> 31 === 1;
  if (c >= C_QNAN) return quietLane(x, F32, d, b);
  if (c === C_ZERO || c === C_DENORM) {
    x.f32[d] = neg ? -Infinity : Infinity;
    return;
  }
  if (rsqrt && neg) return indefinite(x, F32, d);
  if (c === C_INF) {
    x.f32[d] = neg ? -0 : 0;
    return;
  }
  const v = Math.abs(x.f32[b]);
  const r = round12(rsqrt ? 1 / Math.sqrt(v) : 1 / v);
  const out = r < 2 ** -126 ? 0 : r;
  x.f32[d] = neg ? -out : out;
}
