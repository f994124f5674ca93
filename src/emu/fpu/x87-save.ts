/**
 * Memory images of the x87 state:
 *  - the x87 part of the FXSAVE legacy region (Intel SDM Vol. 1 10.5.1,
 *    Table 10-2; bytes 0–23 and 32–159; MXCSR at 24–31 belongs to SSE and is
 *    left untouched), in the REX.W (64-bit FIP/FDP) and the non-REX.W layout;
 *  - the FSTENV/FSAVE images in the 32-bit protected-mode format (SDM Vol. 1
 *    8.1.10, Figures 8-9 and 8-10), which is also what 64-bit mode uses, and
 *    the 16-bit protected-mode format a 66 prefix selects (Figure 8-10's
 *    16-bit layout: 14-byte environment, 94-byte state);
 *  - the x87 fields of struct kvm_fpu (Linux arch/x86/include/uapi/asm/kvm.h),
 *    whose xmm[] and mxcsr bytes are passed through untouched.
 * Register images hold ST(0)…ST(7) in stack order; FXSAVE's abridged tag and
 * the full tag word are per physical register.
 */
import { ES } from './f80.ts';
import type { X87State } from './x87-state.ts';

/**
 * Whether a save stores FOP/FIP/FCS/FDP/FDS. The reference CPU (AMD) stores
 * them (FXSAVE, XSAVE*, FNSTENV, FNSAVE) only while an unmasked exception is
 * pending (FSW.ES = 1) and zeros otherwise (Linux X86_BUG_FXSAVE_LEAK; the
 * Intel SDM always stores them): the emulator follows the CPU it is checked
 * against. `always` is for images that are not an instruction's (KVM's
 * fpstate buffer as userspace set it).
 */
function pointersSaved(s: X87State, always: boolean): boolean {
  return always || (s.fsw & ES) !== 0;
}

/** Bytes of the FXSAVE legacy region that are x87 state (0–23 and 32–159). */
export const FXSAVE_X87_END = 160;
export const FXSAVE_ST_OFFSET = 32;
export const FSTENV_SIZE = 28;
export const FSAVE_SIZE = 108;
export const FSTENV16_SIZE = 14;
export const FSAVE16_SIZE = 94;

/** struct kvm_fpu: size and field offsets (checked against <asm/kvm.h> in the tests). */
export const KVM_FPU_SIZE = 416;
export const KVM_FPU = { fpr: 0, fcw: 128, fsw: 130, ftwx: 132, pad1: 133, last_opcode: 134, last_ip: 136, last_dp: 144, xmm: 152, mxcsr: 408, pad2: 412 } as const;

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** 64-bit pointer fields: the state holds them as signed JS numbers (exact for canonical addresses). */
function setU64(v: DataView, o: number, x: number): void {
  v.setBigInt64(o, BigInt(x), true);
}

function getU64(v: DataView, o: number): number {
  return Number(v.getBigInt64(o, true));
}

/** Write ST(0)…ST(7) as 10-byte values every `stride` bytes from o (FXSAVE: 16, the rest zero; FSAVE: 10). */
function writeRegs(s: X87State, v: DataView, o: number, stride: number): void {
  for (let i = 0; i < 8; i++) {
    const p = o + i * stride, r = s.phys(i);
    v.setUint32(p, s.sig[2 * r + 1], true);
    v.setUint32(p + 4, s.sig[2 * r], true);
    v.setUint16(p + 8, s.se[r], true);
    for (let k = 10; k < stride; k++) v.setUint8(p + k, 0);
  }
}

/** Read ST(0)…ST(7) (TOP must already be set); tags are set separately. */
function readRegs(s: X87State, v: DataView, o: number, stride: number): void {
  for (let i = 0; i < 8; i++) {
    const p = o + i * stride, r = s.phys(i);
    s.sig[2 * r + 1] = v.getUint32(p, true);
    s.sig[2 * r] = v.getUint32(p + 4, true);
    s.se[r] = v.getUint16(p + 8, true);
  }
}

/** FXSAVE / FXSAVE64 (rexW): the x87 bytes of the legacy region at buf[off…] (`allPointers`: see pointersSaved). */
export function writeFxsave(s: X87State, buf: Uint8Array, off: number, rexW: boolean, allPointers = false): void {
  const v = view(buf);
  const p = pointersSaved(s, allPointers);
  v.setUint16(off, s.fcw, true);
  v.setUint16(off + 2, s.statusWord(), true);
  v.setUint8(off + 4, s.abridgedTag());
  v.setUint8(off + 5, 0);
  v.setUint16(off + 6, p ? s.fop & 0x7ff : 0, true);
  if (rexW) {
    setU64(v, off + 8, p ? s.fip : 0);
    setU64(v, off + 16, p ? s.fdp : 0);
  } else {
    v.setUint32(off + 8, p ? s.fip >>> 0 : 0, true);
    v.setUint32(off + 12, p ? s.fcs & 0xffff : 0, true); // FCS, then 2 reserved bytes
    v.setUint32(off + 16, p ? s.fdp >>> 0 : 0, true);
    v.setUint32(off + 20, p ? s.fds & 0xffff : 0, true);
  }
  writeRegs(s, v, off + FXSAVE_ST_OFFSET, 16);
}

/** FXRSTOR / FXRSTOR64 (rexW): load the x87 state from the legacy region at buf[off…]. */
export function readFxsave(s: X87State, buf: Uint8Array, off: number, rexW: boolean): void {
  const v = view(buf);
  s.setControlWord(v.getUint16(off, true));
  s.setStatusWord(v.getUint16(off + 2, true));
  s.setAbridgedTag(v.getUint8(off + 4));
  s.fop = v.getUint16(off + 6, true) & 0x7ff;
  if (rexW) {
    s.fip = getU64(v, off + 8);
    s.fdp = getU64(v, off + 16);
    s.fcs = 0;
    s.fds = 0;
  } else {
    s.fip = v.getUint32(off + 8, true);
    s.fcs = v.getUint16(off + 12, true);
    s.fdp = v.getUint32(off + 16, true);
    s.fds = v.getUint16(off + 20, true);
  }
  readRegs(s, v, off + FXSAVE_ST_OFFSET, 16);
  s.updateES();
}

/**
 * FNSTENV (28 bytes, 32-bit format): FCW, FSW, full tag word, FIP, FCS with
 * FOP in bits 26–16, FDP, FDS; the unused upper halves read as 0xFFFF on the
 * reference hardware.
 */
export function writeFstenv(s: X87State, buf: Uint8Array, off: number): void {
  const v = view(buf);
  const p = pointersSaved(s, false);
  v.setUint32(off, 0xffff0000 | s.fcw, true);
  v.setUint32(off + 4, (0xffff0000 | s.statusWord()) >>> 0, true);
  v.setUint32(off + 8, (0xffff0000 | s.tagWord()) >>> 0, true);
  v.setUint32(off + 12, p ? s.fip >>> 0 : 0, true);
  v.setUint32(off + 16, p ? ((s.fop & 0x7ff) << 16 | (s.fcs & 0xffff)) >>> 0 : 0, true);
  v.setUint32(off + 20, p ? s.fdp >>> 0 : 0, true);
  v.setUint32(off + 24, (0xffff0000 | (p ? s.fds & 0xffff : 0)) >>> 0, true);
}

/** FLDENV (28 bytes, 32-bit format): only empty/non-empty of the tag word is kept (SDM Vol. 1 8.1.7). */
export function readFldenv(s: X87State, buf: Uint8Array, off: number): void {
  const v = view(buf);
  s.setControlWord(v.getUint16(off, true));
  s.setStatusWord(v.getUint16(off + 4, true));
  s.setTagWord(v.getUint16(off + 8, true));
  s.fip = v.getUint32(off + 12, true);
  const w = v.getUint32(off + 16, true);
  s.fcs = w & 0xffff;
  s.fop = (w >>> 16) & 0x7ff;
  s.fdp = v.getUint32(off + 20, true);
  s.fds = v.getUint16(off + 24, true);
  s.updateES();
}

/**
 * FNSTENV with a 66 prefix (14 bytes, 16-bit protected-mode format): FCW,
 * FSW, tag word, FIP[15:0], FCS, FDP[15:0], FDS — no FOP. The pointers follow
 * the same rule as the 32-bit image (pointersSaved).
 */
export function writeFstenv16(s: X87State, buf: Uint8Array, off: number): void {
  const v = view(buf);
  const p = pointersSaved(s, false);
  v.setUint16(off, s.fcw, true);
  v.setUint16(off + 2, s.statusWord(), true);
  v.setUint16(off + 4, s.tagWord(), true);
  v.setUint16(off + 6, p ? s.fip & 0xffff : 0, true);
  v.setUint16(off + 8, p ? s.fcs & 0xffff : 0, true);
  v.setUint16(off + 10, p ? s.fdp & 0xffff : 0, true);
  v.setUint16(off + 12, p ? s.fds & 0xffff : 0, true);
}

/** FLDENV with a 66 prefix (14 bytes): FIP/FDP become the 16-bit offsets, FOP 0 (as the host does). */
export function readFldenv16(s: X87State, buf: Uint8Array, off: number): void {
  const v = view(buf);
  s.setControlWord(v.getUint16(off, true));
  s.setStatusWord(v.getUint16(off + 2, true));
  s.setTagWord(v.getUint16(off + 4, true));
  s.fip = v.getUint16(off + 6, true);
  s.fcs = v.getUint16(off + 8, true);
  s.fop = 0;
  s.fdp = v.getUint16(off + 10, true);
  s.fds = v.getUint16(off + 12, true);
  s.updateES();
}

/** FNSAVE image (108 bytes; 94 in the 16-bit format): the environment then ST(0)…ST(7). FNSAVE then does FNINIT — the caller's job. */
export function writeFsave(s: X87State, buf: Uint8Array, off: number, bits16 = false): void {
  if (bits16) writeFstenv16(s, buf, off);
  else writeFstenv(s, buf, off);
  writeRegs(s, view(buf), off + (bits16 ? FSTENV16_SIZE : FSTENV_SIZE), 10);
}

/** FRSTOR (108 bytes; 94 in the 16-bit format). */
export function readFsave(s: X87State, buf: Uint8Array, off: number, bits16 = false): void {
  if (bits16) readFldenv16(s, buf, off);
  else readFldenv(s, buf, off);
  readRegs(s, view(buf), off + (bits16 ? FSTENV16_SIZE : FSTENV_SIZE), 10);
}

/** KVM_GET_FPU: fill the x87 fields of a struct kvm_fpu at buf[off…]; xmm[] and mxcsr are not touched. */
export function writeKvmFpu(s: X87State, buf: Uint8Array, off: number): void {
  const v = view(buf);
  writeRegs(s, v, off + KVM_FPU.fpr, 16);
  v.setUint16(off + KVM_FPU.fcw, s.fcw, true);
  v.setUint16(off + KVM_FPU.fsw, s.statusWord(), true);
  v.setUint8(off + KVM_FPU.ftwx, s.abridgedTag());
  v.setUint8(off + KVM_FPU.pad1, 0);
  v.setUint16(off + KVM_FPU.last_opcode, s.fop & 0x7ff, true);
  setU64(v, off + KVM_FPU.last_ip, s.fip);
  setU64(v, off + KVM_FPU.last_dp, s.fdp);
}

/** KVM_SET_FPU: load the x87 fields of a struct kvm_fpu (TOP comes from fsw, as in the kernel's fxsave copy). */
export function readKvmFpu(s: X87State, buf: Uint8Array, off: number): void {
  const v = view(buf);
  s.setControlWord(v.getUint16(off + KVM_FPU.fcw, true));
  s.setStatusWord(v.getUint16(off + KVM_FPU.fsw, true));
  s.setAbridgedTag(v.getUint8(off + KVM_FPU.ftwx));
  s.fop = v.getUint16(off + KVM_FPU.last_opcode, true) & 0x7ff;
  s.fip = getU64(v, off + KVM_FPU.last_ip);
  s.fdp = getU64(v, off + KVM_FPU.last_dp);
  readRegs(s, v, off + KVM_FPU.fpr, 16);
  s.updateES();
}
