/**
 * MXCSR rules on their own (reserved bits, the #XM/#UD choice, how a
 * packed instruction's exceptions are merged) and the drivers' register
 * handling (destination equal to source, memory operand in XMM_SRC, upper
 * elements of scalar forms, destination untouched on an unmasked exception).
 */
import { describe, expect, it } from 'vitest';
import { UD, XM } from '../../../src/emu/fault.ts';
import { CR4_OSXMMEXCPT } from '../../../src/emu/regs.ts';
import { packedOp, scalarOp } from '../../../src/emu/sse/drive.ts';
import { F32, F64 } from '../../../src/emu/sse/fpbits.ts';
import { insertps, palignr, pshufb } from '../../../src/emu/sse/int-shuffle.ts';
import {
  MXCSR_MASK, MXCSR_RESET, MX_DE, MX_IE, MX_PE, MX_ZE, SseState, beginFp, endFp, mxcsrReservedFault, simdFaultVector,
} from '../../../src/emu/sse/mxcsr.ts';
import { ADD, DIV } from '../../../src/emu/sse/ops.ts';
import { XMM_SRC } from '../../../src/emu/sse/xmm.ts';

describe('MXCSR', () => {
  it('reserved bits: LDMXCSR faults outside MXCSR_MASK (0xFFFF: no misaligned-SSE MM bit)', () => {
    expect(MXCSR_MASK).toBe(0xffff);
    expect(mxcsrReservedFault(0xffff)).toBe(false);
    expect(mxcsrReservedFault(MXCSR_RESET)).toBe(false);
    expect(mxcsrReservedFault(0x10000)).toBe(true);
    expect(mxcsrReservedFault(0x20000)).toBe(true);
    expect(mxcsrReservedFault(0x80000000)).toBe(true);
    expect(mxcsrReservedFault(0x20000, 0x2ffff)).toBe(false);
  });

  it('an unmasked exception is #XM with CR4.OSXMMEXCPT, else #UD', () => {
    expect(simdFaultVector(CR4_OSXMMEXCPT)).toBe(XM);
    expect(simdFaultVector(0)).toBe(UD);
  });

  it('merging: masked flags are sticky; an unmasked pre-computation exception hides post-computation flags', () => {
    const st = new SseState();
    st.mxcsr = MXCSR_RESET | MX_ZE;
    beginFp(st);
    st.pre = MX_IE;
    st.post = MX_PE;
    expect(endFp(st)).toBe(false);
    expect(st.mxcsr).toBe(MXCSR_RESET | MX_ZE | MX_IE | MX_PE);

    st.mxcsr = 0; // everything unmasked
    beginFp(st);
    st.pre = MX_DE;
    st.post = MX_PE;
    expect(endFp(st)).toBe(true);
    expect(st.mxcsr).toBe(MX_DE);

    st.mxcsr = MXCSR_RESET & ~(MX_PE << 7); // only PE unmasked
    beginFp(st);
    st.pre = MX_DE;
    st.post = MX_PE;
    expect(endFp(st)).toBe(true);
    expect(st.mxcsr & 0x3f).toBe(MX_DE | MX_PE);
  });
});

describe('drivers and registers', () => {
  it('ADDPD xmm3, xmm3 equals ADDPD with a copy as source', () => {
    const st = new SseState();
    st.x.f64.set([1.5, -2.25], 6);
    st.x.f64.set([1.5, -2.25], 8);
    expect(packedOp(st, F64, ADD, 3, 3)).toBe(false);
    expect(packedOp(st, F64, ADD, 4, 4)).toBe(false);
    expect(Array.from(st.x.f64.subarray(6, 8))).toEqual([3, -4.5]);
    expect(Array.from(st.x.f64.subarray(8, 10))).toEqual([3, -4.5]);
  });

  it('scalar forms keep the upper elements; a memory operand comes through XMM_SRC', () => {
    const st = new SseState();
    st.x.f32.set([1, 2, 3, 4], 0);
    st.x.f32.set([0.5, 99, 99, 99], XMM_SRC * 4);
    expect(scalarOp(st, F32, ADD, 0, XMM_SRC)).toBe(false);
    expect(Array.from(st.x.f32.subarray(0, 4))).toEqual([1.5, 2, 3, 4]);
  });

  it('an unmasked exception leaves the destination as it was and sets the flag', () => {
    const st = new SseState();
    st.x.f64.set([1, 2], 0);
    st.x.f64.set([0, 1], 2);
    st.mxcsr = MXCSR_RESET & ~(MX_ZE << 7);
    expect(packedOp(st, F64, DIV, 0, 1)).toBe(true);
    expect(Array.from(st.x.f64.subarray(0, 2))).toEqual([1, 2]);
    expect(st.mxcsr & 0x3f).toBe(MX_ZE);
    st.mxcsr = MXCSR_RESET;
    expect(packedOp(st, F64, DIV, 0, 1)).toBe(false);
    expect(Array.from(st.x.f64.subarray(0, 2))).toEqual([Infinity, 2]);
  });

  it('PSHUFB and PALIGNR with the same register as both operands', () => {
    const st = new SseState();
    const bytes = Array.from({ length: 16 }, (_, k) => (k * 7 + 3) & 0x8f);
    st.x.u8.set(bytes, 16);
    pshufb(st.x, 1, 1);
    expect(Array.from(st.x.u8.subarray(16, 32))).toEqual(bytes.map((s) => (s & 0x80 ? 0 : bytes[s & 15])));
    st.x.u8.set(bytes, 16);
    palignr(st.x, 1, 1, 5);
    expect(Array.from(st.x.u8.subarray(16, 32))).toEqual([...bytes.slice(5), ...bytes.slice(0, 5)]);
  });

  it('INSERTPS m32 ignores imm8[7:6]; the register form takes that dword', () => {
    const st = new SseState();
    st.x.u32.set([10, 11, 12, 13], 0);
    st.x.u32.set([20, 21, 22, 23], 4);
    insertps(st.x, 0, 1, 0xc0 | 0x10 | 0x8, false); // src dword 3 → dst dword 1, zero dword 3
    expect(Array.from(st.x.u32.subarray(0, 4))).toEqual([10, 23, 12, 0]);
    st.x.u32.set([30, 0, 0, 0], XMM_SRC * 4);
    insertps(st.x, 0, XMM_SRC, 0xc0 | 0x20, true);
    expect(Array.from(st.x.u32.subarray(0, 4))).toEqual([10, 23, 30, 0]);
  });
});
