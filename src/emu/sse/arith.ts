/**
 * ADD, SUB, MUL, DIV, SQRT of one binary32/binary64 element (SDM Vol. 2
 * ADDSS/ADDSD … SQRTPD; Vol. 1 §4.8, §4.9, §11.5). Operands and result are
 * element indices into the XMM views (f32 or f64 by format): d = result,
 * a = first source (the destination register's element), b = second.
 *
 * Order per element: NaN operands (Table 4-7) → DAZ / DE → invalid and
 * divide-by-zero → the exact result as (mag, tail sign, scale) → roundTo.
 * The `*Rounded` helpers take plain doubles (already past NaN/DAZ checks)
 * and write element d.
 */
import { ex, sgn, twoProd, twoSum } from './exact.ts';
import { fastAdd, fastMulDiv, fastSqrt } from './fast.ts';
import {
  type Fmt, C_INF, C_QNAN, classOf, dazClass, denormalCheck, expOf, invalid, isNeg, nanResult, operand, quietLane,
  significand, writeLane, C_SNAN, C_ZERO,
} from './fpbits.ts';
import { type SseState, MX_IE, MX_ZE } from './mxcsr.ts';
import { roundTo, zeroSumSign } from './round.ts';

/** x + y rounded to f into element d (x, y finite). */
export function sumRounded(st: SseState, f: Fmt, d: number, x: number, y: number): void {
  let s = twoSum(x, y), k = 0;
  // A binary64 sum that rounds to 0 is exact.
  if (s === 0) return writeLane(st.x, f, d, zeroSumSign(st, isNeg(x), isNeg(y)) ? -0 : 0);
  if (!Number.isFinite(s)) {
    // Both operands are ≥ 2^970 here, so halving them is exact.
    s = twoSum(x / 2, y / 2);
    k = 1;
  }
  const neg = s < 0;
  roundTo(st, f, d, neg, Math.abs(s), neg ? -sgn(ex.err) : sgn(ex.err), k);
}

/** x · y rounded to f into element d (x, y finite and non-zero). */
export function productRounded(st: SseState, f: Fmt, d: number, x: number, y: number): void {
  const neg = x < 0 !== y < 0;
  x = Math.abs(x);
  y = Math.abs(y);
  const ex1 = expOf(x), ey = expOf(y);
  const p = twoProd(significand(x, ex1), significand(y, ey));
  roundTo(st, f, d, neg, p, sgn(ex.err), ex1 + ey);
}

/** x / y rounded to f into element d (x, y finite, non-zero): q = fl(mx/my); the remainder mx - q·my is exact. */
export function quotientRounded(st: SseState, f: Fmt, d: number, x: number, y: number): void {
  const neg = x < 0 !== y < 0;
  x = Math.abs(x);
  y = Math.abs(y);
  const ex1 = expOf(x), ey = expOf(y);
  const mx = significand(x, ex1), my = significand(y, ey);
  const q = mx / my;
  const p = twoProd(q, my);
  const r = mx - p - ex.err;
  roundTo(st, f, d, neg, q, sgn(r), ex1 - ey);
}

/** Element add (sub when negB): a + b or a - b. */
export function addLane(st: SseState, f: Fmt, d: number, a: number, b: number, negB: boolean): void {
  if (fastAdd(st, f, d, a, b, negB)) return;
  const x = st.x, ca = classOf(x, f, a), cb = classOf(x, f, b);
  if (ca >= C_QNAN || cb >= C_QNAN) return nanResult(st, f, d, a, ca, b, cb);
  const va = operand(st, f, a, ca);
  let vb = operand(st, f, b, cb);
  if (negB) vb = -vb;
  if (ca === C_INF || cb === C_INF) {
    if (ca === C_INF && cb === C_INF && va !== vb) return invalid(st, f, d); // ∞ - ∞
    denormalCheck(st, ca, cb);
    return writeLane(x, f, d, ca === C_INF ? va : vb);
  }
  denormalCheck(st, ca, cb);
  sumRounded(st, f, d, va, vb);
}

/**
 * Element multiply (div = false) or divide: a · b, a / b. Special operands
 * per Table 4-7 / §4.9.1.1 (0·∞, ∞/∞, 0/0 invalid) and §4.9.1.3 (x/0 → ZE).
 */
export function mulDivLane(st: SseState, f: Fmt, d: number, a: number, b: number, div: boolean): void {
  if (fastMulDiv(st, f, d, a, b, div)) return;
  const x = st.x, ca = classOf(x, f, a), cb = classOf(x, f, b);
  if (ca >= C_QNAN || cb >= C_QNAN) return nanResult(st, f, d, a, ca, b, cb);
  const va = operand(st, f, a, ca), vb = operand(st, f, b, cb);
  const za = dazClass(st, ca) === C_ZERO, zb = dazClass(st, cb) === C_ZERO;
  const ia = ca === C_INF, ib = cb === C_INF, neg = isNeg(va) !== isNeg(vb);
  if (div ? (ia && ib) || (za && zb) : (ia || ib) && (za || zb)) return invalid(st, f, d);
  if (div && zb && !ia) {
    st.pre |= MX_ZE;
    return writeLane(x, f, d, neg ? -Infinity : Infinity);
  }
  denormalCheck(st, ca, cb);
  // Exact special results: an infinite result (∞ operand, ∞ dividend) or a zero one.
  if (ia || (!div && ib)) return writeLane(x, f, d, neg ? -Infinity : Infinity);
  if (za || zb || ib) return writeLane(x, f, d, neg ? -0 : 0);
  if (div) quotientRounded(st, f, d, va, vb);
  else productRounded(st, f, d, va, vb);
}

/** Element square root of b (SQRTSS/SD/PS/PD). */
export function sqrtLane(st: SseState, f: Fmt, d: number, b: number): void {
  if (fastSqrt(st, f, d, b)) return;
  const x = st.x, cb = classOf(x, f, b);
  if (cb >= C_QNAN) {
    if (cb === C_SNAN) st.pre |= MX_IE;
    return quietLane(x, f, d, b);
  }
  const v = operand(st, f, b, cb);
  if (v === 0 || v === Infinity) {
    denormalCheck(st, cb, cb);
    return writeLane(x, f, d, v); // √±0 = ±0
  }
  if (v < 0) return invalid(st, f, d);
  denormalCheck(st, cb, cb);
  let e = expOf(v), m = significand(v, e);
  if (e & 1) {
    m *= 2;
    e -= 1;
  }
  const q = Math.sqrt(m); // correctly rounded (IEEE 754 §5.4.1; V8 uses SQRTSD)
  const p = twoProd(q, q);
  const r = m - p - ex.err; // exact: m - q² is representable for q = RN(√m)
  roundTo(st, f, d, false, q, sgn(r), e / 2);
}
