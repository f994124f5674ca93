/**
 * The x87 transcendentals on 80-bit operands (Intel SDM Vol. 2 FSIN, FCOS,
 * FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1; Vol. 1 8.3.10). Each result
 * is computed in bigfloat.ts to ~125 bits beyond the significand and then
 * rounded once by RC to 64 bits through roundPack (C1 = rounded up, #P,
 * #U/#O with their masked and unmasked responses). FCW.PC does not apply
 * (SDM Vol. 1 8.1.5.2 lists only FADD…FSQRT; checked on the host).
 *
 * Argument reduction for FSIN/FCOS/FSINCOS/FPTAN is against the 66-bit π the
 * CPU uses (SDM Vol. 1 8.3.10, "Pi"): x − k·π66/2 is exact here, and the
 * reduced argument goes into the true sine/cosine, which is what the host
 * CPU computes (for |x| up to 2^63 within 0.51 ulp of that model).
 * The host rounds a few % of results the other way (its own error is up to
 * ~0.6 ulp; docs/emu.md has the measured shares).
 */
import {
  type F80Ctx, BIAS, C2, DE, DENORMAL, EXP_MAX, INF, PE, UE, UNSUPPORTED, ZE, ZERO,
  begin, classify, invalid, isNaNClass, propagateNaN1, propagateNaN2, raise, setInf, setResult, setZero,
} from './f80.ts';
import { FMT_80, roundPack } from './f80-round.ts';
import * as B from './bigfloat.ts';

/** How the exact value relates to the computed one: inexact (sticky below it), exact, or just below it in magnitude. */
const INEXACT = 0, EXACT = 1, BELOW = 2;

/** The 66-bit π of SDM Vol. 1 8.3.10 as an integer: π66 = P66 × 2^-66 (C90FDAA2 2168C234 C). */
const P66 = 0xc90fdaa22168c234cn;

const w = new Uint32Array(3);

/** A finite non-zero operand as a bigfloat (denormals: exponent 1 − BIAS). */
function toBF(se: number, hi: number, lo: number): B.BF {
  const e = se & EXP_MAX;
  const m = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return { m: se & 0x8000 ? -m : m, e: (e === 0 ? 1 : e) - BIAS - 63 };
}

/**
 * Round v by RC into c's result (64-bit precision, register format). `how`:
 * INEXACT: the exact value is v plus less than v's last kept bit (sticky);
 * EXACT: v is the exact value; BELOW: the exact value is below |v| by less
 * than anything representable (f(x) ≈ x − x³/6 for tiny x).
 */
function packBF(c: F80Ctx, v: B.BF, how: number): void {
  if (v.m === 0n) return setZero(c, 0);
  const sign = v.m < 0n ? 1 : 0;
  let m = (sign ? -v.m : v.m) << 100n;
  if (how === BELOW) m -= 1n;
  const lead = B.ilog2({ m, e: 0 });
  const sh = lead - 95;
  let sticky = how !== EXACT;
  if (sh > 0) {
    if ((m & ((1n << BigInt(sh)) - 1n)) !== 0n) sticky = true;
    m >>= BigInt(sh);
  } else m <<= BigInt(-sh);
  w[0] = Number((m >> 64n) & 0xffffffffn);
  w[1] = Number((m >> 32n) & 0xffffffffn);
  w[2] = Number(m & 0xffffffffn) | (sticky ? 1 : 0);
  roundPack(c, sign, v.e + lead - 100 + BIAS, w, 64, FMT_80);
}

/**
 * An exact result the host nevertheless reports as approximate: #P, and #U
 * when it is denormal (tiny and "inexact", SDM Vol. 1 4.9.1.5, masked case).
 */
function flagApproximate(c: F80Ctx): void {
  c.flags |= PE;
  if ((c.se & EXP_MAX) === 0 && (c.hi | c.lo) !== 0) c.flags |= UE;
}

/** Operand screen of the one-operand functions: true when the result is settled (an unsupported encoding or a NaN). */
function screen1(c: F80Ctx, se: number, hi: number, lo: number, k: number): boolean {
  if (k === UNSUPPORTED) {
    invalid(c);
    return true;
  }
  if (isNaNClass(k)) {
    propagateNaN1(c, se, hi, lo, k);
    return true;
  }
  return false;
}

// ---- FSIN, FCOS, FSINCOS, FPTAN ----

export const SIN = 0, COS = 1, TAN = 2;

/**
 * Below this |x| the functions are x or 1 to far beyond 64 bits; the host's
 * sine and cosine there are x (or 1) with the exact value taken as just
 * below it, the tangent x with the exact value just above.
 */
const TINY_LOG2 = -34;

/** f(x) for f = SIN, COS, TAN of a finite non-zero operand with |x| < 2^63, rounded into c. */
function trig(c: F80Ctx, f: number, se: number, hi: number, lo: number): void {
  const x = toBF(se, hi, lo);
  const sign = x.m < 0n;
  const ax = B.abs(x);
  // x = X × 2^-67 exactly (|x| ≥ 1/2 here, so X is an integer); k = round(X / P66) quadrants of π66/2 = P66 × 2^-67.
  let q = 0, r = ax;
  if (B.ilog2(ax) >= -1) {
    const X = ax.m << BigInt(ax.e + 67);
    const k = (2n * X + P66) / (2n * P66);
    q = Number(k & 3n);
    r = B.bf(X - k * P66, -67);
  }
  let v: B.BF, how = INEXACT;
  if (B.ilog2(r) < TINY_LOG2) {
    // sin r = r − r³/6 and cos r = 1 − r²/2: just below r and 1 in magnitude; tan r = r + r³/3: just
    // above r (the sticky bit says so); −cot r = −(1/r − r/3): just below 1/r, which is exact only for r = 2^k.
    const sinTiny = f === TAN ? (q & 1) === 0 : ((f === COS ? q + 1 : q) & 1) === 0;
    if (sinTiny) {
      v = f !== TAN && (f === COS ? q === 1 : q === 2) ? B.neg(r) : r;
      how = f === TAN ? INEXACT : BELOW;
    } else if (f === TAN) {
      const one = B.fromInt(1);
      v = B.neg(B.div(one, r));
      how = isExactQuotient(one, r) ? BELOW : INEXACT;
    } else {
      v = (f === COS ? q === 2 : q === 3) ? B.fromInt(-1) : B.fromInt(1);
      how = BELOW;
    }
  } else {
    const s = B.sinSeries(r), co = B.cosSeries(r);
    if (f === TAN) v = q & 1 ? B.neg(B.div(co, s)) : B.div(s, co);
    else {
      // sin: q = 0..3 → sin r, cos r, −sin r, −cos r; cos: cos r, −sin r, −cos r, sin r.
      const qq = f === COS ? q + 1 : q;
      v = qq & 1 ? co : s;
      if (qq & 2) v = B.neg(v);
    }
  }
  if (f !== COS && sign) v = B.neg(v);
  packBF(c, v, how);
}

/**
 * FSIN / FCOS / FPTAN's tangent on ST(0): special operands per the SDM
 * tables (±0 → ±0 (cos: +1), ±∞ → #IA, NaN propagates, |x| ≥ 2^63 → C2 = 1
 * and the operand unchanged). c.flags gets C2; the result is in c.
 */
export function ftrig(c: F80Ctx, f: number, se: number, hi: number, lo: number): void {
  begin(c);
  const k = classify(se, hi, lo);
  if (screen1(c, se, hi, lo, k)) return;
  if (k === INF) return invalid(c);
  if (k === ZERO) return f === COS ? setResult(c, BIAS, 0x80000000, 0) : setResult(c, se, hi, lo);
  if ((se & EXP_MAX) >= BIAS + 63) {
    c.flags |= C2;
    return setResult(c, se, hi, lo);
  }
  if (k === DENORMAL && raise(c, DE)) return;
  trig(c, f, se, hi, lo);
}

// ---- FPATAN ----

let piBF: B.BF | undefined;
function piOf(): B.BF {
  return (piBF ??= B.pi());
}

/**
 * FPATAN: atan(y / x) with the quadrant of (x, y), y = ST(1), x = ST(0)
 * (SDM Vol. 2 FPATAN, "FPATAN Results" table: zeros and infinities give
 * ±0, ±π/2, ±π, ±π/4, ±3π/4; no #IA for them).
 */
export function fpatan(c: F80Ctx, ySe: number, yHi: number, yLo: number, xSe: number, xHi: number, xLo: number): void {
  begin(c);
  const ky = classify(ySe, yHi, yLo), kx = classify(xSe, xHi, xLo);
  if (ky === UNSUPPORTED || kx === UNSUPPORTED) return invalid(c);
  if (isNaNClass(ky) || isNaNClass(kx)) return propagateNaN2(c, ySe, yHi, yLo, ky, xSe, xHi, xLo, kx);
  if ((ky === DENORMAL || kx === DENORMAL) && raise(c, DE)) return;
  const sy = ySe >>> 15, sx = xSe >>> 15;
  const pi = piOf();
  const signed = (v: B.BF): B.BF => (sy ? B.neg(v) : v);
  if (ky === ZERO || (kx === INF && ky !== INF)) {
    if (sx === 0) return setZero(c, sy);
    return packBF(c, signed(pi), INEXACT);
  }
  if (ky === INF) {
    if (kx !== INF) return packBF(c, signed(B.ldexp(pi, -1)), INEXACT);
    return packBF(c, signed(sx ? B.div(B.mul(pi, B.fromInt(3)), B.fromInt(4)) : B.ldexp(pi, -2)), INEXACT);
  }
  if (kx === ZERO) return packBF(c, signed(B.ldexp(pi, -1)), INEXACT);
  const ay = B.abs(toBF(ySe, yHi, yLo)), ax = B.abs(toBF(xSe, xHi, xLo));
  const t = B.div(ay, ax);
  if (sx === 0 && B.ilog2(t) < TINY_LOG2) {
    // atan t = t − t³/3: t itself when the quotient is exact, just below it.
    return packBF(c, signed(t), isExactQuotient(ay, ax) ? BELOW : INEXACT);
  }
  const a = B.atan(t);
  return packBF(c, signed(sx ? B.sub(pi, a) : a), INEXACT);
}

/** Whether ay / ax is a finite binary fraction of at most PREC bits (then B.div was exact). */
function isExactQuotient(ay: B.BF, ax: B.BF): boolean {
  const q = B.div(ay, ax);
  const p = B.mul(q, ax);
  return B.sub(p, ay).m === 0n;
}

// ---- F2XM1 ----

/**
 * F2XM1: 2^x − 1. The SDM defines it for −1 ≤ x ≤ +1 only; outside, the
 * host returns the operand unchanged with #P (C1 = 0), which is followed.
 * −∞ → −1 and +∞ → +∞ exactly; ±0 → ±0.
 */
export function f2xm1(c: F80Ctx, se: number, hi: number, lo: number): void {
  begin(c);
  const k = classify(se, hi, lo);
  if (screen1(c, se, hi, lo, k)) return;
  if (k === ZERO) return setResult(c, se, hi, lo);
  if (k === INF) return se & 0x8000 ? setResult(c, 0x8000 | BIAS, 0x80000000, 0) : setResult(c, se, hi, lo);
  if (k === DENORMAL && raise(c, DE)) return;
  const x = toBF(se, hi, lo);
  if (B.cmpAbs(x, B.fromInt(1)) > 0) {
    c.flags |= PE;
    return setResult(c, se, hi, lo);
  }
  // 2^1 − 1: the host's value is just below 1 (1 − 1 ulp under RZ/RD, 1 with C1 under RN/RU);
  // 2^-1 − 1: exactly −1/2 under every RC, yet flagged #P.
  if (x.m === 1n << 63n && B.ilog2(x) === 0) return packBF(c, B.fromInt(1), BELOW);
  if (x.m === -(1n << 63n) && B.ilog2(B.abs(x)) === 0) {
    packBF(c, B.bf(-1n, -1), EXACT);
    return flagApproximate(c);
  }
  packBF(c, B.expm1(B.mul(x, B.ln2())), INEXACT);
}

// ---- FYL2X, FYL2XP1 ----

/**
 * FYL2X: y × log2 x, y = ST(1), x = ST(0) (SDM Vol. 2 FYL2X, "FYL2X
 * Results" table): x < 0 or y × log2 x = 0 × ∞ is #IA; x = ±0 with finite
 * y ≠ 0 is #Z (∞ of the opposite sign of y); x = 1 gives a zero of y's sign
 * (−0 for y < 0, like y × (+0)); x a power of two gives the exact product.
 */
export function fyl2x(c: F80Ctx, ySe: number, yHi: number, yLo: number, xSe: number, xHi: number, xLo: number): void {
  begin(c);
  const ky = classify(ySe, yHi, yLo), kx = classify(xSe, xHi, xLo);
  if (ky === UNSUPPORTED || kx === UNSUPPORTED) return invalid(c);
  if (isNaNClass(ky) || isNaNClass(kx)) return propagateNaN2(c, ySe, yHi, yLo, ky, xSe, xHi, xLo, kx);
  const sy = ySe >>> 15;
  // #IA and #Z outrank #D (SDM Vol. 1 8.7's priorities; a denormal y with x = 0 gives #Z alone on the host).
  if (xSe & 0x8000 && kx !== ZERO) return invalid(c);
  if (kx === ZERO) {
    if (ky === ZERO) return invalid(c);
    if (ky !== INF && raise(c, ZE)) return;
    return setInf(c, sy ^ 1);
  }
  const xIsOne = (xSe & EXP_MAX) === BIAS && xHi === 0x80000000 && xLo === 0;
  if ((kx === INF && ky === ZERO) || (ky === INF && xIsOne)) return invalid(c); // ∞ × 0
  if ((ky === DENORMAL || kx === DENORMAL) && raise(c, DE)) return;
  if (kx === INF) return setInf(c, sy);
  const x = toBF(xSe, xHi, xLo);
  const lx = B.ilog2(x);
  const pow2 = x.m === 1n << BigInt(lx - x.e);
  if (ky === INF) return setInf(c, sy ^ (lx < 0 ? 1 : 0));
  if (ky === ZERO) return setZero(c, sy ^ (lx < 0 ? 1 : 0));
  const y = toBF(ySe, yHi, yLo);
  if (pow2) {
    if (lx === 0) return setZero(c, sy);
    // The product is exact, yet the host flags #P (its log2 is an approximation).
    packBF(c, B.mul(y, B.fromInt(lx)), EXACT);
    return flagApproximate(c);
  }
  packBF(c, B.mul(y, B.div(B.ln(x), B.ln2())), INEXACT);
}

/**
 * FYL2XP1: y × log2(x + 1), y = ST(1), x = ST(0) (SDM Vol. 2 FYL2XP1 and its
 * results table); the SDM defines it for |x| < 1 − √2/2, the host computes
 * it for every x > −1. ±0 with y = ±∞ is #IA; zeros give a zero of the
 * product's sign.
 */
export function fyl2xp1(c: F80Ctx, ySe: number, yHi: number, yLo: number, xSe: number, xHi: number, xLo: number): void {
  begin(c);
  const ky = classify(ySe, yHi, yLo), kx = classify(xSe, xHi, xLo);
  if (ky === UNSUPPORTED || kx === UNSUPPORTED) return invalid(c);
  if (isNaNClass(ky) || isNaNClass(kx)) return propagateNaN2(c, ySe, yHi, yLo, ky, xSe, xHi, xLo, kx);
  const sy = ySe >>> 15, sx = xSe >>> 15;
  // #IA before #D (as FYL2X). x = ±∞ is outside the SDM's range; the host: −∞ is invalid, +∞ gives ∞ of y's sign.
  if ((kx === ZERO && ky === INF) || (kx === INF && (sx || ky === ZERO))) return invalid(c);
  if ((ky === DENORMAL || kx === DENORMAL) && raise(c, DE)) return;
  if (kx === ZERO) return setZero(c, sy ^ sx);
  if (kx === INF) return setInf(c, sy);
  if (ky === INF) return setInf(c, sy ^ sx);
  if (ky === ZERO) return setZero(c, sy ^ sx);
  const x = toBF(xSe, xHi, xLo), y = toBF(ySe, yHi, yLo);
  const one = B.fromInt(1);
  if (sx && B.cmpAbs(x, one) >= 0) {
    // x ≤ −1 (log2 of ≤ 0, outside the SDM's range): the host returns x with #P.
    c.flags |= PE;
    return setResult(c, xSe, xHi, xLo);
  }
  const l = B.cmpAbs(x, B.bf(1n, -1)) < 0 ? B.ln1p(x) : B.ln(B.add(one, x));
  packBF(c, B.mul(y, B.div(l, B.ln2())), INEXACT);
}
