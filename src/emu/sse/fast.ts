/**
 * Round-to-nearest fast paths for the common case — normal operands and a
 * normal result — done inline: no helper call takes or returns a double
 * (V8 boxes a double passed to or returned from a call it did not inline),
 * so the common case allocates nothing. Each returns false when the general
 * path (arith.ts, round.ts) must decide. Exactness (PE) comes from the same
 * error terms as there: TwoSum / Dekker's product (exact in the exponent
 * windows checked below) and exact remainders; for binary32 from
 * Math.fround of a binary64 result that is exact (sum, product) or lies at
 * least 2^-48 (relative) away from any binary32 number unless it is one
 * (quotient, square root), so rounding twice cannot differ from once.
 */
import type { Fmt } from './fpbits.ts';
import { type SseState, MX_PE, RC_NEAREST } from './mxcsr.ts';

const SPLIT = 134217729; // 2^27 + 1
const MIN64 = 2 ** -1022, MIN32 = 2 ** -126, MAX32 = (2 - 2 ** -23) * 2 ** 127;

/** Biased exponent field of element i. */
function expField(st: SseState, f: Fmt, i: number): number {
  return f.single ? (st.x.u32[i] >>> 23) & 0xff : (st.x.u32[2 * i + 1] >>> 20) & 0x7ff;
}

/** Both elements normal with |unbiased exponent| ≤ w (binary32 elements: any normal). */
function normalPair(st: SseState, f: Fmt, a: number, b: number, w: number): boolean {
  if (st.rc !== RC_NEAREST) return false;
  const ea = expField(st, f, a), eb = expField(st, f, b);
  if (f.single) return ea !== 0 && ea !== 0xff && eb !== 0 && eb !== 0xff;
  return Math.abs(ea - 1023) <= w && Math.abs(eb - 1023) <= w;
}

/** Store a binary32 result r (of the binary64 value v) if normal. */
function store32(st: SseState, d: number, r: number, v: number): boolean {
  const m = Math.abs(r);
  if (!(m >= MIN32 && m <= MAX32)) return false;
  if (r !== v) st.post |= MX_PE;
  st.x.f32[d] = r;
  return true;
}

export function fastAdd(st: SseState, f: Fmt, d: number, a: number, b: number, negB: boolean): boolean {
  if (!normalPair(st, f, a, b, 1022)) return false;
  const x = st.x;
  const va = f.single ? x.f32[a] : x.f64[a], vb = f.single ? (negB ? -x.f32[b] : x.f32[b]) : negB ? -x.f64[b] : x.f64[b];
  const s = va + vb, bb = s - va, err = va - (s - bb) + (vb - bb);
  if (f.single) return err === 0 && store32(st, d, Math.fround(s), s);
  const m = Math.abs(s);
  if (!(m >= MIN64 && m < Infinity)) return false;
  if (err !== 0) st.post |= MX_PE;
  x.f64[d] = s;
  return true;
}

/** Multiply (div = false) or divide; binary64 operands within 2^±480 keep Dekker's product exact. */
export function fastMulDiv(st: SseState, f: Fmt, d: number, a: number, b: number, div: boolean): boolean {
  if (!normalPair(st, f, a, b, 480)) return false;
  const x = st.x;
  if (f.single) {
    const v = div ? x.f32[a] / x.f32[b] : x.f32[a] * x.f32[b];
    return store32(st, d, Math.fround(v), v);
  }
  const va = x.f64[a], vb = x.f64[b];
  const q = div ? va / vb : va;
  let t = SPLIT * q;
  const qh = t - (t - q), ql = q - qh;
  t = SPLIT * vb;
  const bh = t - (t - vb), bl = vb - bh;
  const p = q * vb, err = qh * bh - p + qh * bl + ql * bh + ql * bl;
  // Division: the remainder va - q·vb = (va - p) - err is exact; multiplication: p + err is exact.
  if (div ? va - p - err !== 0 : err !== 0) st.post |= MX_PE;
  x.f64[d] = div ? q : p;
  return true;
}

export function fastSqrt(st: SseState, f: Fmt, d: number, b: number): boolean {
  if (!normalPair(st, f, b, b, 900)) return false;
  const x = st.x;
  if (f.single) {
    const v = x.f32[b];
    return v > 0 && store32(st, d, Math.fround(Math.sqrt(v)), Math.sqrt(v));
  }
  const v = x.f64[b];
  if (!(v > 0)) return false;
  const q = Math.sqrt(v);
  const t = SPLIT * q, qh = t - (t - q), ql = q - qh;
  const p = q * q, err = qh * qh - p + 2 * qh * ql + ql * ql;
  if (v - p - err !== 0) st.post |= MX_PE;
  x.f64[d] = q;
  return true;
}
