/**
 * KVM_GET_LAPIC / KVM_SET_LAPIC through the uAPI classes on both backends:
 * the same 1 KiB struct kvm_lapic_state, the reset page of a BSP after
 * KVM_CREATE_IRQCHIP + KVM_CREATE_VCPU, CR8 as TPR[7:4], EINVAL without an
 * in-kernel irqchip, and KVM_GET_SUPPORTED_CPUID advertising the APIC.
 */
import { describe, expect, it } from 'vitest';
import { openKvm } from '../../../src/core/api/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { Errno, KvmError } from '../../../src/core/uapi/errors.ts';
import { kvmSkipReason } from '../kvm/available.ts';

const skip = kvmSkipReason('KVM_GET/SET_LAPIC on /dev/kvm');
const backends: [string, () => Backend][] = [['emu', () => new EmuBackend()]];
if (skip === undefined) backends.push(['kvm', () => new KvmBackend()]);

const reg = (b: Uint8Array, off: number) => new DataView(b.buffer, b.byteOffset).getUint32(off, true);

describe.each(backends)('KVM_GET/SET_LAPIC on %s', (name, make) => {
  it('a BSP\'s page after reset: ID 0, version (KVM: 0x50014), LVT0 ExtINT, LVTT masked, SVR 0xFF, DFR all ones', () => {
    const kvm = openKvm(make());
    try {
      const vm = kvm.createVm();
      vm.createIrqchip();
      const vcpu = vm.createVcpu(0);
      vcpu.setCpuid2(kvm.getSupportedCpuid());
      const s = vcpu.getLapic();
      expect(s.length).toBe(1024);
      const seen = { id: reg(s, 0x20), lvr: reg(s, 0x30), lvt0: reg(s, 0x350), lvtt: reg(s, 0x320), svr: reg(s, 0xf0), dfr: reg(s, 0xe0), tpr: reg(s, 0x80) };
      console.log(`[lapic-state] ${name}: ${JSON.stringify(Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, `0x${v.toString(16)}`])))}`);
      expect(seen.id).toBe(0);
      expect(seen.lvr & 0xff00ff).toBe(0x50014); // bit 24 (directed EOI) may be set by KVM when the guest has x2APIC
      expect(seen.lvt0).toBe(0x700);
      expect(seen.lvtt).toBe(0x10000);
      expect(seen.svr).toBe(0xff);
      expect(seen.dfr).toBe(0xffffffff);
      // TPR through KVM_SET_LAPIC is CR8 in KVM_GET_SREGS; and back.
      const t = new Uint8Array(s);
      new DataView(t.buffer).setUint32(0x80, 0x70, true);
      vcpu.setLapic(t);
      expect(vcpu.getSregs().cr8).toBe(7n);
      vcpu.setSregs({ ...vcpu.getSregs(), cr8: 2n });
      expect(reg(vcpu.getLapic(), 0x80)).toBe(0x20);
      vcpu.setLapic(s);
      expect(Buffer.from(vcpu.getLapic())).toEqual(Buffer.from(s));
    } finally {
      kvm.close();
    }
  });

  it('EINVAL without KVM_CREATE_IRQCHIP', () => {
    const kvm = openKvm(make());
    try {
      const vcpu = kvm.createVm().createVcpu(0);
      let err: unknown;
      try {
        vcpu.getLapic();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KvmError);
      expect((err as KvmError).errno).toBe(Errno.EINVAL);
    } finally {
      kvm.close();
    }
  });

  it('KVM_GET_SUPPORTED_CPUID advertises the local APIC (CPUID.1:EDX[9])', () => {
    const kvm = openKvm(make());
    try {
      const leaf1 = kvm.getSupportedCpuid().find((e) => e.function === 1)!;
      expect((leaf1.edx >>> 9) & 1).toBe(1);
    } finally {
      kvm.close();
    }
  });
});

describe.skipIf(skip !== undefined)('the reset page on emu and /dev/kvm', () => {
  it('is byte-identical (the same CPUID given to both: emu\'s supported leaves)', () => {
    const cpuid = openKvm(new EmuBackend()).getSupportedCpuid();
    const pages = [new EmuBackend(), new KvmBackend()].map((b) => {
      const kvm = openKvm(b);
      try {
        const vm = kvm.createVm();
        vm.createIrqchip();
        const vcpu = vm.createVcpu(0);
        vcpu.setCpuid2(cpuid);
        return Buffer.from(vcpu.getLapic());
      } finally {
        kvm.close();
      }
    });
    expect(pages[0]).toEqual(pages[1]);
  });
});
