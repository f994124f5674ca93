/**
 * Error-free transformations in binary64 (no FMA in JS): TwoSum (Knuth,
 * Møller) and TwoProduct with Veltkamp splitting (Dekker 1971). Each returns
 * the rounded result and leaves the exact error in `err` (module scratch:
 * no allocation). Preconditions: no overflow; for twoProd, operands below
 * 2^996 and a product whose error does not underflow — callers scale their
 * operands into [1, 4) first.
 */
export const ex = { err: 0 };

/** s = fl(a + b), ex.err = (a + b) - s exactly. */
export function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  ex.err = a - (s - bb) + (b - bb);
  return s;
}

const SPLIT = 134217729; // 2^27 + 1

/** p = fl(a·b), ex.err = a·b - p exactly. */
export function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  ex.err = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** Sign of x as -1, 0, +1 (x not NaN). */
export function sgn(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}
