/**
 * KVM_GET_FPU / KVM_SET_FPU on the emulated vCPU (kvm_arch_vcpu_ioctl_get_fpu
 * / set_fpu in x86.c): struct kvm_fpu holds the x87 registers in stack order
 * as FXSAVE64 stores them, FCW, FSW, the abridged tag byte, FOP, the 64-bit
 * FIP/FDP and XMM0–15. KVM copies neither way the mxcsr field: the ioctl
 * buffer is zero-allocated, so it reads 0, and a set ignores it.
 */
import type { Cpu } from '../../emu/cpu.ts';
import { KVM_FPU, KVM_FPU_SIZE, readKvmFpu, writeKvmFpu } from '../../emu/fpu/x87-save.ts';

const XMM_BYTES = 256;

export function getFpu(cpu: Cpu, b: Uint8Array): void {
  b.fill(0, 0, KVM_FPU_SIZE);
  writeKvmFpu(cpu.x87, b, 0);
  b.set(cpu.sse.x.u8.subarray(0, XMM_BYTES), KVM_FPU.xmm);
}

export function setFpu(cpu: Cpu, b: Uint8Array): void {
  readKvmFpu(cpu.x87, b, 0);
  cpu.sse.x.u8.set(b.subarray(KVM_FPU.xmm, KVM_FPU.xmm + XMM_BYTES), 0);
}
