/**
 * PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM (SDM Vol. 2 §4.1 "Imm8 Control
 * Byte Operation for PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM" and the
 * instruction pages).
 *
 * imm8[1:0] element format: 0 unsigned bytes, 1 unsigned words, 2 signed
 * bytes, 3 signed words (n = 16 or 8 elements). imm8[3:2] aggregation:
 * 0 equal any, 1 ranges, 2 equal each, 3 equal ordered. imm8[5:4] polarity:
 * 0 positive, 1 negative, 2 masked positive, 3 masked negative (invert only
 * where the second operand's element is valid). imm8[6]: index of the most
 * (1) or least (0) significant set bit / byte-or-word mask (1) rather than a
 * bit mask (0).
 *
 * Lengths: the explicit forms take |EAX| and |EDX| (|RAX|, |RDX| with
 * REX.W) saturated to n — pass the register's signed value (for a 64-bit
 * register any value of magnitude ≥ n may stand for a larger one); the
 * implicit forms (implicit = true) end each string at its first zero element.
 *
 * Flags (RFLAGS bits returned): CF = IntRes2 ≠ 0, ZF = second operand shorter
 * than n, SF = first operand shorter than n, OF = IntRes2[0]; AF = PF = 0.
 */
import { type XmmFile, XMM_RES } from './xmm.ts';

const CF = 1, ZF = 0x40, SF = 0x80, OF = 0x800;

/** Results of one comparison: IntRes2 and the RFLAGS bits. */
export class StrCmpResult {
  intRes2 = 0;
  flags = 0;
}

function elem(x: XmmFile, r: number, i: number, fmt: number): number {
  switch (fmt) {
    case 0: return x.u8[r * 16 + i];
    case 1: return x.u16[r * 8 + i];
    case 2: return x.i8[r * 16 + i];
    default: return x.i16[r * 8 + i];
  }
}

function implicitLength(x: XmmFile, r: number, fmt: number, n: number): number {
  for (let i = 0; i < n; i++) if (elem(x, r, i, fmt) === 0) return i;
  return n;
}

/**
 * Compare register a (xmm1) with register b (xmm2, or XMM_SRC for m128).
 * `la`, `lb`: EAX and EDX for the explicit forms (ignored when implicit).
 */
export function pcmpstr(x: XmmFile, a: number, b: number, imm: number, implicit: boolean, la: number, lb: number, out: StrCmpResult): void {
  const fmt = imm & 3, n = fmt & 1 ? 8 : 16;
  const lenA = implicit ? implicitLength(x, a, fmt, n) : Math.min(Math.abs(la), n);
  const lenB = implicit ? implicitLength(x, b, fmt, n) : Math.min(Math.abs(lb), n);
  const agg = (imm >> 2) & 3;
  let res1 = 0;
  if (agg === 0 || agg === 1) {
    // Equal any / ranges: bit j over the valid elements j of b; invalid pairs force false.
    for (let j = 0; j < lenB; j++) {
      const e = elem(x, b, j, fmt);
      let hit = false;
      if (agg === 0) for (let i = 0; i < lenA && !hit; i++) hit = e === elem(x, a, i, fmt);
      else for (let i = 0; i + 1 < lenA && !hit; i += 2) hit = elem(x, a, i, fmt) <= e && e <= elem(x, a, i + 1, fmt);
      if (hit) res1 |= 1 << j;
    }
  } else if (agg === 2) {
    // Equal each: both invalid force true, one invalid false.
    for (let i = 0; i < n; i++) {
      const va = i < lenA, vb = i < lenB;
      if (va && vb ? elem(x, a, i, fmt) === elem(x, b, i, fmt) : !va && !vb) res1 |= 1 << i;
    }
  } else {
    // Equal ordered: a (the needle) matches b from position j; an invalid needle element forces true.
    for (let j = 0; j < n; j++) {
      let ok = true;
      for (let k = 0; j + k < n && k < lenA && ok; k++) ok = j + k < lenB && elem(x, a, k, fmt) === elem(x, b, j + k, fmt);
      if (ok) res1 |= 1 << j;
    }
  }
  const all = (1 << n) - 1;
  let res2 = res1;
  switch ((imm >> 4) & 3) {
    case 1: res2 = ~res1 & all; break;
    case 3: res2 = res1 ^ ((1 << lenB) - 1); break;
  }
  out.intRes2 = res2;
  out.flags = (res2 ? CF : 0) | (lenB < n ? ZF : 0) | (lenA < n ? SF : 0) | (res2 & 1 ? OF : 0);
}

/** PCMPxSTRI: the ECX result — n when IntRes2 = 0, else the index of its lowest (imm8[6] = 0) or highest set bit. */
export function strIndex(imm: number, r: StrCmpResult): number {
  const n = imm & 1 ? 8 : 16;
  if (r.intRes2 === 0) return n;
  return imm & 0x40 ? 31 - Math.clz32(r.intRes2) : 31 - Math.clz32(r.intRes2 & -r.intRes2);
}

/** PCMPxSTRM: XMM0 = IntRes2 as a bit mask (imm8[6] = 0) or expanded to byte/word masks. */
export function strMask(x: XmmFile, imm: number, r: StrCmpResult, dst = 0): void {
  const u = x.u32;
  u[XMM_RES * 4] = u[XMM_RES * 4 + 1] = u[XMM_RES * 4 + 2] = u[XMM_RES * 4 + 3] = 0;
  if (!(imm & 0x40)) u[XMM_RES * 4] = r.intRes2;
  else if (imm & 1) for (let i = 0; i < 8; i++) x.u16[XMM_RES * 8 + i] = r.intRes2 & (1 << i) ? 0xffff : 0;
  else for (let i = 0; i < 16; i++) x.u8[XMM_RES * 16 + i] = r.intRes2 & (1 << i) ? 0xff : 0;
  x.copy(dst, XMM_RES);
}
