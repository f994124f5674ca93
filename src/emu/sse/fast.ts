/**
 * Fast paths for the common case — normal operands and a normal result, any
 * rounding mode — done inline: no helper call takes or returns a double
 * that V8 would box, so the common case allocates nothing. Each returns
 * false (having changed nothing) when the general path (arith.ts,
 * convert.ts, round.ts) must decide: specials, denormals, zero, overflow,
 * underflow.
 *
 * Each computes r, the round-to-nearest result, and t, the sign of
 * (exact − r), from the same error terms as the general path: TwoSum,
 * Dekker's product (exact within the exponent windows checked below), exact
 * remainders; for binary32, Math.fround of a binary64 value that is exact
 * (sum, product, conversion) or lies at least 2^-48 (relative) away from any
 * binary32 number unless it is one (quotient, square root), so rounding
 * twice cannot differ from rounding once, and t is the sign of (v − r).
 * A directed mode then moves r by one unit in the last place (SDM Vol. 1
 * §4.8.4) when the exact value lies on that side.
 */
import type { Fmt } from './fpbits.ts';
import { type SseState, MX_PE, RC_NEAREST, RC_UP, RC_ZERO } from './mxcsr.ts';

const SPLIT = 134217729; // 2^27 + 1

/** Tests turn the fast paths off to check the general path against the same host vectors. */
export const fastPaths = { on: true };

function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Biased exponent field of element i. */
function expField(st: SseState, f: Fmt, i: number): number {
  return f.single ? (st.x.u32[i] >>> 23) & 0xff : (st.x.u32[2 * i + 1] >>> 20) & 0x7ff;
}

/** Both elements normal with |unbiased exponent| ≤ w (binary32 elements: any normal). */
function normalPair(st: SseState, f: Fmt, a: number, b: number, w: number): boolean {
  if (!fastPaths.on) return false;
  const ea = expField(st, f, a), eb = expField(st, f, b);
  if (f.single) return ea !== 0 && ea !== 0xff && eb !== 0 && eb !== 0xff;
  return Math.abs(ea - 1023) <= w && Math.abs(eb - 1023) <= w;
}

// The candidate result goes through this scratch, never through a call argument.
const S = new Float64Array(1), S32 = new Float32Array(S.buffer), SU = new Uint32Array(S.buffer);

/**
 * Store the nearest result r, held in the scratch (S or S32), to element d
 * given t = sign(exact − r): PE when t ≠ 0, and in a directed mode r's
 * neighbour when the exact value lies on the side the mode rounds to. False,
 * nothing stored, when the result would not be a normal number.
 */
function commit(st: SseState, f: Fmt, d: number, t: number): boolean {
  const single = f.single;
  const hi = single ? SU[0] : SU[1], lo = single ? 0 : SU[0];
  const e = single ? (hi >>> 23) & 0xff : (hi >>> 20) & 0x7ff, top = single ? 0xff : 0x7ff;
  if (e === 0 || e === top) return false; // zero, denormal, ∞
  let step = 0; // +1: next magnitude up, -1: down
  if (t !== 0) {
    const rc = st.rc, neg = hi >>> 31 === 1, beyond = t > 0 !== neg;
    const frac = single ? hi & 0x7fffff : (hi & 0xfffff) | lo;
    // The smallest normal reached from below: the exact value may be tiny
    // after rounding (p bits, unbounded exponent: §4.9.1.5) although the
    // rounded result is normal — roundTo decides UE.
    if (!beyond && e === 1 && frac === 0) return false;
    if (rc !== RC_NEAREST) {
      const away = rc !== RC_ZERO && (rc === RC_UP) !== neg;
      step = beyond && away ? 1 : !beyond && !away ? -1 : 0;
      const allOnes = single ? frac === 0x7fffff : (hi & 0xfffff) === 0xfffff && lo === 0xffffffff;
      if (step > 0 && e === top - 1 && allOnes) return false; // would overflow
    }
    st.post |= MX_PE;
  }
  const u = st.x.u32;
  if (single) u[d] = hi + step;
  else {
    // 64-bit increment/decrement of the magnitude in two uint32 halves.
    u[2 * d] = lo + step;
    u[2 * d + 1] = hi + (step > 0 && lo === 0xffffffff ? 1 : step < 0 && lo === 0 ? -1 : 0);
  }
  return true;
}

export function fastAdd(st: SseState, f: Fmt, d: number, a: number, b: number, negB: boolean): boolean {
  if (!normalPair(st, f, a, b, 1022)) return false;
  const x = st.x;
  const va = f.single ? x.f32[a] : x.f64[a], vb = f.single ? (negB ? -x.f32[b] : x.f32[b]) : negB ? -x.f64[b] : x.f64[b];
  const s = va + vb, bb = s - va, err = va - (s - bb) + (vb - bb);
  if (!f.single) return (S[0] = s), commit(st, f, d, sign(err));
  if (err !== 0) return false; // exponents far apart: the general path
  const r = Math.fround(s);
  S32[0] = r;
  return commit(st, f, d, sign(s - r));
}

/** Multiply (div = false) or divide; binary64 operands within 2^±480 keep Dekker's product exact. */
export function fastMulDiv(st: SseState, f: Fmt, d: number, a: number, b: number, div: boolean): boolean {
  if (!normalPair(st, f, a, b, 480)) return false;
  const x = st.x;
  if (f.single) {
    const v = div ? x.f32[a] / x.f32[b] : x.f32[a] * x.f32[b], r = Math.fround(v);
    S32[0] = r;
    return commit(st, f, d, sign(v - r));
  }
  const va = x.f64[a], vb = x.f64[b];
  const q = div ? va / vb : va;
  let t = SPLIT * q;
  const qh = t - (t - q), ql = q - qh;
  t = SPLIT * vb;
  const bh = t - (t - vb), bl = vb - bh;
  const p = q * vb, err = qh * bh - p + qh * bl + ql * bh + ql * bl;
  // Division: exact = q + (va − q·vb)/vb with the remainder (va − p) − err exact; product: exact = p + err.
  S[0] = div ? q : p;
  return commit(st, f, d, div ? sign(va - p - err) * sign(vb) : sign(err));
}

export function fastSqrt(st: SseState, f: Fmt, d: number, b: number): boolean {
  if (!normalPair(st, f, b, b, 900)) return false;
  const x = st.x;
  const v = f.single ? x.f32[b] : x.f64[b];
  if (!(v > 0)) return false;
  const q = Math.sqrt(v);
  if (f.single) {
    const r = Math.fround(q);
    S32[0] = r;
    return commit(st, f, d, sign(q - r));
  }
  const t = SPLIT * q, qh = t - (t - q), ql = q - qh;
  const p = q * q, err = qh * qh - p + 2 * qh * ql + ql * ql;
  S[0] = q;
  return commit(st, f, d, sign(v - p - err));
}

/** CVTSD2SS/CVTPD2PS element: binary64 s to binary32 d, normal source and result. */
export function fastNarrow(st: SseState, f32: Fmt, d: number, s: number): boolean {
  if (!fastPaths.on) return false;
  const e = (st.x.u32[2 * s + 1] >>> 20) & 0x7ff;
  if (e === 0 || e === 0x7ff) return false;
  const v = st.x.f64[s], r = Math.fround(v);
  S32[0] = r;
  return commit(st, f32, d, sign(v - r));
}

/**
 * CVTSI2SD/SS, CVTDQ2PS/PD element: the integer hi·2^32 + lo when it is
 * non-zero and below 2^53 in magnitude (exact as a double).
 */
export function fastIntToFp(st: SseState, f: Fmt, d: number, lo: number, hi: number): boolean {
  if (!fastPaths.on) return false;
  if (hi >= 0x200000 || hi < -0x200000) return false;
  const v = hi * 4294967296 + (lo >>> 0);
  if (!f.single) return (S[0] = v), commit(st, f, d, 0);
  const r = Math.fround(v);
  S32[0] = r;
  return commit(st, f, d, sign(v - r));
}
