/**
 * struct kvm_xsave (arch/x86/include/uapi/asm/kvm.h): the guest's XSAVE area
 * in the standard (non-compacted) format, 4096 bytes for KVM_GET/SET_XSAVE
 * and KVM_GET_XSAVE2 (which may be longer: KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2)
 * gives its size). Offsets: SDM Vol. 1 §13.4 — legacy region (FCW at 0,
 * MXCSR at 24), XSAVE header at 512 (XSTATE_BV, XCOMP_BV); APX's R16–R31
 * are component 19, 16 qwords at the offset CPUID.(0xD,19).EBX gives
 * (960 on the emulated CPU, where MPX's BNDREGS would be — hence the
 * MPX/APX conflict in __kvm_set_xcr).
 */
export const KVM_XSAVE_SIZE = 4096;
/** struct kvm_fpu (KVM_GET/SET_FPU): 416 bytes; its layout lives with the x87 images. */
export { KVM_FPU, KVM_FPU_SIZE } from '../../emu/fpu/x87-save.ts';
export const XSAVE_FCW = 0;
export const XSAVE_MXCSR = 24;
export const XSAVE_HEADER = 512;
/** Component 19 (APX) in the standard format of the emulated CPU. */
export const XSAVE_APX_OFFSET = 960;
export const XFEATURE_APX_BIT = 19;
export const FCW_DEFAULT = 0x037f;
export const MXCSR_DEFAULT = 0x1f80;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function xstateBv(b: Uint8Array): bigint {
  return dv(b).getBigUint64(XSAVE_HEADER, true);
}

export function setXstateBv(b: Uint8Array, v: bigint): void {
  dv(b).setBigUint64(XSAVE_HEADER, v, true);
}

/** R16–R31 from an XSAVE area; zeros (the init state) when XSTATE_BV.APX is clear. */
export function readApxComponent(b: Uint8Array): bigint[] {
  const init = ((xstateBv(b) >> BigInt(XFEATURE_APX_BIT)) & 1n) === 0n;
  const d = dv(b);
  return Array.from({ length: 16 }, (_, k) => (init ? 0n : d.getBigUint64(XSAVE_APX_OFFSET + 8 * k, true)));
}

/** Store R16–R31 and mark the component present in XSTATE_BV. */
export function writeApxComponent(b: Uint8Array, regs: readonly bigint[]): void {
  const d = dv(b);
  regs.forEach((v, k) => d.setBigUint64(XSAVE_APX_OFFSET + 8 * k, BigInt.asUintN(64, v), true));
  setXstateBv(b, xstateBv(b) | (1n << BigInt(XFEATURE_APX_BIT)));
}

/**
 * The legacy region (the first 512 bytes, FXSAVE's layout: SDM Vol. 1
 * §10.5.1, Table 10-2) as its fields: FCW, FSW, the abridged tag byte (bit
 * r: physical register Rr is not empty), FOP, the last instruction and data
 * pointers as two dwords each (bytes 8–15, 16–23: offset and selector in the
 * 32-bit format, the 64-bit pointer's halves in FXSAVE64's — gdb's fioff/
 * fiseg and fooff/foseg either way), MXCSR, ST(0)–ST(7) as 80-bit values
 * (stack order, 16 bytes apart from 32) and XMM0–15 (16 bytes from 160).
 */
export interface LegacyRegion {
  fcw: number;
  fsw: number;
  abridgedTag: number;
  fop: number;
  fioff: number;
  fiseg: number;
  fooff: number;
  foseg: number;
  mxcsr: number;
  st: bigint[];
  xmm: bigint[];
}

export const XSAVE_ST0 = 32;
export const XSAVE_XMM0 = 160;

function le(b: Uint8Array, off: number, len: number): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
  return v;
}

export function readLegacyRegion(b: Uint8Array): LegacyRegion {
  const d = dv(b);
  return {
    fcw: d.getUint16(XSAVE_FCW, true),
    fsw: d.getUint16(2, true),
    abridgedTag: d.getUint8(4),
    fop: d.getUint16(6, true) & 0x7ff,
    fioff: d.getUint32(8, true),
    fiseg: d.getUint32(12, true),
    fooff: d.getUint32(16, true),
    foseg: d.getUint32(20, true),
    mxcsr: d.getUint32(XSAVE_MXCSR, true),
    st: Array.from({ length: 8 }, (_, k) => le(b, XSAVE_ST0 + 16 * k, 10)),
    xmm: Array.from({ length: 16 }, (_, k) => le(b, XSAVE_XMM0 + 16 * k, 16)),
  };
}

function setLe(b: Uint8Array, off: number, len: number, v: bigint): void {
  for (let i = 0; i < len; i++) b[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/**
 * Store `r` into the legacy region (readLegacyRegion's inverse; bytes 10–15
 * of each ST slot and the reserved bytes are left as they are) and mark x87
 * and SSE present in XSTATE_BV, so that KVM_SET_XSAVE loads them rather
 * than their init state.
 */
export function writeLegacyRegion(b: Uint8Array, r: LegacyRegion): void {
  const d = dv(b);
  d.setUint16(XSAVE_FCW, r.fcw, true);
  d.setUint16(2, r.fsw, true);
  d.setUint8(4, r.abridgedTag);
  d.setUint16(6, r.fop & 0x7ff, true);
  d.setUint32(8, r.fioff >>> 0, true);
  d.setUint32(12, r.fiseg >>> 0, true);
  d.setUint32(16, r.fooff >>> 0, true);
  d.setUint32(20, r.foseg >>> 0, true);
  d.setUint32(XSAVE_MXCSR, r.mxcsr >>> 0, true);
  r.st.forEach((v, k) => setLe(b, XSAVE_ST0 + 16 * k, 10, v));
  r.xmm.forEach((v, k) => setLe(b, XSAVE_XMM0 + 16 * k, 16, v));
  setXstateBv(b, xstateBv(b) | 3n);
}
