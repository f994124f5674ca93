/**
 * PSLLW/D/Q, PSRLW/D/Q, PSRAW/D by an xmm/m128 count or imm8 (SDM Vol. 2
 * PSLLW/PSLLD/PSLLQ, PSRLW…, PSRAW/PSRAD) and the byte shifts PSLLDQ,
 * PSRLDQ. A count at least the element width clears the element (logical)
 * or fills it with the sign (arithmetic). In place: each element depends
 * only on itself.
 */
import type { XmmFile } from './xmm.ts';

export const SHIFT_LEFT = 0;
export const SHIFT_RIGHT = 1;
export const SHIFT_ARITH = 2;

/** The count of the xmm/m128 forms: the source's low quadword, unsigned (any value ≥ 2^32 as 2^32). */
export function xmmCount(x: XmmFile, src: number): number {
  return x.u32[src * 4 + 1] !== 0 ? 4294967296 : x.u32[src * 4];
}

/** Shift every element of dst (size 2, 4 or 8 bytes) by count (kind: SHIFT_LEFT, SHIFT_RIGHT, SHIFT_ARITH). */
export function pshift(x: XmmFile, dst: number, count: number, size: 2 | 4 | 8, kind: number): void {
  if (size === 8) return shift64(x, dst, count, kind);
  const v = kind === SHIFT_ARITH ? (size === 2 ? x.i16 : x.i32) : size === 2 ? x.u16 : x.u32;
  const bits = size * 8, n = 16 / size;
  const c = count >= bits ? (kind === SHIFT_ARITH ? bits - 1 : -1) : count;
  for (let k = dst * n; k < dst * n + n; k++) {
    if (c < 0) v[k] = 0;
    else if (kind === SHIFT_LEFT) v[k] = bits === 32 ? v[k] << c : (v[k] << c) & 0xffff;
    else v[k] = kind === SHIFT_ARITH ? v[k] >> c : v[k] >>> c;
  }
}

/** PSLLQ/PSRLQ: 64-bit elements as uint32 halves (there is no PSRAQ before AVX-512). */
function shift64(x: XmmFile, dst: number, count: number, kind: number): void {
  const u = x.u32;
  for (let k = dst * 4; k < dst * 4 + 4; k += 2) {
    const lo = u[k], hi = u[k + 1];
    if (count >= 64) u[k] = u[k + 1] = 0;
    else if (count >= 32) {
      u[kind === SHIFT_LEFT ? k + 1 : k] = kind === SHIFT_LEFT ? lo << (count - 32) : hi >>> (count - 32);
      u[kind === SHIFT_LEFT ? k : k + 1] = 0;
    } else if (count > 0) {
      if (kind === SHIFT_LEFT) {
        u[k + 1] = (hi << count) | (lo >>> (32 - count));
        u[k] = lo << count;
      } else {
        u[k] = (lo >>> count) | (hi << (32 - count));
        u[k + 1] = hi >>> count;
      }
    }
  }
}

/** PSLLDQ (left = true) / PSRLDQ dst, imm8: byte shift of the whole register; imm8 > 15 clears it. */
export function pbyteShift(x: XmmFile, dst: number, imm: number, left: boolean): void {
  const u = x.u8, b = dst * 16;
  if (left) for (let i = 15; i >= 0; i--) u[b + i] = i >= imm ? u[b + i - imm] : 0;
  else for (let i = 0; i < 16; i++) u[b + i] = i + imm < 16 ? u[b + i + imm] : 0;
}
