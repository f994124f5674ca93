/**
 * Integer SIMD data movement with non-trivial rules (SDM Vol. 2: PSHUFB,
 * PALIGNR, PACKSSWB/PACKSSDW/PACKUSWB/PACKUSDW, PBLENDVB/BLENDVPS/BLENDVPD,
 * INSERTPS, PMOVSX and PMOVZX, PTEST). Operands are XMM register numbers
 * (XMM_SRC for a memory operand); results go through XMM_RES where an
 * output element can depend on an element that is written earlier.
 */
import { type XmmFile, XMM_RES } from './xmm.ts';

const R = XMM_RES;

/** PSHUFB: byte i = src.b[i] bit 7 ? 0 : dst.b[src.b[i] & 15]. */
export function pshufb(x: XmmFile, dst: number, src: number): void {
  const u = x.u8, a = dst * 16, b = src * 16;
  for (let i = 0; i < 16; i++) {
    const s = u[b + i];
    u[R * 16 + i] = s & 0x80 ? 0 : u[a + (s & 15)];
  }
  x.copy(dst, R);
}

/** PALIGNR dst, src, imm8: bytes imm8 … imm8+15 of the 32-byte dst:src (src low); zero beyond. */
export function palignr(x: XmmFile, dst: number, src: number, imm: number): void {
  const u = x.u8;
  for (let i = 0; i < 16; i++) {
    const k = i + imm;
    u[R * 16 + i] = k < 16 ? u[src * 16 + k] : k < 32 ? u[dst * 16 + k - 16] : 0;
  }
  x.copy(dst, R);
}

/**
 * PACKSSWB (from 2, signed), PACKSSDW (from 4, signed), PACKUSWB (from 2,
 * unsigned), PACKUSDW (from 4, unsigned): dst's elements then src's,
 * narrowed with saturation to half their size.
 */
export function pack(x: XmmFile, dst: number, src: number, from: 2 | 4, unsigned: boolean): void {
  const v = from === 2 ? x.i16 : x.i32, n = 16 / from;
  const hi = unsigned ? (from === 2 ? 255 : 65535) : from === 2 ? 127 : 32767;
  const lo = unsigned ? 0 : -hi - 1;
  const out = from === 2 ? x.i8 : x.i16;
  for (let k = 0; k < 2 * n; k++) {
    const s = k < n ? v[dst * n + k] : v[src * n + k - n];
    out[R * 2 * n + k] = s > hi ? hi : s < lo ? lo : s;
  }
  x.copy(dst, R);
}

/** PBLENDVB (size 1), BLENDVPS (4), BLENDVPD (8) dst, src, mask: src's element where mask's element has its top bit set. */
export function blendv(x: XmmFile, dst: number, src: number, mask: number, size: 1 | 4 | 8): void {
  const u = x.u8;
  for (let k = 0; k < 16; k += size) {
    if (u[mask * 16 + k + size - 1] & 0x80) for (let j = k; j < k + size; j++) u[dst * 16 + j] = u[src * 16 + j];
  }
}

/**
 * INSERTPS dst, src, imm8: dword imm8[5:4] of dst = dword imm8[7:6] of src
 * (dword 0 of src for the m32 form: `memForm`), then dwords with imm8[3:0]
 * bits set are zeroed.
 */
export function insertps(x: XmmFile, dst: number, src: number, imm: number, memForm: boolean): void {
  const u = x.u32;
  u[dst * 4 + ((imm >> 4) & 3)] = u[src * 4 + (memForm ? 0 : imm >> 6)];
  for (let k = 0; k < 4; k++) if (imm & (1 << k)) u[dst * 4 + k] = 0;
}

/**
 * PMOVSX and PMOVZX dst, src: the low elements of src of `from` bytes, sign- or
 * zero-extended to `to` bytes (BW, BD, BQ, WD, WQ, DQ).
 */
export function pmovx(x: XmmFile, dst: number, src: number, from: 1 | 2 | 4, to: 2 | 4 | 8, signed: boolean): void {
  const n = 16 / to;
  const v = signed ? (from === 1 ? x.i8 : from === 2 ? x.i16 : x.i32) : from === 1 ? x.u8 : from === 2 ? x.u16 : x.u32;
  const s = (src * 16) / from, r = R * 4;
  for (let k = 0; k < n; k++) {
    const e = v[s + k];
    if (to === 8) {
      x.i32[r + 2 * k] = e;
      x.i32[r + 2 * k + 1] = e < 0 ? -1 : 0;
    } else if (to === 4) x.i32[r + k] = e;
    else x.i16[R * 8 + k] = e;
  }
  x.copy(dst, R);
}

// RFLAGS bits.
const CF = 1, ZF = 0x40;

/** PTEST a, b: ZF = (a AND b) = 0, CF = (NOT a AND b) = 0; returns those RFLAGS bits (AF OF PF SF cleared). */
export function ptest(x: XmmFile, a: number, b: number): number {
  const u = x.u32;
  let and = 0, andn = 0;
  for (let k = 0; k < 4; k++) {
    and |= u[a * 4 + k] & u[b * 4 + k];
    andn |= ~u[a * 4 + k] & u[b * 4 + k];
  }
  return (and === 0 ? ZF : 0) | (andn === 0 ? CF : 0);
}
