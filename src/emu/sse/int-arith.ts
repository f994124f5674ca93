/**
 * Integer SIMD arithmetic that is more than a per-element one-liner (SDM
 * Vol. 2: PMADDWD, PMADDUBSW, PMULHRSW, PMULHUW, PMULHW, PSADBW, MPSADBW,
 * PHMINPOSUW, PAVGB/PAVGW, PSIGNB/W/D, PABSB/W/D). Operands are XMM
 * register numbers (XMM_SRC for a memory operand); results are built in
 * XMM_RES and then copied, so dst may equal src. No exceptions.
 */
import { type XmmFile, XMM_RES } from './xmm.ts';

const R = XMM_RES;

function satS16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** PMADDWD: dword k = a.w[2k]·b.w[2k] + a.w[2k+1]·b.w[2k+1] (signed; only -32768² + -32768² wraps). */
export function pmaddwd(x: XmmFile, dst: number, src: number): void {
  const w = x.i16, a = dst * 8, b = src * 8;
  for (let k = 0; k < 4; k++) x.i32[R * 4 + k] = (w[a + 2 * k] * w[b + 2 * k] + w[a + 2 * k + 1] * w[b + 2 * k + 1]) | 0;
  x.copy(dst, R);
}

/** PMADDUBSW: word k = sat16(dst.ub[2k]·src.sb[2k] + dst.ub[2k+1]·src.sb[2k+1]) — dst unsigned, src signed. */
export function pmaddubsw(x: XmmFile, dst: number, src: number): void {
  const u = x.u8, s = x.i8, a = dst * 16, b = src * 16;
  for (let k = 0; k < 8; k++) x.i16[R * 8 + k] = satS16(u[a + 2 * k] * s[b + 2 * k] + u[a + 2 * k + 1] * s[b + 2 * k + 1]);
  x.copy(dst, R);
}

/** PMULHRSW: ((a·b >> 14) + 1) >> 1, low 16 bits (-32768·-32768 gives -32768). */
export function pmulhrsw(x: XmmFile, dst: number, src: number): void {
  const w = x.i16, a = dst * 8, b = src * 8;
  for (let k = 0; k < 8; k++) w[R * 8 + k] = (((w[a + k] * w[b + k]) >> 14) + 1) >> 1;
  x.copy(dst, R);
}

/** PMULHUW (signed = false) / PMULHW: high 16 bits of the 32-bit products. */
export function pmulhw(x: XmmFile, dst: number, src: number, signed: boolean): void {
  const w = signed ? x.i16 : x.u16, a = dst * 8, b = src * 8;
  for (let k = 0; k < 8; k++) x.u16[R * 8 + k] = Math.floor((w[a + k] * w[b + k]) / 65536);
  x.copy(dst, R);
}

/** PSADBW: per 8-byte half, Σ|a - b| into the low word of the quadword (the rest zero). */
export function psadbw(x: XmmFile, dst: number, src: number): void {
  const u = x.u8, a = dst * 16, b = src * 16;
  x.u32.fill(0, R * 4, R * 4 + 4);
  for (let h = 0; h < 16; h += 8) {
    let s = 0;
    for (let k = h; k < h + 8; k++) s += Math.abs(u[a + k] - u[b + k]);
    x.u16[R * 8 + h / 2] = s;
  }
  x.copy(dst, R);
}

/**
 * MPSADBW dst, src, imm8: word i = Σ_{k<4} |dst.b[o1 + i + k] - src.b[o2 + k]|
 * with o1 = imm8[2]·4 and o2 = imm8[1:0]·4.
 */
export function mpsadbw(x: XmmFile, dst: number, src: number, imm: number): void {
  const u = x.u8, o1 = dst * 16 + ((imm >> 2) & 1) * 4, o2 = src * 16 + (imm & 3) * 4;
  for (let i = 0; i < 8; i++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += Math.abs(u[o1 + i + k] - u[o2 + k]);
    x.u16[R * 8 + i] = s;
  }
  x.copy(dst, R);
}

/** PHMINPOSUW dst, src: word 0 = the smallest unsigned word of src, bits 18:16 its lowest index, the rest zero. */
export function phminposuw(x: XmmFile, dst: number, src: number): void {
  const w = x.u16, b = src * 8;
  let min = w[b], at = 0;
  for (let k = 1; k < 8; k++) {
    if (w[b + k] < min) {
      min = w[b + k];
      at = k;
    }
  }
  const u = x.u32, d = dst * 4;
  u[d] = min | (at << 16);
  u[d + 1] = u[d + 2] = u[d + 3] = 0;
}

/** PAVGB (size 1) / PAVGW (size 2): (a + b + 1) >> 1, unsigned. */
export function pavg(x: XmmFile, dst: number, src: number, size: 1 | 2): void {
  const v = size === 1 ? x.u8 : x.u16, n = 16 / size, a = dst * n, b = src * n;
  for (let k = 0; k < n; k++) v[a + k] = (v[a + k] + v[b + k] + 1) >> 1;
}

function signedView(x: XmmFile, size: 1 | 2 | 4): Int8Array | Int16Array | Int32Array {
  return size === 1 ? x.i8 : size === 2 ? x.i16 : x.i32;
}

/** PSIGNB/W/D: dst element negated where src's is negative, zeroed where it is zero (wrapping). */
export function psign(x: XmmFile, dst: number, src: number, size: 1 | 2 | 4): void {
  const v = signedView(x, size), n = 16 / size, a = dst * n, b = src * n;
  for (let k = 0; k < n; k++) {
    const s = v[b + k];
    v[a + k] = s < 0 ? -v[a + k] : s === 0 ? 0 : v[a + k];
  }
}

/** PABSB/W/D dst, src: |src| as unsigned (|-128| = 0x80). */
export function pabs(x: XmmFile, dst: number, src: number, size: 1 | 2 | 4): void {
  const v = signedView(x, size), n = 16 / size, a = dst * n, b = src * n;
  for (let k = 0; k < n; k++) v[a + k] = Math.abs(v[b + k]);
}

/**
 * PHADDW/PHADDD/PHADDSW and PHSUBW/PHSUBD/PHSUBSW: the low half of the
 * result pairs up dst's elements (e0 op e1, e2 op e3 …), the high half
 * src's; words or dwords wrap, or saturate (the *SW forms).
 */
export function phaddsub(x: XmmFile, dst: number, src: number, size: 2 | 4, sub: boolean, saturate: boolean): void {
  const v = size === 2 ? x.i16 : x.i32, n = 16 / size, half = n / 2;
  for (let k = 0; k < n; k++) {
    const from = (k < half ? dst : src) * n + 2 * (k % half);
    const r = sub ? v[from] - v[from + 1] : v[from] + v[from + 1];
    v[R * n + k] = saturate ? satS16(r) : r;
  }
  x.copy(dst, R);
}

/** Low and high halves of the unsigned 64-bit product of two uint32, exact (16-bit partial products). */
function mulU32(a: number, b: number, out: Int32Array, i: number): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  out[i] = Math.imul(a, b);
  out[i + 1] = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
}

/** PMULUDQ (signed = false) / PMULDQ: dwords 0 and 2 of dst and src multiplied to two 64-bit products. */
export function pmuldq(x: XmmFile, dst: number, src: number, signed: boolean): void {
  const u = x.u32, o = x.i32;
  for (let k = 0; k < 4; k += 2) {
    const a = u[dst * 4 + k], b = u[src * 4 + k];
    mulU32(a, b, o, R * 4 + k);
    // Signed: subtract b·2^32 for a negative a and a·2^32 for a negative b (mod 2^64).
    if (signed) o[R * 4 + k + 1] -= (a >> 31 ? b : 0) + (b >> 31 ? a : 0);
  }
  x.copy(dst, R);
}

/** PMULLD: low 32 bits of the dword products. */
export function pmulld(x: XmmFile, dst: number, src: number): void {
  const o = x.i32;
  for (let k = 0; k < 4; k++) o[dst * 4 + k] = Math.imul(o[dst * 4 + k], o[src * 4 + k]);
}

/** PCMPGTQ: each quadword all ones where dst's is greater than src's (signed 64-bit). */
export function pcmpgtq(x: XmmFile, dst: number, src: number): void {
  const o = x.i32, u = x.u32;
  for (let k = 0; k < 4; k += 2) {
    const ah = o[dst * 4 + k + 1], bh = o[src * 4 + k + 1];
    const gt = ah > bh || (ah === bh && u[dst * 4 + k] > u[src * 4 + k]);
    o[dst * 4 + k] = o[dst * 4 + k + 1] = gt ? -1 : 0;
  }
}
