/**
 * FRNDINT, FSCALE, FXTRACT, FPREM and FPREM1 on 80-bit operands (Intel SDM
 * Vol. 2, each instruction's page). None of them is subject to FCW.PC
 * (SDM Vol. 1 8.1.5.2 lists only FADD…FSQRT).
 */
import {
  type F80Ctx, BIAS, C0, C1, C2, C3, CC_MASK, DE, DENORMAL, EXP_MAX, INF, NORMAL, PE, RC_SHIFT, UNSUPPORTED, ZE, ZERO,
  begin, classify, invalid, isNaNClass, propagateNaN1, raise, screen2, setInf, setResult, setZero,
} from './f80.ts';
import { FMT_80, R_INC, R_INEXACT, normRoundPack, normalize96, roundAt, roundPack, shr96, unpack } from './f80-round.ts';

const wa = new Uint32Array(3), wb = new Uint32Array(3);

/** FRNDINT: round to an integral value by RC (64-bit precision); PE and C1 = rounded up. */
export function frndint(c: F80Ctx, se: number, hi: number, lo: number): void {
  begin(c);
  const k = classify(se, hi, lo);
  if (k === UNSUPPORTED) return invalid(c);
  if (isNaNClass(k)) return propagateNaN1(c, se, hi, lo, k);
  if (k === ZERO || k === INF) return setResult(c, se, hi, lo);
  if (k === DENORMAL && raise(c, DE)) return;
  const e = se & EXP_MAX, sign = se >>> 15;
  if (e >= BIAS + 63) return setResult(c, se, hi, lo); // no fraction bits
  wa[0] = hi; wa[1] = lo; wa[2] = 0;
  shr96(wa, BIAS + 63 - (e === 0 ? 1 : e)); // integer part in wa[0..1], fraction (and sticky) in wa[2]
  const r = roundAt(wa, 64, (c.cw >>> RC_SHIFT) & 3, sign);
  if (r & R_INEXACT) c.flags |= r & R_INC ? PE | C1 : PE; // PE never suppresses the result
  if ((wa[0] | wa[1]) === 0) return setZero(c, sign);
  const n = normalize96(wa);
  setResult(c, (sign << 15) | (BIAS + 63 - n), wa[0], wa[1]);
}

/**
 * FSCALE: ST(0) × 2^trunc(ST(1)) (a = ST(0), b = ST(1)), rounded by RC only
 * where the result under/overflows. ±∞ scales: ST(0) = 0 × 2^+∞ and
 * ∞ × 2^−∞ are invalid (SDM Vol. 2 FSCALE, "FSCALE Results" table).
 */
export function fscale(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number): void {
  begin(c);
  const ka = classify(aSe, aHi, aLo), kb = classify(bSe, bHi, bLo);
  if (screen2(c, aSe, aHi, aLo, ka, bSe, bHi, bLo, kb)) return;
  const sa = aSe >>> 15;
  if (kb === INF) {
    const down = bSe & 0x8000;
    if (down ? ka === INF : ka === ZERO) return invalid(c);
    if (ka === DENORMAL && raise(c, DE)) return;
    return down ? setZero(c, sa) : setInf(c, sa);
  }
  if ((ka === DENORMAL || kb === DENORMAL) && raise(c, DE)) return;
  if (ka === ZERO || ka === INF) return setResult(c, aSe, aHi, aLo);
  // trunc(ST(1)), clamped: beyond ±2^20 every finite ST(0) over- or underflows anyway.
  const eb = bSe & EXP_MAX;
  let n = 0;
  if (kb === NORMAL && eb >= BIAS) n = eb >= BIAS + 20 ? 1 << 20 : bHi >>> (31 - (eb - BIAS));
  if (bSe & 0x8000) n = -n;
  roundPack(c, sa, unpack(wa, aSe, aHi, aLo) + n, wa, 64, FMT_80);
}

/**
 * FXTRACT: the significand (exponent forced to 0, same sign) in c.se/hi/lo
 * and the unbiased exponent as a value in c.se2/hi2/lo2 (the caller puts the
 * exponent in ST(0) and pushes the significand). ±0 gives #Z and −∞ as
 * exponent; ±∞ gives ±∞ and +∞ (SDM Vol. 2 FXTRACT).
 */
export function fxtract(c: F80Ctx, se: number, hi: number, lo: number): void {
  begin(c);
  const k = classify(se, hi, lo);
  if (k === UNSUPPORTED) {
    invalid(c);
    return copyToSecond(c);
  }
  if (isNaNClass(k)) {
    propagateNaN1(c, se, hi, lo, k);
    return copyToSecond(c);
  }
  if (k === ZERO) {
    if (raise(c, ZE)) return;
    setInf(c, 1);
    copyToSecond(c);
    return setZero(c, se >>> 15);
  }
  if (k === INF) {
    setInf(c, 0);
    copyToSecond(c);
    return setResult(c, se, hi, lo);
  }
  if (k === DENORMAL && raise(c, DE)) return;
  let e = unpack(wa, se, hi, lo) - BIAS;
  if (e === 0) {
    c.se2 = 0; c.hi2 = 0; c.lo2 = 0;
  } else {
    const neg = e < 0 ? 1 : 0;
    if (neg) e = -e;
    const z = Math.clz32(e);
    c.se2 = (neg << 15) | (BIAS + 31 - z);
    c.hi2 = (e << z) >>> 0;
    c.lo2 = 0;
  }
  setResult(c, (se & 0x8000) | BIAS, wa[0], wa[1]);
}

function copyToSecond(c: F80Ctx): void {
  c.se2 = c.se; c.hi2 = c.hi; c.lo2 = c.lo;
}

/**
 * FPREM's partial-reduction step N for an exponent difference d ≥ 64: the
 * SDM leaves it "implementation-dependent, between 32 and 63" (Vol. 2
 * FPREM); the reference hardware uses N = 32 + (d mod 32), so that d − N is
 * a multiple of 32.
 */
export function premReduction(d: number): number {
  return 32 + (d & 31);
}

/**
 * FPREM (nearest = false: quotient truncated) and FPREM1 (nearest = true:
 * quotient rounded to nearest even) of a = ST(0) by b = ST(1). The remainder
 * is exact. When the exponents differ by D < 64 the reduction is complete:
 * C2 = 0 and C0, C3, C1 = quotient bits 2, 1, 0. Otherwise it is partial
 * (C2 = 1, C0/C1/C3 = 0): ST(0) is reduced by a multiple of b·2^(D−N),
 * N = premReduction(D), which lowers its exponent by at least N.
 */
export function fprem(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number, nearest: boolean): void {
  begin(c);
  const ka = classify(aSe, aHi, aLo), kb = classify(bSe, bHi, bLo);
  if (screen2(c, aSe, aHi, aLo, ka, bSe, bHi, bLo, kb)) return;
  if (ka === INF || kb === ZERO) return invalid(c);
  if ((ka === DENORMAL || kb === DENORMAL) && raise(c, DE)) return;
  const sa = aSe >>> 15;
  if (ka === ZERO || kb === INF) return remainderOf(c, sa, aSe, aHi, aLo);
  const ea = unpack(wa, aSe, aHi, aLo), eb = unpack(wb, bSe, bHi, bLo);
  const d = ea - eb;
  if (d < 0) {
    // |a| < |b|: a itself, unless FPREM1 rounds a quotient of 1 (|a| > |b|/2 needs d = −1 and A > B).
    if (!nearest || d < -1 || wa[0] < wb[0] || (wa[0] === wb[0] && wa[1] <= wb[1])) return remainderOf(c, sa, aSe, aHi, aLo);
    // |b| − |a| = (2B − A)·2^(eb−1) < B: computed modulo 2^64, it is exact.
    const b2h = ((wb[0] << 1) | (wb[1] >>> 31)) >>> 0, b2l = (wb[1] << 1) >>> 0;
    const dl = b2l - wa[1];
    wb[0] = b2h - wa[0] - (dl < 0 ? 1 : 0); wb[1] = dl; wb[2] = 0;
    normRoundPack(c, sa ^ 1, eb - 1, wb, 64, FMT_80);
    c.flags = (c.flags & ~CC_MASK) | C1; // quotient 1: Q0 in C1
    return;
  }
  const partial = d >= 64;
  const steps = partial ? premReduction(d) : d;
  // Restoring division: steps + 1 quotient bits, remainder in (top, rh, rl).
  let rh = wa[0], rl = wa[1], top = 0, q = 0;
  const bh = wb[0], bl = wb[1];
  for (let i = 0; i <= steps; i++) {
    if (i > 0) {
      top = rh >>> 31;
      rh = ((rh << 1) | (rl >>> 31)) >>> 0;
      rl = (rl << 1) >>> 0;
    }
    q = (q << 1) & 7;
    if (top !== 0 || rh > bh || (rh === bh && rl >= bl)) {
      let nl = rl - bl, borrow = 0;
      if (nl < 0) { nl += 0x100000000; borrow = 1; }
      rh = (rh - bh - borrow) >>> 0;
      rl = nl;
      q |= 1;
    }
  }
  let sign = sa;
  if (nearest && !partial) {
    // 2r vs b: r < b < 2^64, so compare r with b − r.
    const dl = bl - rl, dh = bh - rh - (dl < 0 ? 1 : 0);
    const bmr_h = dh >>> 0, bmr_l = (dl + (dl < 0 ? 0x100000000 : 0)) >>> 0;
    const cmp = rh !== bmr_h ? (rh > bmr_h ? 1 : -1) : rl !== bmr_l ? (rl > bmr_l ? 1 : -1) : 0;
    if (cmp > 0 || (cmp === 0 && (q & 1) !== 0)) {
      rh = bmr_h; rl = bmr_l;
      q = (q + 1) & 7;
      sign ^= 1;
    }
  }
  if ((rh | rl) === 0) sign = sa; // a zero remainder keeps a's sign
  wa[0] = rh; wa[1] = rl; wa[2] = 0;
  normRoundPack(c, sign, partial ? ea - steps : eb, wa, 64, FMT_80);
  c.flags = (c.flags & ~CC_MASK) | (partial ? C2 : ((q & 4 ? C0 : 0) | (q & 2 ? C3 : 0) | (q & 1 ? C1 : 0)));
}

/** The remainder is ST(0) itself (quotient 0, complete): re-packed so a denormal still underflows as hardware does. */
function remainderOf(c: F80Ctx, sign: number, se: number, hi: number, lo: number): void {
  if ((se & EXP_MAX) === 0 && (hi | lo) !== 0) roundPack(c, sign, unpack(wa, se, hi, lo), wa, 64, FMT_80);
  else setResult(c, se, hi, lo);
  c.flags &= ~CC_MASK;
}
