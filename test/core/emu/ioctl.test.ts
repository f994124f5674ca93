/**
 * The emulated backend's ioctl surface: capabilities, fds and the errno KVM
 * gives for the same misuse.
 */
import { describe, expect, it } from 'vitest';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { Errno, KvmError } from '../../../src/core/uapi/errors.ts';
import { KvmCap, KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { kvmEnableCap, kvmPitConfig, kvmIrqLevel, kvmUserspaceMemoryRegion } from '../../../src/core/uapi/structs.ts';
import { emuMachine } from './machine.ts';

function errno(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof KvmError) return e.errno;
    throw e;
  }
  return 0;
}

describe('EmuBackend ioctls', () => {
  const b = new EmuBackend();
  const sys = b.openSystem();

  it('system fd: API version, mmap size, capabilities', () => {
    expect(b.ioctl(sys, KvmIoctl.KVM_GET_API_VERSION, 0)).toBe(12);
    expect(b.ioctl(sys, KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0)).toBe(4096);
    const cap = (c: number) => b.ioctl(sys, KvmIoctl.KVM_CHECK_EXTENSION, c);
    expect(cap(KvmCap.SET_GUEST_DEBUG2)).toBe(0x001f0003);
    expect(cap(KvmCap.SYNC_REGS)).toBe(7);
    expect(cap(KvmCap.X86_GUEST_DEBUG_CR3)).toBe(1);
    expect(cap(KvmCap.SYNC_REGS_CONDITIONAL)).toBe(1);
    for (const c of [KvmCap.DEBUGREGS, KvmCap.XCRS, KvmCap.IRQCHIP, KvmCap.PIT2, KvmCap.IMMEDIATE_EXIT]) expect(cap(c)).toBe(1);
    expect(cap(KvmCap.XSAVE)).toBe(1);
    expect(cap(KvmCap.XSAVE2)).toBe(4096); // KVM_GET_XSAVE2's buffer size (APX's R16–R31 are component 19)
    expect(errno(() => b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 7))).toBe(Errno.EINVAL);
    expect(errno(() => b.ioctl(sys, KvmIoctl.KVM_RUN, 0))).toBe(Errno.EINVAL);
  });

  it('EBADF for a closed or unknown fd; ENOTTY / EINVAL for a request of another fd kind', () => {
    const vm = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
    expect(errno(() => b.ioctl(999, KvmIoctl.KVM_GET_API_VERSION, 0))).toBe(Errno.EBADF);
    expect(errno(() => b.ioctl(vm, KvmIoctl.KVM_RUN, 0))).toBe(Errno.ENOTTY);
    const vcpu = b.ioctl(vm, KvmIoctl.KVM_CREATE_VCPU, 0);
    expect(errno(() => b.ioctl(vcpu, KvmIoctl.KVM_CREATE_VCPU, 0))).toBe(Errno.EINVAL);
    b.close(vcpu);
    expect(errno(() => b.ioctl(vcpu, KvmIoctl.KVM_RUN, 0))).toBe(Errno.EBADF);
  });

  it('KVM_SET_USER_MEMORY_REGION checks alignment, overlap and deletion', () => {
    const vm = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
    const mem = b.allocMemory(0x10000);
    const set = (slot: number, gpa: bigint, size: bigint, addr = mem.addr, flags = 0) =>
      errno(() => b.ioctl(vm, KvmIoctl.KVM_SET_USER_MEMORY_REGION, kvmUserspaceMemoryRegion.encode({
        slot, flags, guest_phys_addr: gpa, memory_size: size, userspace_addr: addr,
      })));
    expect(set(0, 0n, 0x10000n)).toBe(0);
    expect(set(1, 0x8000n, 0x1000n, mem.addr + 0x8000n)).toBe(Errno.EEXIST);
    expect(set(1, 0x10800n, 0x1000n)).toBe(Errno.EINVAL);
    expect(set(1, 0x20000n, 0x1001n)).toBe(Errno.EINVAL);
    expect(set(1, 0x20000n, 0x1000n, 1n)).toBe(Errno.EINVAL);
    expect(set(1, 0x20000n, 0x1000n, 0x1000n)).toBe(Errno.EFAULT);
    expect(set(1, 0x20000n, 0x1000n, mem.addr, 4)).toBe(Errno.EINVAL);
    expect(set(2, 0n, 0n)).toBe(Errno.EINVAL); // deleting a slot that does not exist
    expect(set(0, 0n, 0x8000n)).toBe(Errno.EINVAL); // resizing an existing slot
  });

  it('irqchip and PIT: ordering and duplicates', () => {
    const vm = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
    const pit = () => b.ioctl(vm, KvmIoctl.KVM_CREATE_PIT2, kvmPitConfig.encode({ flags: 0 }));
    const line = () => b.ioctl(vm, KvmIoctl.KVM_IRQ_LINE, kvmIrqLevel.encode({ irq: 0, level: 1 }));
    expect(errno(pit)).toBe(Errno.ENOENT);
    expect(errno(line)).toBe(Errno.ENXIO);
    b.ioctl(vm, KvmIoctl.KVM_CREATE_IRQCHIP, 0);
    expect(errno(() => b.ioctl(vm, KvmIoctl.KVM_CREATE_IRQCHIP, 0))).toBe(Errno.EEXIST);
    expect(errno(pit)).toBe(0);
    expect(errno(pit)).toBe(Errno.EEXIST);
    expect(errno(line)).toBe(0);
    const vm2 = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
    b.ioctl(vm2, KvmIoctl.KVM_CREATE_VCPU, 0);
    expect(errno(() => b.ioctl(vm2, KvmIoctl.KVM_CREATE_IRQCHIP, 0))).toBe(Errno.EINVAL);
  });

  it('KVM_ENABLE_CAP: only the extensions, flags must be 0', () => {
    const vm = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
    const en = (cap: number, flags = 0) => errno(() => b.ioctl(vm, KvmIoctl.KVM_ENABLE_CAP, kvmEnableCap.encode({ cap, flags, args: [0n, 0n, 0n, 0n] })));
    expect(en(KvmCap.SYNC_REGS_CONDITIONAL)).toBe(0);
    expect(en(KvmCap.X86_GUEST_DEBUG_CR3, 1)).toBe(Errno.EINVAL);
    expect(en(12345)).toBe(Errno.EINVAL);
  });

  it('with the in-kernel irqchip, HLT with IF = 0 blocks: a synchronous KVM_RUN returns EINTR', () => {
    const m = emuMachine([0xfa, 0xf4], { irqchip: true }); // cli; hlt
    expect(errno(() => m.step())).toBe(Errno.EINTR);
    expect(m.counters()['vmexit.idle']).toBe(1);
    expect(errno(() => m.ioctl(KvmIoctl.KVM_INTERRUPT, new Uint8Array(4)))).toBe(Errno.ENXIO);
  });
});
