/**
 * SSE exception rules (SDM Vol. 2 §2.4 exception types, Vol. 3 §6.15 #NM/#XM,
 * Table 6-2 priorities): #UD for CR0.EM / CR4.OSFXSR = 0 / LOCK / the MMX
 * forms that do not exist here, #NM for CR0.TS, #GP(0) for a misaligned m128
 * of an aligned form (and none for MOVUPS), #XM or #UD (CR4.OSXMMEXCPT = 0)
 * for an unmasked SIMD exception with the destination untouched; CRC32 is a
 * general-purpose instruction and ignores EM/TS; REX.R/B reach XMM8–15.
 */
import { describe, expect, it } from 'vitest';
import { GP, NM, UD, XM } from '../../../src/emu/fault.ts';
import { CR0_EM, CR0_TS, CR4_OSFXSR, CR4_OSXMMEXCPT } from '../../../src/emu/regs.ts';
import { DATA, f32, run, setF32, setU32, u32 } from './sse-harness.ts';

const ADDPS = [0x0f, 0x58, 0xc1]; // addps xmm0, xmm1
const DIVSS = [0xf3, 0x0f, 0x5e, 0xc1]; // divss xmm0, xmm1

describe('SSE availability: #UD and #NM', () => {
  it.each([
    ['CR0.EM', CR0_EM, 0, UD],
    ['CR4.OSFXSR = 0', 0, CR4_OSFXSR, UD],
    ['CR0.TS', CR0_TS, 0, NM],
    ['CR0.EM and CR0.TS: #UD first', CR0_EM | CR0_TS, 0, UD],
  ])('%s', (_n, cr0Set, cr4Clear, vector) => {
    const r = run(ADDPS, (c) => {
      c.cr0 |= cr0Set;
      c.cr4 &= ~cr4Clear;
      setF32(c, 0, [1, 2, 3, 4]);
      setF32(c, 1, [1, 1, 1, 1]);
    });
    expect(r.end).toBe(vector);
    expect(f32(r.cpu, 0)).toEqual([1, 2, 3, 4]);
  });
  it('runs with the bits clear', () => {
    const r = run(ADDPS, (c) => { setF32(c, 0, [1, 2, 3, 4]); setF32(c, 1, [1, 1, 1, 1]); });
    expect(r.end).toBe('ok');
    expect(f32(r.cpu, 0)).toEqual([2, 3, 4, 5]);
  });
  it('CRC32 is not an SSE-state instruction: no #UD/#NM for EM/TS', () => {
    const r = run([0xf2, 0x0f, 0x38, 0xf0, 0xc1], (c) => { c.cr0 |= CR0_EM | CR0_TS; c.r[0] = 0; c.r[2] = 0x61; });
    expect(r.end).toBe('ok');
    expect(r.cpu.r[0] >>> 0).toBe(0x93ad1061); // CRC-32C of "a" from 0, no inversions (bitwise reference: python)
  });
  it.each([
    ['LOCK addps', [0xf0, ...ADDPS]],
    ['pmulld mm, mm (SSE4.1 has no MMX form)', [0x0f, 0x38, 0x40, 0xc1]],
    ['psrldq mm, imm8 (no MMX form)', [0x0f, 0x73, 0xd9, 0x01]],
    ['movlpd xmm, xmm (memory form only)', [0x66, 0x0f, 0x12, 0xc1]],
    ['psrlw /0 (no such digit)', [0x66, 0x0f, 0x71, 0xc1, 0x01]],
  ])('%s: #UD', (_n, bytes) => {
    expect(run(bytes).end).toBe(UD);
  });
});

describe('alignment of m128 operands', () => {
  const at = (off: number) => (c: Parameters<Parameters<typeof run>[1] & object>[0]) => {
    c.r[0] = DATA + off;
    c.mem.u8.set([...Array(32).keys()], DATA);
  };
  it('MOVAPS xmm, [rax] misaligned: #GP(0), register unchanged', () => {
    const r = run([0x0f, 0x28, 0x00], (c) => { at(8)(c); setU32(c, 0, [7, 7, 7, 7]); });
    expect([r.end, r.errorCode]).toEqual([GP, 0]);
    expect(u32(r.cpu, 0)).toEqual([7, 7, 7, 7]);
  });
  it('MOVUPS xmm, [rax] misaligned loads', () => {
    const r = run([0x0f, 0x10, 0x00], at(4));
    expect(r.end).toBe('ok');
    expect(u32(r.cpu, 0)).toEqual([0x07060504, 0x0b0a0908, 0x0f0e0d0c, 0x13121110]);
  });
  it('MOVDQA [rax], xmm misaligned: #GP(0), memory unchanged', () => {
    const r = run([0x66, 0x0f, 0x7f, 0x00], (c) => { at(1)(c); setU32(c, 0, [-1, -1, -1, -1]); });
    expect([r.end, r.errorCode]).toEqual([GP, 0]);
    expect([...r.cpu.mem.u8.subarray(DATA, DATA + 4)]).toEqual([0, 1, 2, 3]);
  });
  it('ADDPS xmm, m128 misaligned: #GP(0); ADDSS xmm, m32 misaligned is fine', () => {
    expect(run([0x0f, 0x58, 0x00], at(4)).end).toBe(GP);
    expect(run([0xf3, 0x0f, 0x58, 0x00], at(4)).end).toBe('ok');
  });
  it('PCMPISTRI takes an unaligned m128 (exceptions type 4UA); LDDQU too', () => {
    expect(run([0x66, 0x0f, 0x3a, 0x63, 0x00, 0x00], at(3)).end).toBe('ok');
    expect(run([0xf2, 0x0f, 0xf0, 0x00], at(3)).end).toBe('ok');
  });
});

describe('SIMD floating-point exceptions', () => {
  const zeroDivide = (unmaskZE: boolean, cr4Clear = 0) => run(DIVSS, (c) => {
    c.cr4 &= ~cr4Clear;
    if (unmaskZE) c.sse.mxcsr &= ~(1 << 9);
    setF32(c, 0, [1, 2, 3, 4]);
    setF32(c, 1, [0, 5, 5, 5]);
  });
  it('masked divide by zero: ∞ and ZE', () => {
    const r = zeroDivide(false);
    expect(r.end).toBe('ok');
    expect(f32(r.cpu, 0)).toEqual([Infinity, 2, 3, 4]);
    expect(r.cpu.sse.mxcsr).toBe(0x1f80 | 0x4);
  });
  it('unmasked: #XM, the destination unchanged, ZE set', () => {
    const r = zeroDivide(true);
    expect(r.end).toBe(XM);
    expect(f32(r.cpu, 0)).toEqual([1, 2, 3, 4]);
    expect(r.cpu.sse.mxcsr & 0x3f).toBe(0x4);
  });
  it('unmasked with CR4.OSXMMEXCPT = 0: #UD', () => {
    expect(zeroDivide(true, CR4_OSXMMEXCPT).end).toBe(UD);
  });
});

describe('REX extends the XMM register numbers', () => {
  it('addps xmm8, xmm9 (45 0F 58 C1)', () => {
    const r = run([0x45, ...ADDPS], (c) => { setF32(c, 8, [1, 2, 3, 4]); setF32(c, 9, [10, 20, 30, 40]); setF32(c, 0, [5, 5, 5, 5]); });
    expect(f32(r.cpu, 8)).toEqual([11, 22, 33, 44]);
    expect(f32(r.cpu, 0)).toEqual([5, 5, 5, 5]);
  });
});
