/**
 * CVT* conversions (SDM Vol. 2 CVTDQ2PD … CVTTSS2SI; Vol. 1 §4.2.1.2 integer
 * indefinite, §11.5.2 exceptions): binary32 ↔ binary64, integers ↔ floating
 * point in the MXCSR rounding mode, and floating point → integer in the MXCSR
 * mode or truncating (CVTT*). An out-of-range or NaN source gives the integer
 * indefinite (0x80000000 / 0x8000000000000000) and IE.
 */
import { ex, sgn, twoSum } from './exact.ts';
import { fastIntToFp, fastNarrow } from './fast.ts';
import {
  type Fmt, C_INF, C_QNAN, C_SNAN, F32, F64, classOf, denormalCheck, operand, writeLane,
} from './fpbits.ts';
import { type SseState, MX_IE, MX_PE, RC_ZERO, beginFp, endFp } from './mxcsr.ts';
import { roundTo, roundToIntegral } from './round.ts';
import { XMM_RES } from './xmm.ts';

/** Element s of format `from` converted to element d of format `to` (CVTSS2SD, CVTSD2SS, CVTPS2PD, CVTPD2PS). */
export function fpToFp(st: SseState, from: Fmt, to: Fmt, d: number, s: number): void {
  if (to.single && fastNarrow(st, to, d, s)) return;
  const x = st.x, u = x.u32, c = classOf(x, from, s);
  if (c >= C_QNAN) {
    if (c === C_SNAN) st.pre |= MX_IE;
    // The quieted NaN keeps sign and the top fraction bits (Table 4-7).
    if (to.single) u[d] = (u[2 * s + 1] & 0x80000000) | 0x7fc00000 | ((u[2 * s + 1] & 0x7ffff) << 3) | (u[2 * s] >>> 29);
    else {
      u[2 * d + 1] = (u[s] & 0x80000000) | 0x7ff80000 | ((u[s] & 0x3fffff) >>> 3);
      u[2 * d] = u[s] << 29;
    }
    return;
  }
  denormalCheck(st, c, c);
  const v = operand(st, from, s, c);
  if (v === 0 || c === C_INF || !to.single) return writeLane(x, to, d, v); // widening is exact
  roundTo(st, to, d, v < 0, Math.abs(v), 0, 0);
}

/** The signed integer hi·2^32 + lo (lo unsigned, hi signed) rounded to format `to`, into element d. */
export function intToFp(st: SseState, to: Fmt, d: number, lo: number, hi: number): void {
  if (fastIntToFp(st, to, d, lo, hi)) return;
  const s = twoSum(hi * 4294967296, lo >>> 0); // both exact; s + err is the integer
  if (s === 0) return writeLane(st.x, to, d, 0);
  const neg = s < 0;
  roundTo(st, to, d, neg, Math.abs(s), neg ? -sgn(ex.err) : sgn(ex.err), 0);
}

/**
 * Element s of format `from` to a signed integer of 32 or 64 bits, rounded by
 * MXCSR.RC or truncated; the result goes to st.ilo/st.ihi. No DE: these
 * instructions report only IE and PE (SDM Vol. 2 CVTSD2SI "SIMD Floating-Point
 * Exceptions"); a denormal under DAZ converts as zero.
 */
export function fpToInt(st: SseState, from: Fmt, s: number, bits64: boolean, truncate: boolean): void {
  const c = classOf(st.x, from, s);
  const lim = bits64 ? 9223372036854775808 : 2147483648;
  let r = NaN, inexact = false;
  if (c < C_INF) {
    const v = operand(st, from, s, c);
    r = roundToIntegral(v, truncate ? RC_ZERO : st.rc);
    inexact = r !== v;
  }
  if (!(r >= -lim && r < lim)) {
    // NaN, ∞ or out of range: integer indefinite; no PE with IE (host-verified).
    st.pre |= MX_IE;
    st.ilo = bits64 ? 0 : 0x80000000 | 0;
    st.ihi = bits64 ? 0x80000000 | 0 : -1;
    return;
  }
  if (inexact) st.post |= MX_PE;
  const hi = Math.floor(r / 4294967296);
  st.ilo = (r - hi * 4294967296) | 0;
  st.ihi = bits64 ? hi | 0 : st.ilo >> 31;
}

// ---- instruction drivers (true: unmasked exception, destination untouched) ----

/** CVTSI2SS/CVTSI2SD dst, r/m32|64: the integer as int32 halves (hi = lo >> 31 for r/m32). */
export function cvtsi2fp(st: SseState, to: Fmt, dst: number, lo: number, hi: number): boolean {
  beginFp(st);
  const n = to.single ? 4 : 2;
  intToFp(st, to, XMM_RES * n, lo, hi);
  if (endFp(st)) return true;
  if (to.single) st.x.u32[dst * 4] = st.x.u32[XMM_RES * 4];
  else st.x.f64[dst * 2] = st.x.f64[XMM_RES * 2];
  return false;
}

/** CVT(T)SS2SI/CVT(T)SD2SI r, xmm/m: element 0 of src; the integer is in st.ilo/st.ihi when false is returned. */
export function cvtfp2si(st: SseState, from: Fmt, src: number, bits64: boolean, truncate: boolean): boolean {
  beginFp(st);
  fpToInt(st, from, src * (from.single ? 4 : 2), bits64, truncate);
  return endFp(st);
}

/** CVTSS2SD (from = F32) / CVTSD2SS (from = F64) dst, src: element 0; the rest of dst is kept. */
export function cvtScalarFp(st: SseState, from: Fmt, dst: number, src: number): boolean {
  beginFp(st);
  const to = from.single ? F64 : F32;
  fpToFp(st, from, to, XMM_RES * (to.single ? 4 : 2), src * (from.single ? 4 : 2));
  if (endFp(st)) return true;
  if (to.single) st.x.u32[dst * 4] = st.x.u32[XMM_RES * 4];
  else st.x.f64[dst * 2] = st.x.f64[XMM_RES * 2];
  return false;
}

/** CVTPS2PD (from = F32: low two binary32 → two binary64) / CVTPD2PS (two binary64 → low two binary32, high zeroed). */
export function cvtPackedFp(st: SseState, from: Fmt, dst: number, src: number): boolean {
  beginFp(st);
  const to = from.single ? F64 : F32, nt = to.single ? 4 : 2, nf = from.single ? 4 : 2;
  st.x.f64[XMM_RES * 2 + 1] = 0;
  for (let k = 0; k < 2; k++) fpToFp(st, from, to, XMM_RES * nt + k, src * nf + k);
  return commit(st, dst);
}

/** CVTDQ2PS (to = F32: four int32) / CVTDQ2PD (to = F64: low two int32). */
export function cvtdq2fp(st: SseState, to: Fmt, dst: number, src: number): boolean {
  beginFp(st);
  const n = to.single ? 4 : 2, i = st.x.i32;
  for (let k = 0; k < n; k++) intToFp(st, to, XMM_RES * n + k, i[src * 4 + k], i[src * 4 + k] >> 31);
  return commit(st, dst);
}

/** CVT(T)PS2DQ (from = F32: four results) / CVT(T)PD2DQ (from = F64: two results, high half zeroed). */
export function cvtfp2dq(st: SseState, from: Fmt, dst: number, src: number, truncate: boolean): boolean {
  beginFp(st);
  const n = from.single ? 4 : 2, r = XMM_RES * 4, i = st.x.i32;
  i[r + 2] = i[r + 3] = 0;
  for (let k = 0; k < n; k++) {
    fpToInt(st, from, src * n + k, false, truncate);
    i[r + k] = st.ilo;
  }
  return commit(st, dst);
}

function commit(st: SseState, dst: number): boolean {
  if (endFp(st)) return true;
  st.x.copy(dst, XMM_RES);
  return false;
}

