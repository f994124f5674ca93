/**
 * Which uAPI carries the guest's x87/SSE state on /dev/kvm (the debugger's
 * choice in src/commands/session/fpu.ts): state written with KVM_SET_XSAVE
 * (the legacy region, XSTATE_BV x87|SSE) is what the guest's own
 * instructions then read, and KVM_GET_XSAVE holds the MXCSR the guest's
 * STMXCSR stores. What KVM_GET_FPU / KVM_SET_FPU do with MXCSR and XMM here
 * is printed, not asserted: it depends on the host kernel (on this
 * machine's KVM, KVM_GET_FPU reads MXCSR as 0 and KVM_SET_FPU's XMM never
 * reach the guest).
 */
import { describe, expect, it } from 'vitest';
import { assignFpu, parseFpuPath, type FpuAssigned } from '../../../src/commands/lang/fpu-expr.ts';
import { readFpu, writeFpu } from '../../../src/commands/session/fpu.ts';
import { KVM_FPU, readLegacyRegion } from '../../../src/core/uapi/xsave.ts';
import { DATA, runAtCpl3OnKvm } from '../../support/fpu-guest.ts';
import { kvmSkipReason } from '../../core/kvm/available.ts';

const skip = kvmSkipReason('x87/SSE uAPI on /dev/kvm');

// stmxcsr [DATA]; movq rax, xmm3; fstp tbyte ptr [DATA+16]; ud2
const READ_BACK = [
  0x0f, 0xae, 0x1c, 0x25, 0x00, 0x00, 0x02, 0x00,
  0x66, 0x48, 0x0f, 0x7e, 0xd8,
  0xdb, 0x3c, 0x25, 0x10, 0x00, 0x02, 0x00,
  0x0f, 0x0b,
];
const u32 = (m: Uint8Array, a: number) => new DataView(m.buffer, m.byteOffset).getUint32(a, true);

describe.skipIf(skip)('x87/SSE state through the uAPI on /dev/kvm', () => {
  it('KVM_GET_XSAVE holds the MXCSR the guest stores (1F80h at reset)', () => {
    const r = runAtCpl3OnKvm(READ_BACK);
    expect(r.exit).toBe('shutdown');
    expect(u32(r.memory, DATA)).toBe(0x1f80);
    expect(readLegacyRegion(r.xsave).mxcsr).toBe(0x1f80);
    console.log(`[fpu-uapi] at reset KVM_GET_FPU reads MXCSR 0x${u32(r.fpu, KVM_FPU.mxcsr).toString(16)}, KVM_GET_XSAVE 0x1f80, the guest 0x1f80`);
  });

  it('XMM3, MXCSR and ST(0) the debugger writes on kvm (KVM_SET_XSAVE) are what the guest reads', () => {
    const r = runAtCpl3OnKvm(READ_BACK, (vcpu) => {
      const f = readFpu(vcpu);
      const set = (path: string, x: FpuAssigned) => assignFpu(parseFpuPath(path)!, f, x);
      set('$xmm3.v2_int64[0]', { int: 0x1122334455667788n });
      set('$mxcsr', { int: 0x7f80n }); // round toward zero
      set('$fstat', { int: 7n << 11n }); // TOP = 7
      set('$ftag', { int: 0x3fffn }); // R7 valid
      set('$st0', { float: 1.5 });
      writeFpu(vcpu, f);
    });
    expect(r.exit).toBe('shutdown');
    expect(r.regs.rax).toBe(0x1122334455667788n);
    expect(u32(r.memory, DATA)).toBe(0x7f80);
    expect(Array.from(r.memory.subarray(DATA + 16, DATA + 26))).toEqual([0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0x3f]);
  });

  it('what KVM_SET_FPU does with XMM here (printed)', () => {
    const r = runAtCpl3OnKvm(READ_BACK, (vcpu) => {
      const f = vcpu.getFpu();
      f.set([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11], KVM_FPU.xmm + 3 * 16);
      vcpu.setFpu(f);
    });
    expect(r.exit).toBe('shutdown');
    console.log(`[fpu-uapi] XMM3 written with KVM_SET_FPU: the guest read 0x${r.regs.rax.toString(16)} (0x1122334455667788 if it reached it)`);
  });
});
