/**
 * Binary32/binary64 encodings (SDM Vol. 1 §4.2.2, §4.8): formats, operand
 * classes read from the raw bits (NaNs are never passed through JS
 * arithmetic: reading a binary32 SNaN through a Float32Array quiets it), the
 * NaN results of Table 4-7, DAZ (§10.2.3.4) and the denormal-operand flag
 * (§4.9.1.2), and exact powers of two.
 */
import { type SseState, MX_DE, MX_IE } from './mxcsr.ts';
import type { XmmFile } from './xmm.ts';

/** A binary floating-point format: precision p (bits incl. the hidden one), exponent range. */
export interface Fmt {
  readonly p: number;
  readonly emin: number;
  readonly emax: number;
  readonly single: boolean;
  /** Largest finite value. */
  readonly max: number;
}
export const F32: Fmt = { p: 24, emin: -126, emax: 127, single: true, max: (2 - 2 ** -23) * 2 ** 127 };
export const F64: Fmt = { p: 53, emin: -1022, emax: 1023, single: false, max: Number.MAX_VALUE };

// Operand classes.
export const C_ZERO = 0;
export const C_DENORM = 1;
export const C_NORMAL = 2;
export const C_INF = 3;
export const C_QNAN = 4;
export const C_SNAN = 5;

/** Class of binary64 element i (an index into XmmFile.f64). */
export function class64(x: XmmFile, i: number): number {
  const hi = x.u32[2 * i + 1], lo = x.u32[2 * i];
  const e = (hi >>> 20) & 0x7ff, frac = (hi & 0xfffff) | lo;
  if (e === 0) return frac === 0 ? C_ZERO : C_DENORM;
  if (e !== 0x7ff) return C_NORMAL;
  if (frac === 0) return C_INF;
  return hi & 0x80000 ? C_QNAN : C_SNAN;
}

/** Class of binary32 element i (an index into XmmFile.f32). */
export function class32(x: XmmFile, i: number): number {
  const u = x.u32[i];
  const e = (u >>> 23) & 0xff, frac = u & 0x7fffff;
  if (e === 0) return frac === 0 ? C_ZERO : C_DENORM;
  if (e !== 0xff) return C_NORMAL;
  if (frac === 0) return C_INF;
  return u & 0x400000 ? C_QNAN : C_SNAN;
}

export function classOf(x: XmmFile, f: Fmt, i: number): number {
  return f.single ? class32(x, i) : class64(x, i);
}

export function signOf(x: XmmFile, f: Fmt, i: number): boolean {
  return (f.single ? x.u32[i] : x.u32[2 * i + 1]) >>> 31 === 1;
}

/**
 * The value of a non-NaN operand as a double; a denormal is a zero of its
 * sign under DAZ (§10.2.3.4). DE is left to `denormalCheck`: it has the
 * lowest precedence of the pre-computation exceptions (§4.9.2), and the host
 * does not report it for an element that signals IE or ZE.
 */
export function operand(st: SseState, f: Fmt, i: number, cls: number): number {
  if (cls === C_DENORM && st.daz) return signOf(st.x, f, i) ? -0 : 0;
  return f.single ? st.x.f32[i] : st.x.f64[i];
}

/** DE (§4.9.1.2) when an operand of an element that raised neither IE nor ZE is a denormal (and DAZ is off). */
export function denormalCheck(st: SseState, ca: number, cb: number): void {
  if ((ca === C_DENORM || cb === C_DENORM) && !st.daz) st.pre |= MX_DE;
}

/** Class after DAZ: a denormal operand counts as a zero. */
export function dazClass(st: SseState, cls: number): number {
  return cls === C_DENORM && st.daz ? C_ZERO : cls;
}

/** Copy element s to element d (raw bits). */
export function copyLane(x: XmmFile, f: Fmt, d: number, s: number): void {
  const u = x.u32;
  if (f.single) u[d] = u[s];
  else {
    u[2 * d] = u[2 * s];
    u[2 * d + 1] = u[2 * s + 1];
  }
}

/** Element s with its NaN quieted, to element d (sets the MSB of the fraction). */
export function quietLane(x: XmmFile, f: Fmt, d: number, s: number): void {
  const u = x.u32;
  if (f.single) u[d] = u[s] | 0x400000;
  else {
    u[2 * d] = u[2 * s];
    u[2 * d + 1] = u[2 * s + 1] | 0x80000;
  }
}

/** The QNaN floating-point indefinite (§4.8.3.7, Table 4-3) to element d. */
export function indefinite(x: XmmFile, f: Fmt, d: number): void {
  const u = x.u32;
  if (f.single) u[d] = 0xffc00000;
  else {
    u[2 * d] = 0;
    u[2 * d + 1] = 0xfff80000;
  }
}

/**
 * NaN operands of an arithmetic instruction (Table 4-7, SSE column): the
 * first source's NaN wins if it is one, else the second's, quieted; an SNaN
 * operand signals IE. `ca`, `cb` are the classes of elements a and b.
 */
export function nanResult(st: SseState, f: Fmt, d: number, a: number, ca: number, b: number, cb: number): void {
  if (ca === C_SNAN || cb === C_SNAN) st.pre |= MX_IE;
  quietLane(st.x, f, d, ca >= C_QNAN ? a : b);
}

/** Invalid operation with no NaN operand: IE, and the QNaN indefinite. */
export function invalid(st: SseState, f: Fmt, d: number): void {
  st.pre |= MX_IE;
  indefinite(st.x, f, d);
}

export function writeLane(x: XmmFile, f: Fmt, d: number, v: number): void {
  if (f.single) x.f32[d] = v;
  else x.f64[d] = v;
}

/** POW2[e + 1074] = 2^e exactly, for e in [-1074, 1023]. */
const POW2 = new Float64Array(2098);
for (let e = -1074; e <= 1023; e++) POW2[e + 1074] = 2 ** e;
export function pow2(e: number): number {
  return POW2[e + 1074];
}

/** x·2^e, exact whenever the result is representable (x ≥ 0 with at most 53 significant bits). */
export function ldexp(x: number, e: number): number {
  if (e > 1023) {
    x *= POW2[1023 + 1074];
    e -= 1023;
    if (e > 1023) return x * Infinity;
  } else if (e < -1022) {
    x *= POW2[-1022 + 1074];
    e += 1022;
    if (e < -1074) return 0;
  }
  return x * POW2[e + 1074];
}

const SCR = new Float64Array(1);
const SCRU = new Uint32Array(SCR.buffer);
/** floor(log2 x) for a finite x > 0 (normal or subnormal). */
export function expOf(x: number): number {
  SCR[0] = x;
  const e = (SCRU[1] >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  SCR[0] = x * 2 ** 64;
  return ((SCRU[1] >>> 20) & 0x7ff) - 1023 - 64;
}

/** x·2^-e for x > 0 with floor(log2 x) = e: the significand in [1, 2), exact. */
export function significand(x: number, e: number): number {
  return e < -1022 ? x * 2 ** 64 * pow2(-e - 64) : x * pow2(-e);
}

/** True for -0 and negative numbers. */
export function isNeg(v: number): boolean {
  return v < 0 || (v === 0 && 1 / v < 0);
}
