/**
 * KVM_GET_XSAVE / KVM_GET_XSAVE2 / KVM_SET_XSAVE on the emulated backend:
 * the guest's R16–R31 as APX's XSAVE component 19 (standard format, offset
 * 960 on the emulated CPU), which is how the debugger reads and writes them.
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/core/uapi/errors.ts';
import { KvmCap, KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import {
  KVM_XSAVE_SIZE, MXCSR_DEFAULT, readApxComponent, setXstateBv, writeApxComponent, XSAVE_HEADER, XSAVE_MXCSR, xstateBv,
} from '../../../src/core/uapi/xsave.ts';
import { emuMachine } from './machine.ts';

// xor ecx, ecx; xor edx, edx; mov eax, 0x80003; xsetbv        (XCR0 = x87|SSE|APX)
const APX_ON = [0x31, 0xc9, 0x31, 0xd2, 0xb8, 0x03, 0x00, 0x08, 0x00, 0x0f, 0x01, 0xd1];
// mov rax, 0x1111; mov r16, rax (d5 18 89 c0); out 0x10, al
const SET_R16 = [0x48, 0xc7, 0xc0, 0x11, 0x11, 0x00, 0x00, 0xd5, 0x18, 0x89, 0xc0, 0xe6, 0x10];
// mov rax, r17 (d5 48 89 c8); out 0x10, al
const READ_R17 = [0xd5, 0x48, 0x89, 0xc8, 0xe6, 0x10];

function xsave(m: ReturnType<typeof emuMachine>, req = KvmIoctl.KVM_GET_XSAVE2): Uint8Array {
  const b = new Uint8Array(KVM_XSAVE_SIZE);
  m.ioctl(req, b);
  return b;
}

describe('KVM_GET/SET_XSAVE with the APX component', () => {
  it('advertises KVM_CAP_XSAVE and the KVM_GET_XSAVE2 size', () => {
    const m = emuMachine([0xf4]);
    expect(m.b.ioctl(m.sys, KvmIoctl.KVM_CHECK_EXTENSION, KvmCap.XSAVE)).toBe(1);
    expect(m.b.ioctl(m.sys, KvmIoctl.KVM_CHECK_EXTENSION, KvmCap.XSAVE2)).toBe(KVM_XSAVE_SIZE);
  });

  it('reads the guest R16 written by REX2 code, writes R17 for the guest to read, never the host values', () => {
    const m = emuMachine([...APX_ON, ...SET_R16, ...READ_R17, 0xf4]);
    // Before APX is on: the legacy region's reset values, no APX component.
    const before = xsave(m, KvmIoctl.KVM_GET_XSAVE);
    expect(new DataView(before.buffer).getUint32(XSAVE_MXCSR, true)).toBe(MXCSR_DEFAULT);
    expect(xstateBv(before) >> 19n & 1n).toBe(0n);
    expect(m.step().kind).toBe('io'); // XSETBV (emulated), mov r16, OUT
    const area = xsave(m);
    expect(xstateBv(area) >> 19n & 1n).toBe(1n);
    const regs = readApxComponent(area);
    expect(regs[0]).toBe(0x1111n);
    expect(regs.slice(1).every((x) => x === 0n)).toBe(true); // the guest's own zeros, not the host's pattern
    regs[1] = 0xfeed_beef_0000_0017n;
    writeApxComponent(area, regs);
    m.ioctl(KvmIoctl.KVM_SET_XSAVE, area);
    expect(m.step().kind).toBe('io'); // mov rax, r17; OUT
    expect(m.getRegs().rax).toBe(0xfeed_beef_0000_0017n);
    expect(m.vcpu.view().xcr.hostEgprs[1]).not.toBe(0xfeed_beef_0000_0017n);
  });

  it('KVM_SET_XSAVE rejects components the vCPU lacks and the compacted format (EINVAL), changing nothing', () => {
    const m = emuMachine([0xf4]);
    const area = xsave(m);
    setXstateBv(area, 0x4n); // YMM
    expect(() => m.ioctl(KvmIoctl.KVM_SET_XSAVE, area)).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    const compacted = xsave(m);
    new DataView(compacted.buffer).setBigUint64(XSAVE_HEADER + 8, 1n << 63n, true);
    expect(() => m.ioctl(KvmIoctl.KVM_SET_XSAVE, compacted)).toThrow(expect.objectContaining({ errno: Errno.EINVAL }));
    expect(readApxComponent(xsave(m)).every((x) => x === 0n)).toBe(true);
  });
});
