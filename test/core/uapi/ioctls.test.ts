import { describe, expect, it } from 'vitest';
import { _IO, _IOR, _IOW, _IOWR, KvmCap, KvmIoctl, ioctlName } from '../../../src/core/uapi/ioctls.ts';

describe('KVM ioctl numbers', () => {
  // Values from <linux/kvm.h> as compiled on x86-64.
  it.each([
    ['KVM_GET_API_VERSION', 0xae00],
    ['KVM_CREATE_VM', 0xae01],
    ['KVM_CHECK_EXTENSION', 0xae03],
    ['KVM_GET_VCPU_MMAP_SIZE', 0xae04],
    ['KVM_GET_SUPPORTED_CPUID', 0xc008ae05],
    ['KVM_CREATE_VCPU', 0xae41],
    ['KVM_SET_USER_MEMORY_REGION', 0x4020ae46],
    ['KVM_SET_TSS_ADDR', 0xae47],
    ['KVM_RUN', 0xae80],
    ['KVM_GET_REGS', 0x8090ae81],
    ['KVM_SET_REGS', 0x4090ae82],
    ['KVM_GET_SREGS', 0x8138ae83],
    ['KVM_SET_SREGS', 0x4138ae84],
    ['KVM_GET_MSRS', 0xc008ae88],
    ['KVM_SET_MSRS', 0x4008ae89],
    ['KVM_GET_FPU', 0x81a0ae8c], // printed from <linux/kvm.h> with gcc on this machine (sizeof(struct kvm_fpu) = 416)
    ['KVM_SET_FPU', 0x41a0ae8d],
    ['KVM_SET_CPUID2', 0x4008ae90],
    ['KVM_SET_GUEST_DEBUG', 0x4048ae9b],
    // printed from linux-libc-dev's <linux/kvm.h> with gcc on x86-64
    ['KVM_GET_DEBUGREGS', 0x8080aea1],
    ['KVM_SET_DEBUGREGS', 0x4080aea2],
    ['KVM_GET_XCRS', 0x8188aea6],
    ['KVM_SET_XCRS', 0x4188aea7],
    ['KVM_GET_XSAVE', 0x9000aea4], // values printed from <linux/kvm.h> with gcc on this machine
    ['KVM_SET_XSAVE', 0x5000aea5],
    ['KVM_GET_XSAVE2', 0x9000aecf],
    ['KVM_GET_MP_STATE', 0x8004ae98],
    ['KVM_GET_VCPU_EVENTS', 0x8040ae9f],
    ['KVM_SET_VCPU_EVENTS', 0x4040aea0],
    ['KVM_ENABLE_CAP', 0x4068aea3],
    ['KVM_CREATE_IRQCHIP', 0xae60],
    ['KVM_IRQ_LINE', 0x4008ae61],
    ['KVM_CREATE_PIT2', 0x4040ae77],
    ['KVM_INTERRUPT', 0x4004ae86],
    ['KVM_SET_IDENTITY_MAP_ADDR', 0x4008ae48],
    ['KVM_GET_FPU', 0x81a0ae8c], // printed from <linux/kvm.h> with gcc on this machine
    ['KVM_SET_FPU', 0x41a0ae8d],
  ] as const)('%s = %i', (name, value) => {
    expect(KvmIoctl[name]).toBe(value);
    expect(ioctlName(value)).toBe(name);
  });

  it('encodes direction, size, type and number like asm-generic/ioctl.h', () => {
    expect(_IO(0xae, 0x80)).toBe(0xae80);
    expect(_IOR(0xae, 0xa1, 128)).toBe(0x8080aea1); // KVM_GET_DEBUGREGS (uapi.md §1.1)
    expect(_IOW(0xae, 0xa7, 392)).toBe(0x4188aea7); // KVM_SET_XCRS
    expect(_IOWR(0xae, 0x05, 8)).toBe(0xc008ae05);
    expect(() => _IOW(0xae, 0, 1 << 14)).toThrow(RangeError);
    expect(ioctlName(0x1234)).toBe('ioctl 0x1234');
  });

  it('has the capability numbers of linux/kvm.h', () => {
    expect(KvmCap.SET_GUEST_DEBUG).toBe(23);
    expect(KvmCap.DEBUGREGS).toBe(50);
    expect(KvmCap.XSAVE).toBe(55);
    expect(KvmCap.XCRS).toBe(56);
    expect(KvmCap.SYNC_REGS).toBe(74);
    expect(KvmCap.IMMEDIATE_EXIT).toBe(136);
    expect(KvmCap.SET_GUEST_DEBUG2).toBe(195);
    expect(KvmCap.XSAVE2).toBe(208);
    expect(KvmCap.IRQCHIP).toBe(0);
    expect(KvmCap.PIT2).toBe(33);
    expect(KvmCap.VCPU_EVENTS).toBe(41);
    expect(KvmCap.SET_IDENTITY_MAP_ADDR).toBe(37);
    expect(KvmCap.ENABLE_CAP).toBe(54);
    expect(KvmCap.ENABLE_CAP_VM).toBe(98);
    expect(KvmCap.CHECK_EXTENSION_VM).toBe(105);
  });

  it('gives the vdbg extensions private numbers no KVM release uses', () => {
    expect(KvmCap.X86_GUEST_DEBUG_CR3).toBe(0x76640001);
    expect(KvmCap.SYNC_REGS_CONDITIONAL).toBe(0x76640002);
    expect(KvmCap.VDBG_INSN_BUDGET).toBe(0x76640003);
    const vdbg = ['X86_GUEST_DEBUG_CR3', 'SYNC_REGS_CONDITIONAL', 'VDBG_INSN_BUDGET'];
    const linux = Object.entries(KvmCap).filter(([k]) => !vdbg.includes(k));
    expect(Math.max(...linux.map(([, v]) => v))).toBeLessThan(1000);
  });
});
