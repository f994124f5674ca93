/**
 * Field-by-field comparison of two struct kvm_fpu images (KVM_GET_FPU of the
 * hardware and of the emulator) for the differential test: ST(0)–ST(7) (the
 * 10 bytes of each), FCW, FSW, the abridged tag byte, FOP, FIP, FDP, and
 * XMM0–15 as one field. Returns [field, hardware, emulator] per difference.
 */
import { KVM_FPU } from '../../../src/core/uapi/xsave.ts';

const hexOf = (b: Uint8Array, from: number, to: number): string => Buffer.from(b.subarray(from, to)).reverse().toString('hex');

const FIELDS: readonly [string, number, number][] = [
  ...Array.from({ length: 8 }, (_, i): [string, number, number] => [`x87.st${i}`, KVM_FPU.fpr + 16 * i, KVM_FPU.fpr + 16 * i + 10]),
  ['x87.fcw', KVM_FPU.fcw, KVM_FPU.fcw + 2],
  ['x87.fsw', KVM_FPU.fsw, KVM_FPU.fsw + 2],
  ['x87.ftwx', KVM_FPU.ftwx, KVM_FPU.ftwx + 1],
  ['x87.fop', KVM_FPU.last_opcode, KVM_FPU.last_opcode + 2],
  ['x87.fip', KVM_FPU.last_ip, KVM_FPU.last_ip + 8],
  ['x87.fdp', KVM_FPU.last_dp, KVM_FPU.last_dp + 8],
  ['xmm', KVM_FPU.xmm, KVM_FPU.mxcsr],
];

/**
 * FOP, FIP, FDP are not compared here: KVM_GET_FPU on this host (AMD, the
 * kernel's XSAVES) always reads them as 0 although the CPU keeps them
 * (FNSTENV/FNSAVE store them while FSW.ES = 1): they are checked through
 * the memory FNSTENV/FNSAVE write, which is compared like all data memory.
 */
const POINTERS = new Set(['x87.fop', 'x87.fip', 'x87.fdp']);

export function fpuDiffs(hw: Uint8Array, emu: Uint8Array): [string, string, string][] {
  const out: [string, string, string][] = [];
  for (const [name, from, to] of FIELDS) {
    if (POINTERS.has(name)) continue;
    const a = hexOf(hw, from, to), b = hexOf(emu, from, to);
    if (a !== b) out.push([name, a, b]);
  }
  return out;
}
