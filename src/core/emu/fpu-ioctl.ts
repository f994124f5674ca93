/**
 * KVM_GET_FPU / KVM_SET_FPU on the emulated vCPU (kvm_arch_vcpu_ioctl_get_fpu
 * / set_fpu in x86.c): struct kvm_fpu filled from and loaded into the CPU's
 * x87 state (`cpu.x87`, through the emulator's own kvm_fpu image helpers)
 * and SSE state (`cpu.sse`: XMM0–15, MXCSR). As in KVM, KVM_SET_FPU copies
 * every field without checking it (reserved MXCSR bits included).
 */
import { KVM_FPU, KVM_FPU_SIZE, readKvmFpu, writeKvmFpu } from '../../emu/fpu/x87-save.ts';
import type { EmuVcpu } from './vcpu.ts';

const XMM_BYTES = 16 * 16;

export function getFpu(v: EmuVcpu, b: Uint8Array): void {
  const { x87, sse } = v.cpu;
  b.fill(0, 0, KVM_FPU_SIZE);
  writeKvmFpu(x87, b, 0);
  b.set(sse.x.u8.subarray(0, XMM_BYTES), KVM_FPU.xmm);
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(KVM_FPU.mxcsr, sse.mxcsr >>> 0, true);
}

export function setFpu(v: EmuVcpu, b: Uint8Array): void {
  const { x87, sse } = v.cpu;
  readKvmFpu(x87, b, 0);
  sse.x.u8.set(b.subarray(KVM_FPU.xmm, KVM_FPU.xmm + XMM_BYTES), 0);
  sse.mxcsr = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(KVM_FPU.mxcsr, true);
}
