/**
 * binary32/binary64 ↔ 80-bit (Intel SDM Vol. 2 FLD m32fp/m64fp, FST/FSTP
 * m32fp/m64fp; Vol. 1 4.2.2). Widening is exact; narrowing rounds by RC (PC
 * does not apply) into the destination's own exponent range, with denormal
 * results, and masked/unmasked OE/UE per f80-round.ts (an unmasked one
 * stores nothing to memory).
 */
import {
  type F80Ctx, BIAS, DE, DENORMAL, EXP_MAX, IE, INF, QNAN, SNAN, UNSUPPORTED, ZERO,
  begin, classify, isNaNClass, raise, setResult,
} from './f80.ts';
import { FMT_32, FMT_64, roundPack, unpack } from './f80-round.ts';

const w = new Uint32Array(3);

/**
 * Widen a binary32 to 80 bits without any exception: an SNaN stays signaling
 * (so the 80-bit NaN rules see it), a denormal becomes a normal 80-bit value.
 * Returns the source's class (DENORMAL for a denormal source, SNAN, …) so
 * the caller can raise #D / #IA as the instruction requires.
 */
export function widenF32(c: F80Ctx, bits: number): number {
  const sign = bits >>> 31, e = (bits >>> 23) & 0xff, f = bits & 0x7fffff;
  if (e === 0xff) {
    setResult(c, (sign << 15) | EXP_MAX, (0x80000000 | (f << 8)) >>> 0, 0);
    return f === 0 ? INF : f & 0x400000 ? QNAN : SNAN;
  }
  if (e === 0) {
    if (f === 0) {
      setResult(c, sign << 15, 0, 0);
      return ZERO;
    }
    const z = Math.clz32(f) - 8; // f = 0.f × 2^-126: shift the leading 1 to bit 23
    setResult(c, (sign << 15) | (BIAS - 126 - z), (f << (8 + z)) >>> 0, 0);
    return DENORMAL;
  }
  setResult(c, (sign << 15) | (e - 127 + BIAS), (0x80000000 | (f << 8)) >>> 0, 0);
  return 2; // NORMAL
}

/** Widen a binary64 (hi:lo) to 80 bits without any exception; returns the source's class as widenF32. */
export function widenF64(c: F80Ctx, hi: number, lo: number): number {
  const sign = hi >>> 31, e = (hi >>> 20) & 0x7ff, fh = hi & 0xfffff;
  if (e === 0x7ff) {
    setResult(c, (sign << 15) | EXP_MAX, (0x80000000 | (fh << 11) | (lo >>> 21)) >>> 0, (lo << 11) >>> 0);
    return (fh | lo) === 0 ? INF : fh & 0x80000 ? QNAN : SNAN;
  }
  if (e === 0 && (fh | lo) === 0) {
    setResult(c, sign << 15, 0, 0);
    return ZERO;
  }
  // 0.f or 1.f × 2^(e−1023): place the 52 fraction bits below bit 63, then normalize (denormals).
  w[0] = ((e === 0 ? 0 : 0x80000000) | (fh << 11) | (lo >>> 21)) >>> 0;
  w[1] = (lo << 11) >>> 0;
  w[2] = 0;
  const eb = (e === 0 ? 1 : e) - 1023 + BIAS;
  const ex = unpack(w, eb, w[0], w[1]);
  setResult(c, (sign << 15) | ex, w[0], w[1]);
  return e === 0 ? DENORMAL : 2;
}

/** FLD m32fp: widen; an SNaN raises #IA and loads quiet, a denormal raises #D and loads normalized (SDM Vol. 2 FLD). */
export function loadF32(c: F80Ctx, bits: number): void {
  begin(c);
  checkLoad(c, widenF32(c, bits));
}

/** FLD m64fp (hi:lo = the high and low dwords). */
export function loadF64(c: F80Ctx, hi: number, lo: number): void {
  begin(c);
  checkLoad(c, widenF64(c, hi, lo));
}

function checkLoad(c: F80Ctx, k: number): void {
  if (k === SNAN) {
    if (!raise(c, IE)) c.hi = (c.hi | 0x40000000) >>> 0;
  } else if (k === DENORMAL) c.flags |= DE; // loaded even when #D is unmasked (reference hardware)
}

/** FST m32fp: c.lo ← ST(0) narrowed to binary32. */
export function storeF32(c: F80Ctx, se: number, hi: number, lo: number): void {
  narrow(c, se, hi, lo, FMT_32);
}

/** FST m64fp: c.hi:c.lo ← ST(0) narrowed to binary64. */
export function storeF64(c: F80Ctx, se: number, hi: number, lo: number): void {
  narrow(c, se, hi, lo, FMT_64);
}

function narrow(c: F80Ctx, se: number, hi: number, lo: number, fmt: number): void {
  begin(c);
  const k = classify(se, hi, lo), sign = se >>> 15;
  const f64 = fmt === FMT_64;
  if (k === UNSUPPORTED || isNaNClass(k)) {
    if ((k !== QNAN) && raise(c, IE)) return;
    if (k === UNSUPPORTED) return emitBits(c, f64, 1, f64 ? 0x7ff : 0xff, 0x80000000 | 0x40000000, 0); // indefinite
    // NaN: the top fraction bits, made quiet (SDM Vol. 1 4.8.3.5)
    return emitBits(c, f64, sign, f64 ? 0x7ff : 0xff, hi | 0x40000000, lo);
  }
  if (k === INF || k === ZERO) return emitBits(c, f64, sign, k === INF ? (f64 ? 0x7ff : 0xff) : 0, 0, 0);
  // A denormal source raises no #D here (reference hardware); it simply underflows.
  const e = unpack(w, se, hi, lo) - BIAS + (f64 ? 1023 : 127);
  roundPack(c, sign, e, w, f64 ? 53 : 24, fmt);
}

/** Pack sign, exponent field and the fraction bits below the integer bit of (hi:lo). */
function emitBits(c: F80Ctx, f64: boolean, sign: number, e: number, hi: number, lo: number): void {
  if (f64) {
    c.hi = ((sign << 31) | (e << 20) | ((hi >>> 11) & 0xfffff)) >>> 0;
    c.lo = ((hi << 21) | (lo >>> 11)) >>> 0;
  } else c.lo = ((sign << 31) | (e << 23) | ((hi >>> 8) & 0x7fffff)) >>> 0;
}
