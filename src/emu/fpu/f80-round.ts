/**
 * Rounding and packing of an exact-or-sticky intermediate result: RC, PC,
 * denormalization, overflow/underflow with the x87's masked and unmasked
 * responses, PE and C1 (Intel SDM Vol. 1 4.8.4, 8.1.5.2–3, 8.5.4–8.5.6).
 *
 * An intermediate is a sign, a biased exponent `e` (any integer: the
 * arithmetic may go far outside the format) and a 96-bit significand in a
 * Uint32Array `w[0..2]`, w[0] bit 31 the integer bit, with every bit below
 * w[2] bit 0 that is not zero OR-ed into w[2] bit 0 (sticky).
 */
import { type F80Ctx, C1, OE, PE, UE, RC_DOWN, RC_NEAREST, RC_SHIFT, RC_UP, EXP_MAX, setResult } from './f80.ts';

/** Destination formats: an x87 register (15-bit exponent) or a binary64/binary32 memory operand. */
export const FMT_80 = 0, FMT_64 = 1, FMT_32 = 2;
const EMAX = [0x7ffe, 0x7fe, 0xfe];
/** Unmasked overflow/underflow to a register: the exponent is wrapped by 3 × 2^13 (SDM Vol. 1 8.5.4, 8.5.5). */
const BIAS_ADJUST = 0x6000;

/** Shift w[0..2] right by s ≥ 0, keeping the lost bits as sticky in w[2] bit 0. */
export function shr96(w: Uint32Array, s: number): void {
  if (s <= 0) return;
  if (s >= 96) {
    const st = (w[0] | w[1] | w[2]) !== 0 ? 1 : 0;
    w[0] = 0; w[1] = 0; w[2] = st;
    return;
  }
  let st = 0;
  while (s >= 32) {
    st |= w[2];
    w[2] = w[1]; w[1] = w[0]; w[0] = 0;
    s -= 32;
  }
  if (s > 0) {
    st |= w[2] << (32 - s);
    w[2] = (w[2] >>> s) | (w[1] << (32 - s));
    w[1] = (w[1] >>> s) | (w[0] << (32 - s));
    w[0] = w[0] >>> s;
  }
  if (st !== 0) w[2] |= 1;
}

/** Shift w left until w[0] bit 31 is set; returns the shift (w must not be all zero). */
export function normalize96(w: Uint32Array): number {
  let n = 0;
  while (w[0] === 0) {
    w[0] = w[1]; w[1] = w[2]; w[2] = 0;
    n += 32;
  }
  const s = Math.clz32(w[0]);
  if (s > 0) {
    w[0] = (w[0] << s) | (w[1] >>> (32 - s));
    w[1] = (w[1] << s) | (w[2] >>> (32 - s));
    w[2] = w[2] << s;
  }
  return n + s;
}

export const R_INEXACT = 1, R_INC = 2, R_CARRY = 4;

/**
 * Round w in place to its top `prec` bits (24, 53 or 64) by RC, clearing the
 * bits below. Returns R_INEXACT | R_INC (the magnitude was incremented) |
 * R_CARRY (the increment carried out of bit 63: w is then 1.0, i.e. 2^64 >> 1
 * and the exponent must grow by one).
 */
export function roundAt(w: Uint32Array, prec: number, rc: number, sign: number): number {
  let half: boolean, sticky: boolean, lsb: number;
  if (prec === 64) {
    half = w[2] >>> 31 !== 0; sticky = (w[2] & 0x7fffffff) !== 0; lsb = w[1] & 1;
    w[2] = 0;
  } else if (prec === 53) {
    half = (w[1] & 0x400) !== 0; sticky = (w[1] & 0x3ff) !== 0 || w[2] !== 0; lsb = (w[1] >>> 11) & 1;
    w[1] &= ~0x7ff; w[2] = 0;
  } else {
    half = (w[0] & 0x80) !== 0; sticky = (w[0] & 0x7f) !== 0 || w[1] !== 0 || w[2] !== 0; lsb = (w[0] >>> 8) & 1;
    w[0] &= ~0xff; w[1] = 0; w[2] = 0;
  }
  const inexact = half || sticky;
  if (!inexact) return 0;
  const inc = rc === RC_NEAREST ? half && (sticky || lsb !== 0) : rc === RC_DOWN ? sign !== 0 : rc === RC_UP ? sign === 0 : false;
  if (!inc) return R_INEXACT;
  let t: number;
  if (prec === 24) t = w[0] + 0x100;
  else {
    const u = w[1] + (prec === 53 ? 0x800 : 1);
    w[1] = u;
    t = u > 0xffffffff ? w[0] + 1 : w[0];
  }
  if (t > 0xffffffff) {
    w[0] = 0x80000000;
    return R_INEXACT | R_INC | R_CARRY;
  }
  w[0] = t;
  return R_INEXACT | R_INC;
}

const tmp = new Uint32Array(3);

/** Write the packed result of format fmt; e = 0 with w[0] bit 31 clear is a denormal (or zero). */
function emit(c: F80Ctx, fmt: number, sign: number, e: number, w0: number, w1: number): void {
  if (fmt === FMT_80) setResult(c, (sign << 15) | e, w0, w1);
  else if (fmt === FMT_64) {
    // binary64: drop the integer bit, 52 fraction bits = w0 bits 30..0 and w1 bits 31..11.
    c.hi = ((sign << 31) | (e << 20) | ((w0 >>> 11) & 0xfffff)) >>> 0;
    c.lo = ((w0 << 21) | (w1 >>> 11)) >>> 0;
  } else c.lo = ((sign << 31) | (e << 23) | ((w0 >>> 8) & 0x7fffff)) >>> 0;
}

/**
 * Round and pack a normalized intermediate (w[0] bit 31 set) into fmt with
 * precision prec under c.cw, setting PE/UE/OE and C1 in c.flags.
 *
 * Underflow is detected after rounding (tininess = the result rounded to
 * prec bits with an unbounded exponent is below the smallest normal). Masked,
 * the result is denormalized and rounded at the same bit positions and UE is
 * raised only if it is also inexact; unmasked, a register gets the normally
 * rounded result with the exponent + 0x6000 and a memory destination gets
 * nothing. Overflow masked gives ∞ or the largest finite value of prec bits
 * per RC; unmasked, a register gets exponent − 0x6000. A result out of range
 * even after that adjustment (only FSCALE can make one) becomes ±0 / ±∞
 * whatever RC says, like the reference hardware.
 */
export function roundPack(c: F80Ctx, sign: number, e: number, w: Uint32Array, prec: number, fmt: number): void {
  const rc = (c.cw >>> RC_SHIFT) & 3;
  const emax = EMAX[fmt];
  let tiny = false;
  if (e < 1) {
    tiny = true;
    if (e === 0) {
      tmp[0] = w[0]; tmp[1] = w[1]; tmp[2] = w[2];
      if (roundAt(tmp, prec, rc, sign) & R_CARRY) tiny = false;
    }
    if ((c.cw & UE) === 0 && fmt === FMT_80 && e + BIAS_ADJUST < 1) {
      // Unmasked, but too tiny even for the wrapped exponent (FSCALE): the reference hardware gives ±0 whatever RC says.
      c.flags |= UE | PE;
      return emit(c, fmt, sign, 0, 0, 0);
    }
    if (c.cw & UE) {
      shr96(w, 1 - e);
      const r = roundAt(w, prec, rc, sign);
      if (r & R_INEXACT) c.flags |= tiny ? PE | UE : PE;
      if (r & R_INC) c.flags |= C1;
      emit(c, fmt, sign, w[0] >>> 31, w[0], w[1]);
      return;
    }
  }
  const r = roundAt(w, prec, rc, sign);
  if (r & R_CARRY) e++;
  if (r & R_INEXACT) c.flags |= PE;
  if (r & R_INC) c.flags |= C1;
  if (e > emax) {
    c.flags |= OE;
    if ((c.cw & OE) === 0) {
      if (fmt !== FMT_80) return unmaskedToMemory(c, OE);
      if (e - BIAS_ADJUST <= emax) return emit(c, fmt, sign, e - BIAS_ADJUST, w[0], w[1]);
      // Out of range even wrapped (FSCALE): the reference hardware delivers ∞ whatever RC says.
      c.flags |= PE | C1;
      return emit(c, fmt, sign, emax + 1, 0x80000000, 0);
    }
    // Masked overflow (SDM Vol. 1 Table 4-10): ∞ when RC rounds away from zero for this sign.
    c.flags |= PE;
    const toInf = rc === RC_NEAREST || (rc === RC_DOWN ? sign !== 0 : rc === RC_UP ? sign === 0 : false);
    if (toInf) {
      c.flags |= C1;
      emit(c, fmt, sign, emax + 1, 0x80000000, 0);
    } else {
      c.flags &= ~C1;
      emit(c, fmt, sign, emax, prec === 24 ? 0xffffff00 : 0xffffffff, prec === 64 ? 0xffffffff : prec === 53 ? 0xfffff800 : 0);
    }
    return;
  }
  if (tiny && e < 1) {
    c.flags |= UE;
    if (fmt !== FMT_80) return unmaskedToMemory(c, UE);
    return emit(c, fmt, sign, e + BIAS_ADJUST, w[0], w[1]);
  }
  emit(c, fmt, sign, e, w[0], w[1]);
}

/** Unmasked #O/#U with a memory destination: nothing is stored and only that flag is reported (no PE, C1 = 0). */
function unmaskedToMemory(c: F80Ctx, flag: number): void {
  c.flags = (c.flags & ~(PE | C1)) | flag;
  c.store = false;
}

/** roundPack for a w that may have leading zeros; an all-zero w gives a zero of the given sign. */
export function normRoundPack(c: F80Ctx, sign: number, e: number, w: Uint32Array, prec: number, fmt: number): void {
  if ((w[0] | w[1] | w[2]) === 0) {
    emit(c, fmt, sign, 0, 0, 0);
    return;
  }
  roundPack(c, sign, e - normalize96(w), w, prec, fmt);
}

/**
 * Load a finite non-zero operand's significand into w, normalized, and return
 * its biased exponent: a denormal or pseudo-denormal counts as exponent 1
 * (SDM Vol. 1 8.2.2: its value is 0.f × 2^-16382), minus the normalizing shift.
 */
export function unpack(w: Uint32Array, se: number, hi: number, lo: number): number {
  w[0] = hi; w[1] = lo; w[2] = 0;
  const e = se & EXP_MAX;
  return (e === 0 ? 1 : e) - normalize96(w);
}
