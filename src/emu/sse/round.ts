/**
 * Correct rounding of an exactly known result to binary32/binary64 in any
 * MXCSR rounding mode (SDM Vol. 1 §4.8.4), with the post-computation
 * exceptions: overflow (§4.9.1.4, with its masked response), underflow
 * with tininess detected after rounding and FTZ (§4.9.1.5, §10.2.3.3), and
 * inexact (§4.9.1.6).
 *
 * The caller describes the exact result as  ±(mag + t)·2^k  where mag > 0 is
 * a double, t is a tail smaller than half an ulp of mag (in binary64) known
 * only by its sign `tail` (+1: |exact| > mag, -1: below, 0: exact), and k an
 * integer scale. TwoSum/TwoProduct and exact remainders (arith.ts) produce
 * mag and the tail's sign; the tail's sign is all that rounding needs: a
 * tail below half an ulp never moves the value across a representable
 * number or a midpoint of the (coarser or equal) target grid, and it breaks
 * the ties that the grid would otherwise see — this is what makes binary32
 * results computed in binary64 correct in the directed modes too.
 */
import { type Fmt, F64, expOf, ldexp, pow2, writeLane } from './fpbits.ts';
import { type SseState, MX_OE, MX_PE, MX_UE, RC_DOWN, RC_NEAREST, RC_UP, RC_ZERO } from './mxcsr.ts';

// Rounding of a magnitude: to nearest-even, toward zero, away from zero.
const NEAREST = 0, TRUNC = 1, AWAY = 2;

function magMode(rc: number, neg: boolean): number {
  if (rc === RC_NEAREST) return NEAREST;
  if (rc === RC_ZERO) return TRUNC;
  return (rc === RC_UP) !== neg ? AWAY : TRUNC;
}

let inexact = false;
/** Round the exact value n + tail·ε (n ≥ 0, 0 < ε ≤ half an ulp of n) to an integer. */
function roundInt(n: number, tail: number, mode: number): number {
  const fl = Math.floor(n), frac = n - fl;
  if (frac === 0 && tail === 0) {
    inexact = false;
    return fl;
  }
  inexact = true;
  if (mode === NEAREST) {
    if (frac > 0.5) return fl + 1;
    if (frac < 0.5) return fl;
    return tail > 0 || (tail === 0 && fl % 2 === 1) ? fl + 1 : fl;
  }
  if (mode === TRUNC) return frac === 0 && tail < 0 ? fl - 1 : fl;
  return frac === 0 && tail < 0 ? fl : fl + 1;
}

/**
 * Round ±(mag + t)·2^k to format f under st.rc into element d (of f's view:
 * results are written, not returned, so that no double is boxed); ORs
 * OE/UE/PE into st.post. The result is ±0, a denormal, a normal, or ±∞ /
 * ±max on overflow.
 */
export function roundTo(st: SseState, f: Fmt, d: number, neg: boolean, mag: number, tail: number, k: number): void {
  let E = expOf(mag);
  let e = E + k; // exponent of the exact value
  // Fast path: binary64, nearest, the scaled value is a normal double.
  if (f === F64 && st.rc === RC_NEAREST && e >= -1022 && e <= 1023 && k >= -1074 && k <= 1023) {
    const v = mag * pow2(k);
    if (tail !== 0) st.post |= MX_PE;
    return writeLane(st.x, f, d, neg ? -v : v);
  }
  const mode = magMode(st.rc, neg);
  // [1, 2), exact (a denormal mag is scaled by 2^64 first)
  let m = E < -1022 ? mag * 2 ** 64 * pow2(-E - 64) : mag * pow2(-E);
  if (m === 1 && tail < 0) {
    // The exact value lies just below 2^e, in the binade whose grid is twice as fine.
    m = 2;
    E--;
    e--;
  }
  // Round to p bits with an unbounded exponent: decides overflow and tininess.
  const s = f.p - 1;
  let q = roundInt(m * pow2(s), tail, mode);
  const inexact1 = inexact;
  if (q === pow2(s + 1)) {
    q /= 2;
    e++;
  }
  if (e > f.emax) return writeLane(st.x, f, d, overflow(st, f, neg, mode, inexact1));
  if (e >= f.emin) {
    if (inexact1) st.post |= MX_PE;
    const v = ldexp(q, e - s);
    return writeLane(st.x, f, d, neg ? -v : v);
  }
  // Tiny after rounding (§4.9.1.5).
  if (~st.masks & MX_UE) {
    st.post |= MX_UE | (inexact1 ? MX_PE : 0);
    return; // not delivered
  }
  if (st.ftz) {
    st.post |= MX_UE | MX_PE;
    return writeLane(st.x, f, d, neg ? -0 : 0);
  }
  // Denormal: keep the bits at or above 2^(emin - p + 1); far below, only the direction matters.
  const sd = s - (f.emin - (E + k));
  const r = sd >= -1000 ? roundInt(m * pow2(sd), tail, mode) : roundInt(0.25, 1, mode);
  if (inexact) st.post |= MX_UE | MX_PE;
  const v = ldexp(r, f.emin - s);
  return writeLane(st.x, f, d, neg ? -v : v);
}

/** Overflow response (§4.9.1.4): ∞ or the largest finite value by rounding direction. */
function overflow(st: SseState, f: Fmt, neg: boolean, mode: number, inexact1: boolean): number {
  // Unmasked, the result is not delivered and PE means "the p-bit rounding
  // was inexact" (host-verified); masked, the delivered ∞/max is always inexact.
  st.post |= st.masks & MX_OE || inexact1 ? MX_OE | MX_PE : MX_OE;
  const v = mode === TRUNC ? f.max : Infinity;
  return neg ? -v : v;
}

/** The sign of an exact zero sum x + y with x = -y, or both zero (SDM Vol. 1 §4.8.3.1; IEEE 754-2008 §6.3). */
export function zeroSumSign(st: SseState, xNeg: boolean, yNeg: boolean): boolean {
  return xNeg === yNeg ? xNeg : st.rc === RC_DOWN;
}

/**
 * v rounded to an integral value in rounding mode rc (ROUNDSS/ROUNDPS,
 * CVT*2SI); the sign is kept (-0.25 → -0 to nearest). Inexact iff the result
 * differs from v. |v| ≥ 2^52 is already integral.
 */
export function roundToIntegral(v: number, rc: number): number {
  const a = Math.abs(v);
  if (a === 0 || !(a < 2 ** 52)) return v;
  let q = Math.trunc(a);
  const frac = a - q;
  if (frac !== 0) {
    if (rc === RC_NEAREST) q += frac > 0.5 || (frac === 0.5 && q % 2 === 1) ? 1 : 0;
    else if (rc !== RC_ZERO && (rc === RC_UP) === v > 0) q += 1;
  }
  return v < 0 ? -q : q;
}
