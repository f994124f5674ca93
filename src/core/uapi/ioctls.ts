/**
 * KVM ioctl request numbers and capabilities (include/uapi/linux/kvm.h),
 * computed from the struct sizes of src/core/uapi with the _IOC encoding of
 * include/uapi/asm-generic/ioctl.h: dir<<30 | size<<16 | type<<8 | nr.
 */
import { FAM_HEADER_SIZE } from './fam.ts';
import {
  kvmDebugregs,
  kvmEnableCap,
  kvmGuestDebug,
  kvmInterrupt,
  kvmIrqLevel,
  KVM_LAPIC_STATE_SIZE,
  kvmPitConfig,
  kvmRegs,
  kvmSregs,
  kvmUserspaceMemoryRegion,
  kvmMpState,
  kvmVcpuEvents,
  kvmXcrs,
} from './structs.ts';
import { KVM_FPU_SIZE, KVM_XSAVE_SIZE } from './xsave.ts';

const IOC_NONE = 0;
const IOC_WRITE = 1;
const IOC_READ = 2;

function ioc(dir: number, type: number, nr: number, size: number): number {
  if (size >= 1 << 14) throw new RangeError(`ioctl size ${size} does not fit _IOC_SIZEBITS`);
  return ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;
}
export const _IO = (type: number, nr: number): number => ioc(IOC_NONE, type, nr, 0);
export const _IOR = (type: number, nr: number, size: number): number => ioc(IOC_READ, type, nr, size);
export const _IOW = (type: number, nr: number, size: number): number => ioc(IOC_WRITE, type, nr, size);
export const _IOWR = (type: number, nr: number, size: number): number => ioc(IOC_READ | IOC_WRITE, type, nr, size);

export const KVMIO = 0xae;

/**
 * The ioctls this project issues, by their Linux names, shared by both
 * backends (the emulated one dispatches on these numbers). Comments give the
 * fd they go to and the capability that advertises them.
 */
export const KvmIoctl = {
  // system fd (/dev/kvm)
  KVM_GET_API_VERSION: _IO(KVMIO, 0x00),
  KVM_CREATE_VM: _IO(KVMIO, 0x01),
  KVM_CHECK_EXTENSION: _IO(KVMIO, 0x03), // also on the VM fd (KVM_CAP_CHECK_EXTENSION_VM)
  KVM_GET_VCPU_MMAP_SIZE: _IO(KVMIO, 0x04),
  KVM_GET_SUPPORTED_CPUID: _IOWR(KVMIO, 0x05, FAM_HEADER_SIZE),
  // VM fd
  KVM_CREATE_VCPU: _IO(KVMIO, 0x41),
  KVM_SET_USER_MEMORY_REGION: _IOW(KVMIO, 0x46, kvmUserspaceMemoryRegion.size),
  KVM_SET_TSS_ADDR: _IO(KVMIO, 0x47), // KVM_CAP_SET_TSS_ADDR
  KVM_SET_IDENTITY_MAP_ADDR: _IOW(KVMIO, 0x48, 8), // __u64; KVM_CAP_SET_IDENTITY_MAP_ADDR
  KVM_CREATE_IRQCHIP: _IO(KVMIO, 0x60), // KVM_CAP_IRQCHIP
  KVM_IRQ_LINE: _IOW(KVMIO, 0x61, kvmIrqLevel.size), // KVM_CAP_IRQCHIP
  KVM_CREATE_PIT2: _IOW(KVMIO, 0x77, kvmPitConfig.size), // KVM_CAP_PIT2
  KVM_ENABLE_CAP: _IOW(KVMIO, 0xa3, kvmEnableCap.size), // also on the vCPU fd; KVM_CAP_ENABLE_CAP_VM for VMs
  // vCPU fd
  KVM_RUN: _IO(KVMIO, 0x80),
  KVM_GET_REGS: _IOR(KVMIO, 0x81, kvmRegs.size),
  KVM_SET_REGS: _IOW(KVMIO, 0x82, kvmRegs.size),
  KVM_GET_SREGS: _IOR(KVMIO, 0x83, kvmSregs.size),
  KVM_SET_SREGS: _IOW(KVMIO, 0x84, kvmSregs.size),
  KVM_GET_MSRS: _IOWR(KVMIO, 0x88, FAM_HEADER_SIZE),
  KVM_GET_FPU: _IOR(KVMIO, 0x8c, KVM_FPU_SIZE),
  KVM_SET_FPU: _IOW(KVMIO, 0x8d, KVM_FPU_SIZE),
  KVM_SET_MSRS: _IOW(KVMIO, 0x89, FAM_HEADER_SIZE),
  KVM_GET_LAPIC: _IOR(KVMIO, 0x8e, KVM_LAPIC_STATE_SIZE), // in-kernel irqchip only (EINVAL without)
  KVM_SET_LAPIC: _IOW(KVMIO, 0x8f, KVM_LAPIC_STATE_SIZE),
  KVM_INTERRUPT: _IOW(KVMIO, 0x86, kvmInterrupt.size), // userspace irqchip only (ENXIO with an in-kernel one)
  KVM_SET_CPUID2: _IOW(KVMIO, 0x90, FAM_HEADER_SIZE),
  KVM_SET_GUEST_DEBUG: _IOW(KVMIO, 0x9b, kvmGuestDebug.size), // KVM_CAP_SET_GUEST_DEBUG
  KVM_GET_MP_STATE: _IOR(KVMIO, 0x98, kvmMpState.size), // KVM_CAP_MP_STATE
  KVM_GET_VCPU_EVENTS: _IOR(KVMIO, 0x9f, kvmVcpuEvents.size), // KVM_CAP_VCPU_EVENTS
  KVM_SET_VCPU_EVENTS: _IOW(KVMIO, 0xa0, kvmVcpuEvents.size), // KVM_CAP_VCPU_EVENTS
  KVM_GET_DEBUGREGS: _IOR(KVMIO, 0xa1, kvmDebugregs.size), // KVM_CAP_DEBUGREGS
  KVM_SET_DEBUGREGS: _IOW(KVMIO, 0xa2, kvmDebugregs.size), // KVM_CAP_DEBUGREGS
  KVM_GET_XCRS: _IOR(KVMIO, 0xa6, kvmXcrs.size), // KVM_CAP_XCRS
  KVM_SET_XCRS: _IOW(KVMIO, 0xa7, kvmXcrs.size), // KVM_CAP_XCRS
  KVM_GET_XSAVE: _IOR(KVMIO, 0xa4, KVM_XSAVE_SIZE), // KVM_CAP_XSAVE
  KVM_SET_XSAVE: _IOW(KVMIO, 0xa5, KVM_XSAVE_SIZE), // KVM_CAP_XSAVE
  KVM_GET_XSAVE2: _IOR(KVMIO, 0xcf, KVM_XSAVE_SIZE), // KVM_CAP_XSAVE2 (the buffer may be longer: the cap's value)
} as const;
export type KvmIoctlName = keyof typeof KvmIoctl;

const ioctlNames = new Map<number, string>(Object.entries(KvmIoctl).map(([k, v]) => [v, k]));

/** The Linux name of a request number, or its hex value. */
export function ioctlName(request: number): string {
  return ioctlNames.get(request) ?? `ioctl 0x${request.toString(16)}`;
}

/** KVM_API_VERSION (linux/kvm.h): the only version KVM has ever reported since 2.6.22. */
export const KVM_API_VERSION = 12;

/** KVM_CAP_* (linux/kvm.h), the ones vdbg asks about. */
export const KvmCap = {
  IRQCHIP: 0,
  HLT: 1,
  USER_MEMORY: 3,
  SET_TSS_ADDR: 4,
  EXT_CPUID: 7,
  NR_VCPUS: 9,
  NR_MEMSLOTS: 10,
  MP_STATE: 14,
  IRQ_INJECT_STATUS: 26,
  PIT2: 33,
  PIT_STATE2: 35,
  SET_IDENTITY_MAP_ADDR: 37,
  SET_GUEST_DEBUG: 23,
  INTERNAL_ERROR_DATA: 40,
  VCPU_EVENTS: 41,
  DEBUGREGS: 50,
  X86_ROBUST_SINGLESTEP: 51,
  ENABLE_CAP: 54,
  XSAVE: 55,
  XCRS: 56,
  MAX_VCPUS: 66,
  TSC_DEADLINE_TIMER: 72,
  SYNC_REGS: 74,
  READONLY_MEM: 81,
  ENABLE_CAP_VM: 98,
  CHECK_EXTENSION_VM: 105,
  IMMEDIATE_EXIT: 136,
  GET_MSR_FEATURES: 153,
  EXCEPTION_PAYLOAD: 164,
  SET_GUEST_DEBUG2: 195,
  XSAVE2: 208,
  /**
   * vdbg-private numbers for the two unmerged proposals of uapi.md §5
   * (docs/uapi-extensions.md). Far above any KVM capability, so real KVM
   * answers KVM_CHECK_EXTENSION with 0 and callers fall back; the emulated
   * hypervisor answers 1. Both are enabled per VM with KVM_ENABLE_CAP.
   */
  X86_GUEST_DEBUG_CR3: 0x76640001,
  SYNC_REGS_CONDITIONAL: 0x76640002,
  /**
   * vdbg-private: an instruction budget per KVM_RUN in kvm_run (run+2480,
   * `kvmRunInsnBudget`), so a debugger can run N instructions without
   * single-stepping (docs/uapi-extensions.md §3). Emu only.
   */
  VDBG_INSN_BUDGET: 0x76640003,
} as const;
export type KvmCap = (typeof KvmCap)[keyof typeof KvmCap];
