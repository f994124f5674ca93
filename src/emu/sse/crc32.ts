/**
 * CRC32 (SDM Vol. 2 CRC32, SSE4.2): CRC-32C (Castagnoli, polynomial
 * 11EDC6F41h) accumulated in the bit-reflected form, without the initial or
 * final inversion (software applies those). Table-driven, one byte at a time
 * in memory order.
 */
const TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  TABLE[n] = c;
}

/**
 * CRC32 r32, r/m8|16|32 and CRC32 r64, r/m64: the new CRC, as an int32 (a
 * GPR's low half; the 64-bit form zero-extends it), of `bytes` bytes of the
 * source given as int32 halves lo, hi.
 */
export function crc32c(crc: number, lo: number, hi: number, bytes: 1 | 2 | 4 | 8): number {
  let c = crc | 0;
  for (let k = 0; k < bytes; k++) {
    const b = (k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4))) & 0xff;
    c = TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return c;
}
