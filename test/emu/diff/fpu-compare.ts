/**
 * Field-by-field comparison of two FpuState (the XSAVE legacy region of the
 * hardware and the emulator's registers) for the differential test: MXCSR,
 * FCW, FSW, the abridged tag byte, ST(0)–ST(7) (= MM0–7, the 10 bytes of
 * each) and XMM0–15. Returns [field, hardware, emulator] per difference.
 *
 * FOP, FIP, FDP are not compared: the host kernel's XSAVES at each VM exit
 * (AMD) loses them whenever FSW.ES = 0 (Lockstep.mirrorPointerLoss); they are
 * checked through the memory FNSTENV/FNSAVE write, compared like all data
 * memory. MXCSR and XMM come from XSAVE, not KVM_GET_FPU, which reads MXCSR
 * as 0 on this host (KVM copies its mxcsr field neither way).
 */
import { f80Adjacent } from '../fpu/f80-ulp.ts';
import type { FpuState } from './machine.ts';

const hexOf = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.subarray(from, to)).reverse().toString('hex');

/** [name, first byte, end] in the FXSAVE layout of FpuState.x87 (SDM Vol. 1 Table 10-2). */
const X87_FIELDS: readonly [string, number, number][] = [
  ['x87.fcw', 0, 2],
  ['x87.fsw', 2, 4],
  ['x87.ftwx', 4, 5],
  ...Array.from({ length: 8 }, (_, i): [string, number, number] => [`x87.st${i}`, 32 + 16 * i, 42 + 16 * i]),
];

/** An XMM register as its two qwords, high first (how gdb and the SDM draw it). */
export function xmmText(b: Uint8Array): string {
  return `${hexOf(b, 8, 16)}_${hexOf(b, 0, 8)}`;
}

export function fpuDiffs(hw: FpuState, em: FpuState): [string, string, string][] {
  const out: [string, string, string][] = [];
  if (hw.mxcsr !== em.mxcsr) out.push(['mxcsr', hw.mxcsr.toString(16), em.mxcsr.toString(16)]);
  for (const [name, from, to] of X87_FIELDS) {
    const a = hexOf(hw.x87, from, to), b = hexOf(em.x87, from, to);
    if (a !== b) out.push([name, a, b]);
  }
  for (let r = 0; r < 16; r++) {
    const a = hw.xmm.subarray(16 * r, 16 * r + 16), b = em.xmm.subarray(16 * r, 16 * r + 16);
    if (!Buffer.from(a).equals(Buffer.from(b))) out.push([`xmm${r}`, xmmText(a), xmmText(b)]);
  }
  return out;
}

/**
 * RCPPS/RCPSS/RSQRTPS/RSQRTSS lanes: each within the SDM's bound of the other
 * (both within 1.5·2^-12 of the exact value, so 3·2^-12 apart at most), or
 * bit-equal (specials), or 0 against the smallest normal of the same sign (the
 * flush threshold, docs/sse.md "Not bit-exact"). Returns a description of the
 * first lane out of bound, or ''.
 */
export function approxLanes(hw: Uint8Array, em: Uint8Array, reg: number, lanes: number): string {
  const a = new DataView(hw.buffer, hw.byteOffset), b = new DataView(em.buffer, em.byteOffset);
  for (let k = 0; k < lanes; k++) {
    const o = 16 * reg + 4 * k, x = a.getUint32(o, true), y = b.getUint32(o, true);
    if (x === y) continue;
    const fx = a.getFloat32(o, true), fy = b.getFloat32(o, true);
    const tiny = (u: number) => (u & 0x7fffffff) === 0 || (u & 0x7fffffff) === 0x00800000;
    if ((x ^ y) >>> 31 === 0 && tiny(x) && tiny(y)) continue;
    if (Number.isFinite(fx) && Number.isFinite(fy) && fx !== 0 && Math.abs(fx - fy) <= 3 * 2 ** -12 * Math.abs(fx)) continue;
    return `lane ${k}: hw 0x${x.toString(16)} emu 0x${y.toString(16)}`;
  }
  return '';
}

/** ST(i) of an FXSAVE-layout x87 image as (se, hi, lo). */
function stOf(x87: Uint8Array, i: number): [number, number, number] {
  const d = new DataView(x87.buffer, x87.byteOffset);
  return [d.getUint16(40 + 16 * i, true), d.getUint32(36 + 16 * i, true), d.getUint32(32 + 16 * i, true)];
}

/**
 * After an x87 transcendental: the ST(i) that differ by one ulp (at most one
 * register, with FSW differing in C1 at most), or undefined when the states
 * differ otherwise. An empty list means equal.
 */
export function x87UlpOff(hw: FpuState, em: FpuState): number[] | undefined {
  const fsw = (b: Uint8Array) => b[2] | (b[3] << 8);
  if ((fsw(hw.x87) ^ fsw(em.x87)) & ~0x0200) return undefined;
  const off: number[] = [];
  for (let i = 0; i < 8; i++) {
    const a = stOf(hw.x87, i), b = stOf(em.x87, i);
    if (a[0] === b[0] && a[1] === b[1] && a[2] === b[2]) continue;
    if (!f80Adjacent(a, b)) return undefined;
    off.push(i);
  }
  return off.length > 1 ? undefined : off;
}
