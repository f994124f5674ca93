/**
 * Value-and-flags cores of SHL/SHR/SAR at 32 and 64 bits, shared by the hot
 * handlers (shift.ts) and the generic grp2 path (grp2.ts). Each takes a masked
 * count n ≥ 1, returns the (low half of the) result and leaves the six flags
 * in `flagsOut` (and the high half in `hiOut`); callers store the result first
 * and then the flags. Flag rules: see shift.ts.
 */
import { szpOf } from '../flags.ts';
import { FLAG_AF } from '../regs.ts';

/** Flags (RFLAGS bits) of the last core call. */
export let flagsOut = 0;
/** High half of the last 64-bit core result. */
export let hiOut = 0;
const AF = FLAG_AF;

// ---- 32-bit cores: n is the masked count, 1–31. Result returned, flags in flagsOut.
export function shl32(d: number, n: number): number {
  const v = d << n, cf = (d >>> (32 - n)) & 1;
  flagsOut = szpOf(32, v, 0) | AF | cf | (((v >>> 31) ^ cf) << 11);
  return v;
}
export function shr32(d: number, n: number): number {
  const v = d >>> n;
  flagsOut = szpOf(32, v, 0) | AF | ((d >>> (n - 1)) & 1) | ((((v >>> 31) ^ (v >>> 30)) & 1) << 11);
  return v | 0;
}
export function sar32(d: number, n: number): number {
  const v = d >> n;
  flagsOut = szpOf(32, v, 0) | AF | ((d >> (n - 1)) & 1);
  return v;
}

// ---- 64-bit cores on halves: n is 1–63. Low half returned, high in hiOut.
export function shl64(lo: number, hi: number, n: number): number {
  let vl: number, vh: number, cf: number;
  if (n < 32) {
    vh = (hi << n) | (lo >>> (32 - n));
    vl = lo << n;
    cf = (hi >>> (32 - n)) & 1;
  } else {
    vh = lo << (n - 32);
    vl = 0;
    cf = n === 32 ? hi & 1 : (lo >>> (64 - n)) & 1;
  }
  hiOut = vh;
  flagsOut = szpOf(64, vl, vh) | AF | cf | (((vh >>> 31) ^ cf) << 11);
  return vl;
}
export function shr64(lo: number, hi: number, n: number): number {
  let vl: number, vh: number, cf: number;
  if (n < 32) {
    vl = (lo >>> n) | (hi << (32 - n));
    vh = hi >>> n;
    cf = (lo >>> (n - 1)) & 1;
  } else {
    vl = hi >>> (n - 32);
    vh = 0;
    cf = n === 32 ? lo >>> 31 : (hi >>> (n - 33)) & 1;
  }
  hiOut = vh | 0;
  flagsOut = szpOf(64, vl, vh) | AF | cf | ((((vh >>> 31) ^ (vh >>> 30)) & 1) << 11);
  return vl | 0;
}
export function sar64(lo: number, hi: number, n: number): number {
  let vl: number, vh: number, cf: number;
  if (n < 32) {
    vl = (lo >>> n) | (hi << (32 - n));
    vh = hi >> n;
    cf = (lo >>> (n - 1)) & 1;
  } else {
    vl = hi >> (n - 32);
    vh = hi >> 31;
    cf = n === 32 ? lo >>> 31 : (hi >> (n - 33)) & 1;
  }
  hiOut = vh;
  flagsOut = szpOf(64, vl, vh) | AF | cf;
  return vl;
}
