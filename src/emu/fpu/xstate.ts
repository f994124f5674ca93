/**
 * The XSAVE-managed state components of this CPU and their places in an
 * XSAVE area (Intel SDM Vol. 1 ch. 13): 0 x87 and 1 SSE in the legacy region
 * (the FXSAVE layout, §13.4.1, §13.5.1–13.5.2), 19 APX (R16–R31) in the
 * extended region — at 960 in the standard format, packed after the header
 * in the compacted one (§13.4.3). Shared by the instructions (exec/xsave.ts)
 * and the hypervisor's KVM_GET/SET_XSAVE (core/emu/xsave.ts).
 *
 * XINUSE (§13.6) is derived from the contents: a component is "in use"
 * unless it is in its initial configuration. That is exact in the direction
 * the SDM requires (XINUSE[i] = 0 only when component i is in its initial
 * configuration).
 */
import { FCW_DEFAULT } from './f80.ts';
import { readFxsave, writeFxsave } from './x87-save.ts';
import type { X87State } from './x87-state.ts';
import { MXCSR_MASK, MXCSR_RESET, type SseState } from '../sse/mxcsr.ts';

export const XC_X87 = 0, XC_SSE = 1, XC_YMM = 2, XC_APX = 19;
export const X87_BIT = 1, SSE_BIT = 2, YMM_BIT = 4, APX_BIT = 1 << XC_APX;
/** Components this CPU manages with XSAVE (CPUID.(0xD,0) EDX:EAX). */
export const XSTATE_SUPPORTED = X87_BIT | SSE_BIT | APX_BIT;

export const LEGACY_SIZE = 512;
export const HEADER_OFFSET = 512;
export const HEADER_SIZE = 64;
export const EXT_OFFSET = LEGACY_SIZE + HEADER_SIZE; // 576
export const MXCSR_OFFSET = 24;
export const XMM_OFFSET = 160;
export const APX_STD_OFFSET = 960;
export const APX_SIZE = 128;
/** Bytes 416–511 of the legacy region belong to no component: XSAVE/FXSAVE never write them. */
export const XMM_END = XMM_OFFSET + 16 * 16;

/** Extended components (i ≥ 2) in order: [bit index, size, standard offset, 64-byte aligned when compacted]. */
export const EXTENDED: readonly (readonly [number, number, number, boolean])[] = [[XC_APX, APX_SIZE, APX_STD_OFFSET, false]];

/** Size of the standard-format area holding the components of `mask`. */
export function standardSize(mask: number): number {
  let size = EXT_OFFSET;
  for (const [c, sz, off] of EXTENDED) if (mask & (1 << c)) size = Math.max(size, off + sz);
  return size;
}

/** Offset of extended component `c` in the compacted format for XCOMP_BV `comp` (§13.4.3). */
export function compactedOffset(comp: number, c: number): number {
  let off = EXT_OFFSET;
  for (const [k, sz, , align] of EXTENDED) {
    if ((comp & (1 << k)) === 0) continue;
    if (align) off = (off + 63) & ~63;
    if (k === c) return off;
    off += sz;
  }
  return off;
}

/** Size of a compacted area for XCOMP_BV `comp` (CPUID.(0xD,1).EBX for XCR0 | IA32_XSS). */
export function compactedSize(comp: number): number {
  let off = EXT_OFFSET;
  for (const [k, sz, , align] of EXTENDED) {
    if ((comp & (1 << k)) === 0) continue;
    if (align) off = (off + 63) & ~63;
    off += sz;
  }
  return off;
}

/** The register state the components live in: x87, SSE, and the int32 halves of R16–R31 at apx[apxBase…]. */
export interface XComponents {
  readonly x87: X87State;
  readonly sse: SseState;
  readonly apx: Int32Array;
  readonly apxBase: number;
}

/** The components as the running CPU holds them (R16–R31 are r[32…63]). */
export function cpuComponents(cpu: { readonly x87: X87State; readonly sse: SseState; readonly r: Int32Array }): XComponents {
  return { x87: cpu.x87, sse: cpu.sse, apx: cpu.r, apxBase: 32 };
}

function x87InUse(s: X87State): boolean {
  if (s.fcw !== FCW_DEFAULT || s.fsw !== 0 || s.top !== 0 || s.full !== 0) return true;
  if (s.fop !== 0 || s.fip !== 0 || s.fdp !== 0 || s.fcs !== 0 || s.fds !== 0) return true;
  return s.se.some((x) => x !== 0) || s.sig.some((x) => x !== 0);
}

function sseInUse(s: SseState): boolean {
  if (s.mxcsr !== MXCSR_RESET) return true;
  const u = s.x.u32;
  for (let k = 0; k < 64; k++) if (u[k] !== 0) return true;
  return false;
}

function apxInUse(x: XComponents): boolean {
  for (let k = 0; k < 32; k++) if (x.apx[x.apxBase + k] !== 0) return true;
  return false;
}

/** XINUSE for the supported components. */
export function xinuse(x: XComponents): number {
  return (x87InUse(x.x87) ? X87_BIT : 0) | (sseInUse(x.sse) ? SSE_BIT : 0) | (apxInUse(x) ? APX_BIT : 0);
}

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

// ---- component images (the area's legacy region starts at b[0])

/** `allPointers`: store FOP/FIP/FDP even without a pending exception (KVM's buffer view, not an instruction's). */
export function saveX87(x: XComponents, b: Uint8Array, rexW: boolean, allPointers = false): void {
  writeFxsave(x.x87, b, 0, rexW, allPointers);
}

export function loadX87(x: XComponents, b: Uint8Array, rexW: boolean): void {
  readFxsave(x.x87, b, 0, rexW);
}

/** The x87 initial configuration (§13.6): FNINIT's state with every register zero. */
export function initX87(x: XComponents): void {
  x.x87.init();
  x.x87.se.fill(0);
  x.x87.sig.fill(0);
}

/** MXCSR and MXCSR_MASK at 24–31. */
export function saveMxcsr(x: XComponents, b: Uint8Array): void {
  const d = dv(b);
  d.setUint32(MXCSR_OFFSET, x.sse.mxcsr, true);
  d.setUint32(MXCSR_OFFSET + 4, MXCSR_MASK, true);
}

/** The MXCSR an image holds (to check for reserved bits before loading anything). */
export function imageMxcsr(b: Uint8Array): number {
  return dv(b).getUint32(MXCSR_OFFSET, true);
}

export function saveXmm(x: XComponents, b: Uint8Array): void {
  b.set(x.sse.x.u8.subarray(0, 256), XMM_OFFSET);
}

export function loadXmm(x: XComponents, b: Uint8Array): void {
  x.sse.x.u8.set(b.subarray(XMM_OFFSET, XMM_END), 0);
}

export function initXmm(x: XComponents): void {
  x.sse.x.u8.fill(0, 0, 256);
}

export function saveApx(x: XComponents, b: Uint8Array, off: number): void {
  const d = dv(b);
  for (let k = 0; k < 32; k++) d.setInt32(off + 4 * k, x.apx[x.apxBase + k], true);
}

export function loadApx(x: XComponents, b: Uint8Array, off: number): void {
  const d = dv(b);
  for (let k = 0; k < 32; k++) x.apx[x.apxBase + k] = d.getInt32(off + 4 * k, true);
}

export function initApx(x: XComponents): void {
  x.apx.fill(0, x.apxBase, x.apxBase + 32);
}

/** XSTATE_BV / XCOMP_BV as (lo, hi) words from the header at b[512…]. */
export function headerWord(b: Uint8Array, at: number): [number, number] {
  const d = dv(b);
  return [d.getUint32(HEADER_OFFSET + at, true), d.getUint32(HEADER_OFFSET + at + 4, true)];
}

export function setHeaderWord(b: Uint8Array, at: number, lo: number, hi: number): void {
  const d = dv(b);
  d.setUint32(HEADER_OFFSET + at, lo >>> 0, true);
  d.setUint32(HEADER_OFFSET + at + 4, hi >>> 0, true);
}

export { MXCSR_RESET };
