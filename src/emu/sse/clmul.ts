/**
 * PCLMULQDQ's carry-less multiplication (Intel SDM Vol. 2 PCLMULQDQ): the
 * product of two 64-bit polynomials over GF(2), 128 bits, computed on 32-bit
 * halves (no BigInt).
 */
import type { XmmFile } from './xmm.ts';

/** Carry-less 32 × 32 → 64 bits: [low half, high half] into out[o], out[o + 1] (XOR-ed in). */
function clmul32(a: number, b: number, out: Uint32Array, o: number): void {
  let lo = 0, hi = 0;
  for (let i = 0; i < 32; i++) {
    if ((b >>> i) & 1) {
      lo ^= a << i;
      if (i > 0) hi ^= a >>> (32 - i);
    }
  }
  out[o] ^= lo;
  out[o + 1] ^= hi;
}

const r = new Uint32Array(4);

/** PCLMULQDQ dst, src, imm8: dst ← qword imm[0] of dst × qword imm[4] of src (carry-less). */
export function pclmulqdq(x: XmmFile, dst: number, src: number, imm: number): void {
  const u = x.u32, a = dst * 4 + (imm & 1) * 2, b = src * 4 + ((imm >> 4) & 1) * 2;
  const a0 = u[a], a1 = u[a + 1], b0 = u[b], b1 = u[b + 1];
  r.fill(0);
  clmul32(a0, b0, r, 0);
  clmul32(a0, b1, r, 1);
  clmul32(a1, b0, r, 1);
  clmul32(a1, b1, r, 2);
  u.set(r, dst * 4);
}
