/**
 * Guest code at CPL 3 on /dev/kvm, with the x87/SSE state read at the end.
 * CPL 3 because under kvm_pvm, CPL 0 code goes through KVM's instruction
 * emulator, which has no MOVD/PCMPEQD/FLD1 (KVM_EXIT_INTERNAL_ERROR), while
 * CPL 3 code runs natively on the host CPU. The code ends in UD2: with no
 * IDT the guest shuts down, and the state is read there.
 */
import { openKvm, type VcpuFd } from '../../src/core/api/index.ts';
import { BOOT_CODE_ADDR, bootSegments, buildLongMode } from '../../src/core/boot/longmode.ts';
import { KvmBackend } from '../../src/core/kvm/backend.ts';
import type { KvmRegs } from '../../src/core/uapi/structs.ts';

const MEM = 4 << 20;
/** Where KVM_SET_TSS_ADDR points (as test/support/run-code.ts). */
const KVM_TSS_ADDR = 0xfffbd000;
/** A user-writable data page for the code to store to. */
export const DATA = 0x20000;

export interface Cpl3Run {
  exit: string;
  regs: KvmRegs;
  /** KVM_GET_FPU and KVM_GET_XSAVE at the end. */
  fpu: Uint8Array;
  xsave: Uint8Array;
  memory: Uint8Array;
}

/** Run `code` (ending in UD2) at CPL 3; `prepare` sees the vCPU before the run (to load x87/SSE state). */
export function runAtCpl3OnKvm(code: readonly number[], prepare?: (vcpu: VcpuFd) => void): Cpl3Run {
  const sys = openKvm(new KvmBackend());
  try {
    const vm = sys.createVm();
    try {
      vm.setTssAddr(KVM_TSS_ADDR);
      const ram = vm.mapMemory({ size: MEM }).bytes;
      const { memory, state } = buildLongMode({ memSize: MEM, user: true });
      ram.set(memory);
      ram.set(code, BOOT_CODE_ADDR);
      const seg = bootSegments();
      state.sregs.cs = seg.userCode;
      state.sregs.ss = seg.userData;
      state.sregs.ds = state.sregs.es = seg.userData;
      const vcpu = vm.createVcpu(0);
      vcpu.setCpuid2(sys.getSupportedCpuid());
      vcpu.setSregs({ ...vcpu.getSregs(), ...state.sregs });
      vcpu.setRegs(state.regs);
      prepare?.(vcpu);
      const exit = vcpu.run();
      return { exit: exit.kind, regs: vcpu.getRegs(), fpu: vcpu.getFpu(), xsave: vcpu.getXsave(), memory: ram.slice() };
    } finally {
      vm.close();
    }
  } finally {
    sys.close();
  }
}

export const FPU_GUEST_UD2 = BOOT_CODE_ADDR + 17;

/** MOVD xmm0 ← 1.5f, PCMPEQD xmm1 (all ones), FLD1, FLDPI, UD2. */
export function runFpuGuestOnKvm(): Cpl3Run {
  return runAtCpl3OnKvm([
    0xb8, 0x00, 0x00, 0xc0, 0x3f, // mov eax, 0x3fc00000 (1.5f)
    0x66, 0x0f, 0x6e, 0xc0, //       movd xmm0, eax
    0x66, 0x0f, 0x76, 0xc9, //       pcmpeqd xmm1, xmm1
    0xd9, 0xe8, //                   fld1
    0xd9, 0xeb, //                   fldpi
    0x0f, 0x0b, //                   ud2
  ]);
}
