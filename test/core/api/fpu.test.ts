/**
 * KVM_GET_FPU / KVM_SET_FPU through VcpuFd on both backends: on /dev/kvm the
 * values real SSE and x87 instructions leave; on emu what KVM_SET_FPU
 * (src/core/emu/fpu.ts) loaded into the CPU's x87 and SSE state, read back
 * byte-exact.
 */
import { describe, expect, it } from 'vitest';
import { KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { KVM_FPU, KVM_FPU_SIZE } from '../../../src/core/uapi/xsave.ts';
import { FPU_GUEST_UD2, runFpuGuestOnKvm } from '../../support/fpu-guest.ts';
import { emuMachine } from '../emu/machine.ts';
import { kvmSkipReason } from '../kvm/available.ts';

const noKvm = kvmSkipReason('KVM_GET_FPU on the kvm backend');

/** 10 bytes of an x87 register, little-endian: significand then sign/exponent. */
function f80(se: number, sig: bigint): number[] {
  const b: number[] = [];
  for (let k = 0; k < 8; k++) b.push(Number((sig >> BigInt(8 * k)) & 0xffn));
  return [...b, se & 0xff, se >> 8];
}

/** struct kvm_fpu's fields in a KVM_GET_FPU buffer (KVM_FPU offsets, src/emu/fpu/x87-save.ts). */
function kvmFpuView(b: Uint8Array) {
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    fpr: (i: number) => b.subarray(KVM_FPU.fpr + 16 * i, KVM_FPU.fpr + 16 * i + 10),
    xmm: (i: number) => b.subarray(KVM_FPU.xmm + 16 * i, KVM_FPU.xmm + 16 * i + 16),
    fcw: d.getUint16(KVM_FPU.fcw, true),
    fsw: d.getUint16(KVM_FPU.fsw, true),
    ftwx: b[KVM_FPU.ftwx],
    mxcsr: d.getUint32(KVM_FPU.mxcsr, true),
  };
}

describe('KVM_GET_FPU on kvm', () => {
  it.skipIf(noKvm)('reads what MOVD, PCMPEQD, FLD1 and FLDPI left in XMM0, XMM1, ST(0), ST(1)', () => {
    const r = runFpuGuestOnKvm();
    expect(r.exit).toBe('shutdown');
    expect(r.regs.rip).toBe(BigInt(FPU_GUEST_UD2)); // everything before UD2 ran
    const fpu = kvmFpuView(r.fpu);
    expect(Array.from(fpu.xmm(0))).toEqual([0, 0, 0xc0, 0x3f, ...Array(12).fill(0)]);
    expect(Array.from(fpu.xmm(1))).toEqual(Array(16).fill(0xff));
    expect(Array.from(fpu.fpr(0))).toEqual(f80(0x4000, 0xc90fdaa22168c235n)); // pi rounded to nearest
    expect(Array.from(fpu.fpr(1))).toEqual(f80(0x3fff, 0x8000000000000000n));
    expect((fpu.fsw >> 11) & 7).toBe(6); // TOP after two pushes
    expect(fpu.ftwx).toBe(0xc0); // R6, R7 in use
    expect(fpu.fcw).toBe(0x37f);
  });
});

describe('KVM_GET_FPU / KVM_SET_FPU on emu', () => {
  const get = (m: ReturnType<typeof emuMachine>) => {
    const b = new Uint8Array(KVM_FPU_SIZE);
    m.ioctl(KvmIoctl.KVM_GET_FPU, b);
    return b;
  };

  // As KVM (x86.c), the mxcsr field is copied neither way: it reads 0 and a set ignores it.
  it('reports the reset state: FCW 037F, all registers empty, mxcsr 0 as KVM', () => {
    const f = kvmFpuView(get(emuMachine([0xf4])));
    expect([f.fcw, f.fsw, f.ftwx, f.mxcsr]).toEqual([0x37f, 0, 0, 0]);
    expect(Array.from({ length: 16 }, (_, i) => f.xmm(i)).every((x) => x.every((b) => b === 0))).toBe(true);
  });

  it('loads what KVM_SET_FPU gives into cpu.x87 / cpu.sse (mxcsr aside) and reads it back byte-exact', () => {
    const m = emuMachine([0xf4]);
    const b = get(m);
    const d = new DataView(b.buffer);
    d.setUint16(KVM_FPU.fsw, 6 << 11, true); // TOP = 6
    b[KVM_FPU.ftwx] = 0xc0;
    b.set(f80(0x3fff, 0xc000000000000000n), KVM_FPU.fpr); // ST(0) = 1.5 in R6
    b.set(f80(0xc000, 0x8000000000000000n), KVM_FPU.fpr + 16); // ST(1) = -2 in R7
    d.setUint16(KVM_FPU.last_opcode, 0x1eb, true);
    d.setBigUint64(KVM_FPU.last_ip, 0xffff_ffff_8000_1234n, true);
    b.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], KVM_FPU.xmm + 3 * 16);
    d.setUint32(KVM_FPU.mxcsr, 0x3f80 | 0x1, true); // ignored
    m.ioctl(KvmIoctl.KVM_SET_FPU, b);
    const { x87, sse } = m.vcpu.cpu;
    expect([x87.top, x87.full, x87.stSe(0), x87.stHi(0), x87.stSe(1)]).toEqual([6, 0xc0, 0x3fff, 0xc0000000, 0xc000]);
    expect(x87.fop).toBe(0x1eb);
    expect(sse.x.u8[3 * 16 + 15]).toBe(16);
    expect(sse.mxcsr).toBe(0x1f80); // not copied, as by KVM
    d.setUint32(KVM_FPU.mxcsr, 0, true);
    expect(Array.from(get(m))).toEqual(Array.from(b));
  });
});
