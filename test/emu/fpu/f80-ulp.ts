/**
 * One-ulp neighbourhood of 80-bit values, for the x87 transcendentals, which
 * the SDM allows 1 ulp of error (Vol. 1 8.3.10) and which the host rounds
 * the other way in a few % of cases (docs/emu.md).
 */

/** Order key of a finite value's magnitude: neighbouring representable values differ by 1 (J = 1 for normals). */
function magKey(se: number, hi: number, lo: number): bigint {
  const e = BigInt(se & 0x7fff), sig = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return e === 0n ? sig : (e << 63n) + sig - (1n << 63n);
}

/** Whether a and b (se, hi, lo) are neighbours of the same sign. */
export function f80Adjacent(a: readonly [number, number, number], b: readonly [number, number, number]): boolean {
  if ((a[0] ^ b[0]) & 0x8000) return false;
  const d = magKey(...a) - magKey(...b);
  return d === 1n || d === -1n;
}
