/**
 * 64 × 64 → 128-bit multiplication on int32 halves, without BigInt and
 * without allocation (preamble rule 3–4): four 32 × 32 → 64 products built
 * from exact 16-bit partial products in doubles. Results are left in the
 * module's product words `P` (P[0] lowest … P[3] highest, int32 each).
 */

/** The last product: four 32-bit words, least significant first. */
export const P = new Int32Array(4);

const TWO32 = 4294967296;
let umulHi = 0;

/** Unsigned 32 × 32: returns the low 32 bits, the high 32 bits in umulHi. */
function umul32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0;
  const mid = a0 * b1 + a1 * b0 + (p00 >>> 16); // < 2^34: exact
  umulHi = (a1 * b1 + Math.floor(mid / 65536)) | 0;
  return ((mid & 0xffff) << 16) | (p00 & 0xffff);
}

/** Unsigned 64 × 64 → 128 into P. */
export function mulu64(al: number, ah: number, bl: number, bh: number): void {
  const w0 = umul32(al, bl), c0 = umulHi;
  const x = umul32(al, bh), xh = umulHi;
  const y = umul32(ah, bl), yh = umulHi;
  const z = umul32(ah, bh), zh = umulHi;
  const s1 = (c0 >>> 0) + (x >>> 0) + (y >>> 0);
  const c1 = Math.floor(s1 / TWO32);
  const s2 = (xh >>> 0) + (yh >>> 0) + (z >>> 0) + c1;
  const c2 = Math.floor(s2 / TWO32);
  P[0] = w0;
  P[1] = s1 | 0;
  P[2] = s2 | 0;
  P[3] = (zh + c2) | 0;
}

/** Subtract (bh:bl) from the high 64 bits of P. */
function subHigh(bl: number, bh: number): void {
  const lo = P[2];
  P[2] = (lo - bl) | 0;
  P[3] = (P[3] - bh - (lo >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
}

/**
 * Signed 64 × 64 → 128 into P: the unsigned product, minus b·2^64 when a is
 * negative and a·2^64 when b is negative (two's complement correction).
 */
export function muls64(al: number, ah: number, bl: number, bh: number): void {
  mulu64(al, ah, bl, bh);
  if (ah < 0) subHigh(bl, bh);
  if (bh < 0) subHigh(al, ah);
}

/** After muls64: does the signed product need more than 64 bits? */
export function signedOverflow64(): boolean {
  const s = P[1] >> 31;
  return P[2] !== s || P[3] !== s;
}
