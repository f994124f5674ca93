/**
 * A CPL 3 guest that leaves known values in XMM0, XMM1, ST(0) and ST(1),
 * run on /dev/kvm with the x87/SSE state read at the end (KVM_GET_FPU).
 * CPL 3 because under kvm_pvm, CPL 0 code goes through KVM's instruction
 * emulator, which has no MOVD/PCMPEQD/FLD1 (KVM_EXIT_INTERNAL_ERROR), while
 * CPL 3 code runs natively on the host CPU. With no IDT the closing UD2
 * shuts the guest down, and the state is read there.
 */
import { BOOT_CODE_ADDR, bootSegments, buildLongMode } from '../../src/core/boot/longmode.ts';
import { KvmBackend } from '../../src/core/kvm/backend.ts';
import { runCode, type RunCodeResult } from './run-code.ts';

const MEM = 4 << 20;
export const FPU_GUEST_UD2 = BOOT_CODE_ADDR + 17;

export function runFpuGuestOnKvm(): RunCodeResult {
  const { memory, state } = buildLongMode({ memSize: MEM, user: true });
  const seg = bootSegments();
  state.sregs.cs = seg.userCode;
  state.sregs.ss = seg.userData;
  state.sregs.ds = state.sregs.es = seg.userData;
  memory.set([
    0xb8, 0x00, 0x00, 0xc0, 0x3f, // mov eax, 0x3fc00000 (1.5f)
    0x66, 0x0f, 0x6e, 0xc0, //       movd xmm0, eax
    0x66, 0x0f, 0x76, 0xc9, //       pcmpeqd xmm1, xmm1
    0xd9, 0xe8, //                   fld1
    0xd9, 0xeb, //                   fldpi
    0x0f, 0x0b, //                   ud2
  ], BOOT_CODE_ADDR);
  return runCode(new KvmBackend(), { memSize: MEM, memory, state, readFpu: true });
}
