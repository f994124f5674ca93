/**
 * Integer, packed-BCD and constant loads/stores of the x87 (Intel SDM Vol. 2
 * FILD, FIST/FISTP, FISTTP, FBLD, FBSTP, FLD1…FLDZ; Vol. 1 4.2.1, 8.3.8).
 * 64-bit integers travel as two's-complement lo/hi 32-bit halves.
 */
import {
  type F80Ctx, BIAS, C1, EXP_MAX, IE, INF, PE, RC_SHIFT, RC_UP, RC_NEAREST, RC_ZERO, UNSUPPORTED, ZERO,
  begin, classify, isNaNClass, raise, setResult,
} from './f80.ts';
import { R_INC, R_INEXACT, normalize96, roundAt, shr96 } from './f80-round.ts';

const w = new Uint32Array(3);

/** FILD: the signed 64-bit integer hi:lo as an exact 80-bit value (16/32-bit sources: sign-extend first). */
export function intToF80(c: F80Ctx, lo: number, hi: number): void {
  begin(c);
  let sign = 0;
  lo >>>= 0; hi >>>= 0;
  if (hi & 0x80000000) {
    sign = 1;
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  if ((hi | lo) === 0) return setResult(c, 0, 0, 0);
  w[0] = hi; w[1] = lo; w[2] = 0;
  const n = normalize96(w);
  setResult(c, (sign << 15) | (BIAS + 63 - n), w[0], w[1]);
}

/**
 * Round ST(0) to an integer magnitude in w[0..1] by rc; returns roundAt's
 * R_ flags, or −1 if the magnitude needs more than 64 bits. Finite values only.
 */
function toIntMagnitude(se: number, hi: number, lo: number, rc: number): number {
  const e = se & EXP_MAX;
  if (e > BIAS + 63) return -1;
  w[0] = hi; w[1] = lo; w[2] = 0;
  shr96(w, BIAS + 63 - (e === 0 ? 1 : e));
  return roundAt(w, 64, rc, se >>> 15);
}

/**
 * FIST/FISTP (truncate = false: by RC) and FISTTP (truncate = true) to a
 * `bits`-bit signed integer in c.lo (and c.hi for 64). NaN, ∞, unsupported or
 * out-of-range values raise #IA and store the integer indefinite 100…0
 * (SDM Vol. 1 8.2.1); PE and C1 = rounded up otherwise.
 */
export function f80ToInt(c: F80Ctx, se: number, hi: number, lo: number, bits: number, truncate: boolean): void {
  begin(c);
  const k = classify(se, hi, lo);
  if (k === ZERO) {
    c.lo = 0; c.hi = 0;
    return;
  }
  // A denormal source raises no #D (reference hardware): it rounds like any tiny value.
  const rc = truncate ? RC_ZERO : (c.cw >>> RC_SHIFT) & 3;
  const r = k === UNSUPPORTED || k === INF || isNaNClass(k) ? -1 : toIntMagnitude(se, hi, lo, rc);
  const neg = se >>> 15;
  // |value| ≤ 2^(bits−1) − 1, or exactly 2^(bits−1) when negative.
  const limitHi = bits === 64 ? 0x80000000 : 0, limitLo = bits === 64 ? 0 : 2 ** (bits - 1);
  const mag = w[0] * 0x100000000 + w[1]; // only compared below for bits ≤ 32, where it is exact
  const over = r < 0 || (bits === 64
    ? w[0] > limitHi || (w[0] === limitHi && (w[1] !== limitLo || !neg))
    : w[0] !== 0 || mag > limitLo || (mag === limitLo && !neg));
  if (over) {
    if (raise(c, IE)) return;
    c.lo = bits === 64 ? 0 : limitLo >>> 0;
    c.hi = bits === 64 ? 0x80000000 : 0;
    return;
  }
  if (r & R_INEXACT) c.flags |= r & R_INC ? PE | C1 : PE;
  let rl = w[1], rh = w[0];
  if (neg) {
    rl = (~rl + 1) >>> 0;
    rh = (~rh + (rl === 0 ? 1 : 0)) >>> 0;
  }
  c.lo = bits === 16 ? rl & 0xffff : rl >>> 0;
  c.hi = bits === 64 ? rh >>> 0 : 0;
}

/**
 * FBLD: 18 packed BCD digits (bytes 0–8, low digit first) and a sign (byte 9
 * bit 7), exactly. Digits above 9 are taken at face value (the SDM leaves
 * their result undefined); −0 loads as −0.
 */
export function bcdToF80(c: F80Ctx, m: Uint8Array, off: number): void {
  let high = 0, low = 0; // digits 17–9 and 8–0 (byte i holds digit 2i in its low nibble, 2i+1 in its high one)
  for (let j = 17; j >= 0; j--) {
    const d = j & 1 ? m[off + (j >>> 1)] >>> 4 : m[off + (j >>> 1)] & 15;
    if (j >= 9) high = high * 10 + d;
    else low = low * 10 + d;
  }
  // value = high·10^9 + low < 10^18 < 2^60, built in 32-bit halves: high·10^9 = (hh·2^15 + hl)·10^9.
  const hh = Math.floor(high / 32768), hl = high % 32768;
  const x = hh * 1e9; // < 2^45: x·2^15 = (x mod 2^17)·2^15 + ⌊x / 2^17⌋·2^32
  const y = hl * 1e9 + low; // < 2^46
  let lo = (x % 131072) * 32768 + (y % 0x100000000);
  let hi = Math.floor(x / 131072) + Math.floor(y / 0x100000000);
  if (lo >= 0x100000000) { lo -= 0x100000000; hi += 1; }
  intToF80(c, lo, hi);
  if (m[off + 9] & 0x80) c.se |= 0x8000;
}

/**
 * FBSTP: ST(0) rounded by RC to an integer, as 18 BCD digits + sign into
 * out[off..off+9]. |value| ≥ 10^18, NaN, ∞ and unsupported raise #IA and store
 * the packed-BCD indefinite FFFF C000 0000 0000 0000 (SDM Vol. 1 4.7, Table 4-4) when
 * masked; unmasked nothing is written (c.store = false).
 */
export function f80ToBcd(c: F80Ctx, se: number, hi: number, lo: number, out: Uint8Array, off: number): void {
  begin(c);
  const k = classify(se, hi, lo);
  let r = 0;
  w[0] = 0; w[1] = 0;
  if (k !== ZERO) r = k === UNSUPPORTED || k === INF || isNaNClass(k) ? -1 : toIntMagnitude(se, hi, lo, (c.cw >>> RC_SHIFT) & 3);
  // 10^18 = 0x0DE0B6B3_A7640000
  if (r < 0 || w[0] > 0x0de0b6b3 || (w[0] === 0x0de0b6b3 && w[1] >= 0xa7640000)) {
    if (raise(c, IE)) return;
    out.fill(0, off, off + 7);
    out[off + 7] = 0xc0; out[off + 8] = 0xff; out[off + 9] = 0xff;
    return;
  }
  if (r & R_INEXACT) c.flags |= r & R_INC ? PE | C1 : PE;
  // Split the magnitude into two base-10^9 halves by long division in base 2^16.
  let rem = 0, q = 0;
  for (let k = 0; k < 4; k++) {
    const t = rem * 65536 + ((k < 2 ? w[0] : w[1]) >>> (k & 1 ? 0 : 16) & 0xffff);
    q = q * 65536 + Math.floor(t / 1e9);
    rem = t % 1e9;
  }
  let part = rem; // digits 0–8, then q for digits 9–17
  for (let j = 0; j < 18; j++) {
    if (j === 9) part = q;
    const d = part % 10;
    part = Math.floor(part / 10);
    if (j & 1) out[off + (j >>> 1)] |= d << 4;
    else out[off + (j >>> 1)] = d;
  }
  out[off + 9] = se & 0x8000 ? 0x80 : 0;
}

/** The constants of FLD1…FLDZ (SDM Vol. 2 FLD1/FLDL2T/…: values held with 66-bit significands, rounded by RC, 8.3.8). */
export const K_ONE = 0, K_L2T = 1, K_L2E = 2, K_PI = 3, K_LG2 = 4, K_LN2 = 5, K_ZERO = 6;
// [sign/exponent, significand hi, lo, the two bits below the significand] of each constant, truncated to 66 bits.
const CONSTS = [
  [0x3fff, 0x80000000, 0x00000000, 0],
  [0x4000, 0xd49a784b, 0xcd1b8afe, 1], // log2(10)
  [0x3fff, 0xb8aa3b29, 0x5c17f0bb, 2], // log2(e)
  [0x4000, 0xc90fdaa2, 0x2168c234, 3], // π
  [0x3ffd, 0x9a209a84, 0xfbcff798, 2], // log10(2)
  [0x3ffe, 0xb17217f7, 0xd1cf79ab, 3], // ln(2)
  [0, 0, 0, 0],
];

/** Load constant K_…: rounded up by RC = up always when inexact, and by RC = nearest when the two extra bits are ≥ 10b. */
export function loadConstant(c: F80Ctx, which: number): void {
  begin(c);
  const [se, hi, lo, extra] = CONSTS[which];
  const rc = (c.cw >>> RC_SHIFT) & 3;
  const up = extra !== 0 && (rc === RC_UP || (rc === RC_NEAREST && extra >= 2));
  setResult(c, se, hi, up ? lo + 1 : lo); // no constant ends in ffffffff: the increment never carries
}

