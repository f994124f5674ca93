/**
 * A small binary floating point on BigInt for the x87 transcendentals
 * (FSIN … FYL2XP1): value = m × 2^e with |m| kept to PREC bits (truncated
 * toward zero), so every operation has a relative error below 2^-(PREC-2).
 * With PREC = 192 the results are ~125 bits more precise than the 64-bit
 * significand they are rounded to, so rounding them is correct except when
 * the exact value lies within 2^-125 (relative) of a rounding boundary,
 * which for these functions only happens near their f(x) ≈ x, f(x) ≈ 1
 * points; the callers treat those explicitly (f80-transc.ts).
 *
 * The transcendentals are rare instructions: BigInt is fine here; nothing
 * on the arithmetic hot path uses this module.
 */

export const PREC = 192;

/** m × 2^e. */
export interface BF { m: bigint; e: number }

export const bfZero: BF = { m: 0n, e: 0 };

function bitLength(m: bigint): number {
  if (m === 0n) return 0;
  const h = (m < 0n ? -m : m).toString(16);
  return 4 * h.length - 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/** Truncate |m| to PREC bits. */
export function norm(m: bigint, e: number): BF {
  const n = bitLength(m) - PREC;
  if (n <= 0) return { m, e };
  const sh = BigInt(n);
  return { m: m < 0n ? -((-m) >> sh) : m >> sh, e: e + n };
}

export function bf(m: bigint, e = 0): BF {
  return norm(m, e);
}

/** The exponent of the leading bit (value in [2^k, 2^(k+1))); -Infinity for 0. */
export function ilog2(a: BF): number {
  return a.m === 0n ? -Infinity : a.e + bitLength(a.m) - 1;
}

export function neg(a: BF): BF {
  return { m: -a.m, e: a.e };
}

export function mul(a: BF, b: BF): BF {
  return norm(a.m * b.m, a.e + b.e);
}

export function add(a: BF, b: BF): BF {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  // A term more than PREC + 2 bits below the other only changes bits that truncation drops.
  if (ilog2(a) - ilog2(b) > PREC + 2) return a;
  if (ilog2(b) - ilog2(a) > PREC + 2) return b;
  if (a.e < b.e) [a, b] = [b, a];
  return norm((a.m << BigInt(a.e - b.e)) + b.m, b.e);
}

export function sub(a: BF, b: BF): BF {
  return add(a, neg(b));
}

/** a / b (b ≠ 0), PREC bits, truncated. */
export function div(a: BF, b: BF): BF {
  const s = PREC + bitLength(b.m) - bitLength(a.m) + 2;
  const num = s >= 0 ? a.m << BigInt(s) : a.m >> BigInt(-s);
  return norm(num / b.m, a.e - b.e - s);
}

/** a × 2^k */
export function ldexp(a: BF, k: number): BF {
  return { m: a.m, e: a.e + k };
}

export function fromInt(n: number): BF {
  return norm(BigInt(n), 0);
}

export function isNeg(a: BF): boolean {
  return a.m < 0n;
}

export function abs(a: BF): BF {
  return a.m < 0n ? neg(a) : a;
}

/** Compare |a| with |b|: −1, 0, 1. */
export function cmpAbs(a: BF, b: BF): number {
  const d = sub(abs(a), abs(b));
  return d.m === 0n ? 0 : d.m < 0n ? -1 : 1;
}

/** Sum of a power series Σ term_k until the terms fall PREC bits below the first: next(term, k) gives term k+1. */
function series(first: BF, next: (t: BF, k: number) => BF): BF {
  let sum = first, t = first;
  const floor = ilog2(first) - PREC - 4;
  for (let k = 1; ; k++) {
    t = next(t, k);
    if (t.m === 0n || ilog2(t) < floor) return sum;
    sum = add(sum, t);
  }
}

/** sin r for |r| ≤ 1: r − r³/3! + … */
export function sinSeries(r: BF): BF {
  const r2 = mul(r, r);
  return series(r, (t, k) => div(neg(mul(t, r2)), fromInt((2 * k) * (2 * k + 1))));
}

/** cos r for |r| ≤ 1. */
export function cosSeries(r: BF): BF {
  const r2 = mul(r, r);
  return series(fromInt(1), (t, k) => div(neg(mul(t, r2)), fromInt((2 * k - 1) * (2 * k))));
}

/** atan t for |t| ≤ 1/2: t − t³/3 + t⁵/5 … (the terms shrink by t² ≤ 1/4). */
function atanSmall(t: BF): BF {
  const t2 = mul(t, t);
  let pow = t;
  return series(t, (_, k) => {
    pow = neg(mul(pow, t2));
    return div(pow, fromInt(2 * k + 1));
  });
}

/** atanh t for |t| ≤ 1/2: t + t³/3 + t⁵/5 … */
export function atanhSmall(t: BF): BF {
  const t2 = mul(t, t);
  let pow = t;
  return series(t, (_, k) => {
    pow = mul(pow, t2);
    return div(pow, fromInt(2 * k + 1));
  });
}

/** √a for a > 0, PREC bits (Newton on BigInt). */
export function sqrt(a: BF): BF {
  let m = a.m, e = a.e;
  const shift = 2 * PREC + 2 - bitLength(m);
  let s = shift + ((e - shift) & 1 ? 1 : 0); // make the exponent even
  m = s >= 0 ? m << BigInt(s) : m >> BigInt(-s);
  e -= s;
  let x = 1n << BigInt(Math.ceil(bitLength(m) / 2) + 1);
  for (;;) {
    const y = (x + m / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  return norm(x, e / 2);
}

/**
 * atan t for any t: |t| > 1 through π/2 − atan(1/t); then two halvings
 * atan t = 2 atan(t / (1 + √(1 + t²))) bring |t| below 1/2.
 */
export function atan(t: BF): BF {
  if (t.m === 0n) return t;
  if (cmpAbs(t, fromInt(1)) > 0) {
    const r = sub(ldexp(pi(), -1), atan(div(fromInt(1), abs(t))));
    return isNeg(t) ? neg(r) : r;
  }
  const one = fromInt(1);
  for (let k = 0; k < 2; k++) t = div(t, add(one, sqrt(add(one, mul(t, t)))));
  return ldexp(atanSmall(t), 2);
}

/** ln x for x > 0: x = m·2^k with m in [√½, √2), ln m = 2 atanh((m − 1)/(m + 1)). */
export function ln(x: BF): BF {
  let k = ilog2(x);
  let m = ldexp(x, -k); // [1, 2)
  if (cmpAbs(m, SQRT2_APPROX) > 0) {
    m = ldexp(m, -1);
    k++;
  }
  const one = fromInt(1);
  const lm = ldexp(atanhSmall(div(sub(m, one), add(m, one))), 1);
  return k === 0 ? lm : add(mul(fromInt(k), ln2()), lm);
}

/** ln(1 + x) for |x| < 1/2, accurate also for tiny x: 2 atanh(x / (2 + x)). */
export function ln1p(x: BF): BF {
  return ldexp(atanhSmall(div(x, add(fromInt(2), x))), 1);
}

/** e^y − 1 for |y| ≤ 1, accurate also for tiny y: y + y²/2! + … */
export function expm1(y: BF): BF {
  return series(y, (t, k) => div(mul(t, y), fromInt(k + 1)));
}

const SQRT2_APPROX: BF = { m: 0xb504f333n, e: -31 }; // √2 to 32 bits: only splits the ln ranges

let piCache: BF | undefined, ln2Cache: BF | undefined;

/** π, by Machin: π/4 = 4 atan(1/5) − atan(1/239) (computed once). */
export function pi(): BF {
  if (!piCache) {
    const a = atanSmall(div(fromInt(1), fromInt(5))), b = atanSmall(div(fromInt(1), fromInt(239)));
    piCache = ldexp(sub(ldexp(a, 2), b), 2);
  }
  return piCache;
}

/** ln 2 = 2 atanh(1/3) (computed once). */
export function ln2(): BF {
  if (!ln2Cache) ln2Cache = ldexp(atanhSmall(div(fromInt(1), fromInt(3))), 1);
  return ln2Cache;
}
