import { afterEach, describe, expect, it } from 'vitest';
import type { VmFd } from '../../../src/core/api/index.ts';
import { KvmSystem } from '../../../src/core/kvm/device.ts';
import { KvmCap } from '../../../src/core/uapi/ioctls.ts';
import { KvmError } from '../../../src/core/uapi/errors.ts';
import { BOOT_CODE_ADDR, writeLongModeTables } from '../../../src/core/boot/longmode.ts';
import { kvmSkipReason } from './available.ts';

describe('KvmSystem.available', () => {
  it('explains a missing device', () => {
    expect(KvmSystem.available('/dev/does-not-exist-kvm')).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not exist/),
    });
  });

  it('explains a device that is not KVM', () => {
    const r = KvmSystem.available('/dev/null');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/KVM_GET_API_VERSION failed: ENOTTY/);
  });
});

describe.skipIf(kvmSkipReason('KvmSystem/KvmVm/KvmVcpu'))('/dev/kvm objects', () => {
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(o: T): T => (open.push(o), o);
  afterEach(() => {
    for (const o of open.splice(0).reverse()) o.close();
  });

  it('speaks API version 12 and reports the capabilities vdbg relies on', () => {
    const sys = track(KvmSystem.open());
    expect(sys.getApiVersion()).toBe(12);
    expect(sys.getVcpuMmapSize()).toBeGreaterThanOrEqual(4096);
    expect(sys.hasExtension(KvmCap.USER_MEMORY)).toBe(true);
    expect(sys.hasExtension(KvmCap.SET_GUEST_DEBUG)).toBe(true);
    expect(sys.checkExtension(KvmCap.SYNC_REGS) & 0x7).toBe(0x7);
  });

  it('returns the supported CPUID with the vendor leaf first', () => {
    const sys = track(KvmSystem.open());
    const cpuid = sys.getSupportedCpuid();
    expect(cpuid.length).toBeGreaterThan(10);
    const leaf0 = cpuid.find((e) => e.function === 0)!;
    const vendor = Buffer.alloc(12);
    vendor.writeUInt32LE(leaf0.ebx, 0);
    vendor.writeUInt32LE(leaf0.edx, 4);
    vendor.writeUInt32LE(leaf0.ecx, 8);
    expect(['GenuineIntel', 'AuthenticAMD']).toContain(vendor.toString('latin1'));
    expect(() => sys.getSupportedCpuid(1)).toThrow(expect.objectContaining({ code: 'E2BIG', ioctl: 'KVM_GET_SUPPORTED_CPUID' }));
  });

  it('maps guest memory zero-copy and round-trips registers and MSRs', () => {
    const sys = track(KvmSystem.open());
    const vm: VmFd = track(sys.createVm());
    const mem = vm.mapMemory({ size: 1 << 20 });
    expect(mem.bytes.length).toBe(1 << 20);
    expect(mem.bytes.every((b) => b === 0)).toBe(true);
    mem.bytes[0x1234] = 0x5a;
    expect(new Uint8Array(mem.bytes.buffer)[0x1234]).toBe(0x5a);

    const vcpu = vm.createVcpu(0);
    vcpu.setCpuid2(sys.getSupportedCpuid());
    const regs = vcpu.getRegs();
    expect(regs.rip).toBe(0xfff0n); // reset vector
    vcpu.setRegs({ ...regs, rax: 0x1122_3344_5566_7788n, r15: 0xffff_ffff_ffff_ffffn });
    expect(vcpu.getRegs()).toMatchObject({ rax: 0x1122_3344_5566_7788n, r15: 0xffff_ffff_ffff_ffffn });

    const sregs = vcpu.getSregs();
    expect(sregs.cs.selector).toBe(0xf000);
    vcpu.setSregs({ ...sregs, cr2: 0xdead000n });
    expect(vcpu.getSregs().cr2).toBe(0xdead000n);

    const LSTAR = 0xc0000082;
    vcpu.setMsrs([{ index: LSTAR, data: 0xffff_8000_0010_0000n }]);
    expect(vcpu.getMsrs([LSTAR])).toEqual([{ index: LSTAR, data: 0xffff_8000_0010_0000n }]);
    expect(() => vcpu.getMsrs([0x0badbad0])).toThrow(/KVM_GET_MSRS failed: EINVAL.*MSR 0xbadbad0 rejected \(0 of 1/);
  });

  it('runs KVM_RUN off the event loop with runAsync', async () => {
    const sys = track(KvmSystem.open());
    const vm = track(sys.createVm());
    const mem = vm.mapMemory({ size: 1 << 20 });
    const state = writeLongModeTables(mem.bytes);
    mem.bytes.set([0xb8, 0x07, 0x00, 0x00, 0x00, 0xeb, 0xfe], BOOT_CODE_ADDR); // mov eax, 7 ; jmp $
    const vcpu = vm.createVcpu(0);
    vcpu.setCpuid2(sys.getSupportedCpuid());
    vcpu.setSregs({ ...vcpu.getSregs(), ...state.sregs });
    vcpu.setRegs(state.regs);
    // The guest spins until kicked, so the timer can only fire if KVM_RUN leaves the event loop free.
    let ticked = false;
    setTimeout(() => {
      ticked = true;
      vcpu.kick();
    }, 20);
    const exit = await vcpu.runAsync();
    expect(ticked).toBe(true);
    expect(exit).toEqual({ kind: 'intr', reason: 10 });
    expect(vcpu.getRegs().rax).toBe(7n);
  });

  it('fails every call on a closed object with EBADF, as a KvmError', () => {
    const sys = KvmSystem.open();
    const vm = sys.createVm();
    const vcpu = vm.createVcpu(0);
    vm.close(); // closes the vCPU too
    sys.close();
    const calls: [string, () => unknown][] = [
      ['KVM_GET_API_VERSION', () => sys.getApiVersion()],
      ['KVM_CHECK_EXTENSION', () => sys.checkExtension(KvmCap.HLT)],
      ['KVM_CREATE_VCPU', () => vm.createVcpu(1)],
      ['KVM_SET_TSS_ADDR', () => vm.setTssAddr(0xfffbd000)],
      ['KVM_GET_REGS', () => vcpu.getRegs()],
      ['KVM_SET_SREGS', () => vcpu.setSregs(vcpu.getSregs())],
      ['KVM_SET_CPUID2', () => vcpu.setCpuid2([])],
    ];
    for (const [name, call] of calls) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(KvmError);
      const kerr = err as KvmError;
      expect(kerr.code).toBe('EBADF');
      expect(kerr.errno).toBe(9);
      expect([name, 'KVM_GET_VCPU_MMAP_SIZE', 'KVM_GET_SREGS']).toContain(kerr.ioctl);
      expect(kerr.message).toMatch(/^KVM_\w+ failed: EBADF \(errno 9\)$/);
    }
  });
});
