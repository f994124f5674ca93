/**
 * MachineState carries the x87/XMM state (struct kvm_fpu) on the emu
 * backend: loadMachineState applies it, readMachineState returns it.
 */
import { describe, expect, it } from 'vitest';
import { loadMachineState, readMachineState } from '../../../src/core/emu/cpu-state.ts';
import { Cpu } from '../../../src/emu/cpu.ts';
import { KVM_FPU, KVM_FPU_SIZE } from '../../../src/core/uapi/xsave.ts';

describe('MachineState with x87/XMM', () => {
  it('round-trips struct kvm_fpu through loadMachineState / readMachineState', () => {
    const cpu = new Cpu(1 << 20);
    const st = readMachineState(cpu);
    expect(st.fpu?.length).toBe(KVM_FPU_SIZE);
    expect(new DataView(st.fpu!.buffer).getUint16(KVM_FPU.fcw, true)).toBe(0x37f); // reset FCW
    const fpu = new Uint8Array(KVM_FPU_SIZE);
    const d = new DataView(fpu.buffer);
    d.setUint32(0, 0x89abcdef, true); d.setUint32(4, 0xc0000001, true); d.setUint16(8, 0x4001, true); // ST(0)
    d.setUint16(KVM_FPU.fcw, 0x0b7f, true);
    d.setUint16(KVM_FPU.fsw, 0x3800, true); // TOP 7
    d.setUint8(KVM_FPU.ftwx, 0x80);
    for (let k = 0; k < 256; k++) fpu[KVM_FPU.xmm + k] = k;
    loadMachineState(cpu, { ...st, fpu });
    expect([cpu.x87.top, cpu.x87.fcw, cpu.x87.full, cpu.sse.x.u8[17]]).toEqual([7, 0x0b7f, 0x80, 17]);
    expect(Buffer.from(readMachineState(cpu).fpu!).equals(Buffer.from(fpu))).toBe(true);
  });
});
