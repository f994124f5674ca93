/**
 * KVM ioctl request numbers and capabilities (include/uapi/linux/kvm.h),
 * computed from the struct sizes of src/core/uapi with the _IOC encoding of
 * include/uapi/asm-generic/ioctl.h: dir<<30 | size<<16 | type<<8 | nr.
 */
import { FAM_HEADER_SIZE } from '../uapi/fam.ts';
import { kvmGuestDebug, kvmRegs, kvmSregs, kvmUserspaceMemoryRegion } from '../uapi/structs.ts';

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

/** The ioctls this project issues, by their Linux names. Comments give the fd they go to. */
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
  KVM_SET_TSS_ADDR: _IO(KVMIO, 0x47),
  // vCPU fd
  KVM_RUN: _IO(KVMIO, 0x80),
  KVM_GET_REGS: _IOR(KVMIO, 0x81, kvmRegs.size),
  KVM_SET_REGS: _IOW(KVMIO, 0x82, kvmRegs.size),
  KVM_GET_SREGS: _IOR(KVMIO, 0x83, kvmSregs.size),
  KVM_SET_SREGS: _IOW(KVMIO, 0x84, kvmSregs.size),
  KVM_GET_MSRS: _IOWR(KVMIO, 0x88, FAM_HEADER_SIZE),
  KVM_SET_MSRS: _IOW(KVMIO, 0x89, FAM_HEADER_SIZE),
  KVM_SET_CPUID2: _IOW(KVMIO, 0x90, FAM_HEADER_SIZE),
  KVM_SET_GUEST_DEBUG: _IOW(KVMIO, 0x9b, kvmGuestDebug.size), // KVM_CAP_SET_GUEST_DEBUG
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
  PIT2: 33,
  SET_GUEST_DEBUG: 23,
  INTERNAL_ERROR_DATA: 40,
  VCPU_EVENTS: 41,
  DEBUGREGS: 50,
  X86_ROBUST_SINGLESTEP: 51,
  XSAVE: 55,
  XCRS: 56,
  MAX_VCPUS: 66,
  SYNC_REGS: 74,
  READONLY_MEM: 81,
  IMMEDIATE_EXIT: 136,
  GET_MSR_FEATURES: 153,
  EXCEPTION_PAYLOAD: 164,
  SET_GUEST_DEBUG2: 195,
  XSAVE2: 208,
} as const;
export type KvmCap = (typeof KvmCap)[keyof typeof KvmCap];
