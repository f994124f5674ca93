/**
 * FADD/FSUB/FMUL on 80-bit operands, rounded to FCW.PC bits by FCW.RC with
 * the full 15-bit exponent range (Intel SDM Vol. 1 8.1.5.2: PC narrows the
 * significand only). Operands are (se, hi, lo) triples; results land in the
 * F80Ctx (see f80.ts). FSUBR/FDIVR are the same calls with the operands swapped.
 */
import {
  type F80Ctx, DE, INF, RC_DOWN, RC_SHIFT, ZERO, BIAS,
  begin, classify, hasDenormal, invalid, precisionOf, raise, screen2, setInf, setZero,
} from './f80.ts';
import { FMT_80, normRoundPack, roundPack, shr96, unpack } from './f80-round.ts';

const wa = new Uint32Array(3), wb = new Uint32Array(3);

/** a + b */
export function fadd(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number): void {
  addSub(c, aSe, aHi, aLo, bSe, bHi, bLo, 0);
}

/** a − b */
export function fsub(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number): void {
  addSub(c, aSe, aHi, aLo, bSe, bHi, bLo, 1);
}

function addSub(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number, neg: number): void {
  begin(c);
  const ka = classify(aSe, aHi, aLo), kb = classify(bSe, bHi, bLo);
  if (screen2(c, aSe, aHi, aLo, ka, bSe, bHi, bLo, kb)) return;
  if (hasDenormal(c, ka, kb) && raise(c, DE)) return;
  const sa = aSe >>> 15, sb = (bSe >>> 15) ^ neg;
  if (ka === INF || kb === INF) {
    if (ka === INF && kb === INF && sa !== sb) invalid(c); // ∞ − ∞ (SDM Vol. 1 8.5.1.2)
    else setInf(c, ka === INF ? sa : sb);
    return;
  }
  const prec = precisionOf(c.cw);
  // x + (−x) and (−0) + (+0) are +0, except −0 when rounding down (IEEE 754 6.3).
  const zeroSign = ((c.cw >>> RC_SHIFT) & 3) === RC_DOWN ? 1 : 0;
  if (kb === ZERO) {
    if (ka === ZERO) setZero(c, sa === sb ? sa : zeroSign);
    else roundPack(c, sa, unpack(wa, aSe, aHi, aLo), wa, prec, FMT_80);
    return;
  }
  if (ka === ZERO) {
    roundPack(c, sb, unpack(wb, bSe, bHi, bLo), wb, prec, FMT_80);
    return;
  }
  const ea = unpack(wa, aSe, aHi, aLo), eb = unpack(wb, bSe, bHi, bLo);
  // x: the operand of larger magnitude, y: the other, aligned to x's exponent.
  let x = wa, y = wb, e = ea, sign = sa;
  if (eb > ea || (eb === ea && (wb[0] > wa[0] || (wb[0] === wa[0] && wb[1] > wa[1])))) {
    x = wb; y = wa; e = eb; sign = sb;
  }
  shr96(y, e === ea ? ea - eb : eb - ea);
  if (sa === sb) {
    const t2 = x[2] + y[2];
    const t1 = x[1] + y[1] + (t2 > 0xffffffff ? 1 : 0);
    const t0 = x[0] + y[0] + (t1 > 0xffffffff ? 1 : 0);
    x[2] = t2; x[1] = t1; x[0] = t0;
    if (t0 > 0xffffffff) {
      shr96(x, 1);
      x[0] |= 0x80000000;
      e++;
    }
    roundPack(c, sign, e, x, prec, FMT_80);
    return;
  }
  const d2 = x[2] - y[2];
  const d1 = x[1] - y[1] - (d2 < 0 ? 1 : 0);
  const d0 = x[0] - y[0] - (d1 < 0 ? 1 : 0);
  x[2] = d2; x[1] = d1; x[0] = d0;
  if ((x[0] | x[1] | x[2]) === 0) setZero(c, zeroSign);
  else normRoundPack(c, sign, e, x, prec, FMT_80);
}

/** a × b */
export function fmul(c: F80Ctx, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number): void {
  begin(c);
  const ka = classify(aSe, aHi, aLo), kb = classify(bSe, bHi, bLo);
  if (screen2(c, aSe, aHi, aLo, ka, bSe, bHi, bLo, kb)) return;
  if ((ka === INF && kb === ZERO) || (ka === ZERO && kb === INF)) {
    invalid(c); // 0 × ∞
    return;
  }
  if (hasDenormal(c, ka, kb) && raise(c, DE)) return;
  const sign = (aSe ^ bSe) >>> 15;
  if (ka === INF || kb === INF) setInf(c, sign);
  else if (ka === ZERO || kb === ZERO) setZero(c, sign);
  else {
    const ea = unpack(wa, aSe, aHi, aLo), eb = unpack(wb, bSe, bHi, bLo);
    mul64(wa, wa[0], wa[1], wb[0], wb[1]);
    // w = the 128-bit product / 2^127, so the value is w × 2^(ea + eb − 2·BIAS + 1).
    normRoundPack(c, sign, ea + eb - BIAS + 1, wa, precisionOf(c.cw), FMT_80);
  }
}

/**
 * w ← the top 96 bits of the 128-bit product (ah:al) × (bh:bl), lower bits as
 * sticky. Schoolbook on 16-bit limbs: every column sum stays below 2^36, so
 * it is exact as a double, its low 16 bits are `t & 0xffff` (ToInt32 keeps
 * them) and the carry is t / 2^16 rounded down.
 */
export function mul64(w: Uint32Array, ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, a2 = ah & 0xffff, a3 = ah >>> 16;
  const b0 = bl & 0xffff, b1 = bl >>> 16, b2 = bh & 0xffff, b3 = bh >>> 16;
  let t = a0 * b0;
  const r0 = t & 0xffff;
  t = Math.floor(t / 65536) + a0 * b1 + a1 * b0;
  const r1 = t & 0xffff;
  t = Math.floor(t / 65536) + a0 * b2 + a1 * b1 + a2 * b0;
  const r2 = t & 0xffff;
  t = Math.floor(t / 65536) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const r3 = t & 0xffff;
  t = Math.floor(t / 65536) + a1 * b3 + a2 * b2 + a3 * b1;
  const r4 = t & 0xffff;
  t = Math.floor(t / 65536) + a2 * b3 + a3 * b2;
  const r5 = t & 0xffff;
  t = Math.floor(t / 65536) + a3 * b3;
  const r6 = t & 0xffff;
  const r7 = Math.floor(t / 65536);
  w[0] = r7 * 65536 + r6;
  w[1] = r5 * 65536 + r4;
  w[2] = (r3 * 65536 + r2) | ((r1 | r0) !== 0 ? 1 : 0);
}
