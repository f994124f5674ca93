/**
 * FDIV and FSQRT on 80-bit operands, rounded to FCW.PC bits by FCW.RC
 * (Intel SDM Vol. 1 8.1.5.2). Both produce 66 correct quotient/root bits by
 * a restoring bit-by-bit recurrence and a sticky bit from the remainder,
 * enough for any of the 24/53/64-bit roundings.
 */
import {
  type F80Ctx, BIAS, DE, DENORMAL, INF, UNSUPPORTED, ZE, ZERO,
  begin, classify, hasDenormal, invalid, isNaNClass, precisionOf, propagateNaN1, raise, screen2, setInf, setResult, setZero,
} from './f80.ts';
import { FMT_80, roundPack, unpack } from './f80-round.ts';

const wa = new Uint32Array(3), wb = new Uint32Array(3), wq = new Uint32Array(3);

/** a ÷ b (FDIVR is fdiv with the operands swapped). */
export function fdiv(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number): void {
  begin(c);
  const ka = classify(aSe, aHi, aLo), kb = classify(bSe, bHi, bLo);
  if (screen2(c, aSe, aHi, aLo, ka, bSe, bHi, bLo, kb)) return;
  if ((ka === ZERO && kb === ZERO) || (ka === INF && kb === INF)) {
    invalid(c); // 0/0, ∞/∞ (SDM Vol. 1 8.5.1.2)
    return;
  }
  const sign = (aSe ^ bSe) >>> 15;
  if (kb === ZERO && ka !== INF) {
    // finite ÷ 0: #Z, which outranks #D (SDM Vol. 1 4.9.2; a denormal dividend raises no DE on hardware)
    if (!raise(c, ZE)) setInf(c, sign);
    return;
  }
  if (hasDenormal(c, ka, kb) && raise(c, DE)) return;
  if (ka === INF) setInf(c, sign);
  else if (ka === ZERO || kb === INF) setZero(c, sign);
  else {
    const e = unpack(wa, aSe, aHi, aLo) - unpack(wb, bSe, bHi, bLo) + BIAS;
    roundPack(c, sign, divSig(wa[0], wa[1], wb[0], wb[1]) + e, wq, precisionOf(c.cw), FMT_80);
  }
}

/**
 * wq ← the normalized quotient (ah:al) ÷ (bh:bl) of two normalized 64-bit
 * significands, 66 bits and sticky. Returns 0 when a ≥ b (quotient in [1, 2)),
 * −1 when a < b (the quotient was doubled into [1, 2)).
 */
function divSig(ah: number, al: number, bh: number, bl: number): number {
  let rh = ah, rl = al, top = 0, adj = 0;
  if (ah < bh || (ah === bh && al < bl)) {
    top = rh >>> 31;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = (rl << 1) >>> 0;
    adj = -1;
  }
  wq[0] = 0; wq[1] = 0; wq[2] = 0;
  for (let i = 0; i < 66; i++) {
    if (top !== 0 || rh > bh || (rh === bh && rl >= bl)) {
      let nl = rl - bl, borrow = 0;
      if (nl < 0) { nl += 0x100000000; borrow = 1; }
      rh = (rh - bh - borrow) >>> 0; // r < 2b, so r − b < 2^64 even when `top` was set
      rl = nl;
      wq[i >>> 5] |= 0x80000000 >>> (i & 31);
    }
    top = rh >>> 31;
    rh = ((rh << 1) | (rl >>> 31)) >>> 0;
    rl = (rl << 1) >>> 0;
  }
  if ((rh | rl | top) !== 0) wq[2] |= 1;
  return adj;
}

/** √a: −0 is −0, any other negative (−∞, −denormal) is invalid (SDM Vol. 2 FSQRT). */
export function fsqrt(c: F80Ctx, se: number, hi: number, lo: number): void {
  begin(c);
  const k = classify(se, hi, lo);
  if (k === UNSUPPORTED) return invalid(c);
  if (isNaNClass(k)) return propagateNaN1(c, se, hi, lo, k);
  if (k === ZERO) return setResult(c, se, hi, lo);
  if (se & 0x8000) return invalid(c);
  if (k === INF) return setInf(c, 0);
  if (k === DENORMAL && raise(c, DE)) return;
  const e = unpack(wa, se, hi, lo) - BIAS;
  sqrtSig(wa[0], wa[1], e & 1 ? 68 : 67);
  roundPack(c, 0, Math.floor(e / 2) + BIAS, wq, precisionOf(c.cw), FMT_80);
}

/**
 * wq ← the 66-bit integer square root of M = (hi:lo) · 2^sh (sh = 67 or 68,
 * chosen so that the exponent is even and the root has its top bit at 65),
 * left-aligned, and sticky = (remainder ≠ 0). Two radicand bits per step,
 * taken from the top of (x0, x1, x2): M's 132 bits from bit 131 down.
 */
function sqrtSig(hi: number, lo: number, sh: number): void {
  let x0 = hi, x1 = lo, x2 = 0;
  if (sh === 67) { // M's bit 131 is 0: the significand starts one bit lower
    x2 = (lo << 31) >>> 0;
    x1 = ((hi << 31) | (lo >>> 1)) >>> 0;
    x0 = hi >>> 1;
  }
  let r0 = 0, r1 = 0, r2 = 0, q0 = 0, q1 = 0, q2 = 0;
  for (let i = 0; i < 66; i++) {
    const pair = x0 >>> 30;
    x0 = ((x0 << 2) | (x1 >>> 30)) >>> 0;
    x1 = ((x1 << 2) | (x2 >>> 30)) >>> 0;
    x2 = (x2 << 2) >>> 0;
    r2 = ((r2 << 2) | (r1 >>> 30)) >>> 0;
    r1 = ((r1 << 2) | (r0 >>> 30)) >>> 0;
    r0 = ((r0 << 2) | pair) >>> 0;
    // trial = 4·root + 1; root ← 2·root (+1 if the trial fits)
    const t2 = ((q2 << 2) | (q1 >>> 30)) >>> 0, t1 = ((q1 << 2) | (q0 >>> 30)) >>> 0, t0 = ((q0 << 2) | 1) >>> 0;
    q2 = ((q2 << 1) | (q1 >>> 31)) >>> 0;
    q1 = ((q1 << 1) | (q0 >>> 31)) >>> 0;
    q0 = (q0 << 1) >>> 0;
    if (r2 !== t2 ? r2 > t2 : r1 !== t1 ? r1 > t1 : r0 >= t0) {
      let d0 = r0 - t0, d1 = r1 - t1, b = 0;
      if (d0 < 0) { d0 += 0x100000000; d1 -= 1; }
      if (d1 < 0) { d1 += 0x100000000; b = 1; }
      r0 = d0; r1 = d1; r2 = (r2 - t2 - b) >>> 0;
      q0 = (q0 | 1) >>> 0;
    }
  }
  wq[0] = ((q2 << 30) | (q1 >>> 2)) >>> 0;
  wq[1] = ((q1 << 30) | (q0 >>> 2)) >>> 0;
  wq[2] = ((q0 << 30) | ((r0 | r1 | r2) !== 0 ? 1 : 0)) >>> 0;
}
