/**
 * The MMX forms (exec/sse-mmx.ts): MMn is the significand of physical x87
 * register Rn; an MMX instruction sets TOP = 0 and all tags valid, a write
 * sets Rn's sign/exponent to all ones (SDM Vol. 1 §9.5); EMMS empties the
 * tags; #UD (CR0.EM), #NM (CR0.TS), #MF (pending x87 exception); the
 * cross-element operations on 64-bit operands.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { MF, NM, UD } from '../../../src/emu/fault.ts';
import { CR0_EM, CR0_TS } from '../../../src/emu/regs.ts';
import { run, setU32, u32 } from './sse-harness.ts';

/** MMn as a bigint. */
const mm = (c: Cpu, n: number) => (BigInt(c.x87.sig[2 * n]) << 32n) | BigInt(c.x87.sig[2 * n + 1]);
const setMm = (c: Cpu, n: number, v: bigint) => {
  c.x87.sig[2 * n] = Number(v >> 32n);
  c.x87.sig[2 * n + 1] = Number(v & 0xffffffffn);
};
const A = 0x0706050403020100n, B = 0x1f1e1d1c1b1a1918n;
const withAB = (c: Cpu) => { c.x87.top = 5; c.x87.full = 0x01; setMm(c, 1, A); setMm(c, 2, B); };

describe('MMX', () => {
  it('paddb mm1, mm2: the sum, TOP = 0, every tag valid, R1 exponent/sign all ones', () => {
    const r = run([0x0f, 0xfc, 0xca], withAB);
    expect(r.end).toBe('ok');
    expect(mm(r.cpu, 1)).toBe(0x262422201e1c1a18n);
    expect([r.cpu.x87.top, r.cpu.x87.full, r.cpu.x87.se[1]]).toEqual([0, 0xff, 0xffff]);
    expect(mm(r.cpu, 2)).toBe(B);
  });
  it('REX.B does not extend MM numbers: 41 0F FC CA is paddb mm1, mm2', () => {
    expect(mm(run([0x41, 0x0f, 0xfc, 0xca], withAB).cpu, 1)).toBe(0x262422201e1c1a18n);
  });
  it.each([
    ['punpckhbw', [0x0f, 0x68, 0xca], 0x1f071e061d051c04n],
    ['punpcklwd', [0x0f, 0x61, 0xca], 0x1b1a03021918_0100n],
    ['punpckhdq', [0x0f, 0x6a, 0xca], 0x1f1e1d1c07060504n],
    ['packuswb', [0x0f, 0x67, 0xca], 0xffffffffffffffffn],
    ['phaddw', [0x0f, 0x38, 0x01, 0xca], 0x3c3a3432_0c0a0402n], // a0+a1, a2+a3, b0+b1, b2+b3
    ['pshufb: the bytes 18–1F of B index bytes 0–7 (bits 2:0)', [0x0f, 0x38, 0x00, 0xca], A],
    ['palignr 3', [0x0f, 0x3a, 0x0f, 0xca, 0x03], 0x0201001f1e1d1c1bn],
    ['pshufw 0x1b', [0x0f, 0x70, 0xca, 0x1b], 0x19181b1a1d1c1f1en],
    ['psadbw', [0x0f, 0xf6, 0xca], 0xc0n],
  ])('%s mm1, mm2', (_n, bytes, want) => {
    const r = run(bytes, withAB);
    expect(r.end).toBe('ok');
    expect(mm(r.cpu, 1)).toBe(want);
  });
  it('pshufb mm: index 9 selects byte 1 (bits 2:0), bit 7 gives 0', () => {
    const r = run([0x0f, 0x38, 0x00, 0xca], (c) => { withAB(c); setMm(c, 2, 0x8009000102030405n); });
    expect(mm(r.cpu, 1)).toBe(0x0001000102030405n); // bytes a5 a4 a3 a2 a1 a0 a[9&7] 0
  });
  it('movd mm1, eax / movq rcx, mm1 / emms empties every tag', () => {
    const r = run([0x0f, 0x6e, 0xc8, 0x48, 0x0f, 0x7e, 0xc9, 0x0f, 0x77], (c) => { c.setGpr(0 as never, 0x1234567890n); });
    expect(r.cpu.getGpr(1 as never)).toBe(0x34567890n);
    expect([r.cpu.x87.full, r.cpu.x87.top]).toEqual([0, 0]);
  });
  it('movq2dq xmm3, mm2 zero-extends; cvtpi2ps xmm3, mm1 keeps the high lanes', () => {
    const r = run([0xf3, 0x0f, 0xd6, 0xda], withAB);
    expect(u32(r.cpu, 3)).toEqual([0x1b1a1918, 0x1f1e1d1c, 0, 0]);
    const c = run([0x0f, 0x2a, 0xd9], (m) => { setMm(m, 1, 0xfffffffd00000007n); setU32(m, 3, [1, 2, 3, 4]); }).cpu;
    expect([...c.sse.x.f32.subarray(12, 14), ...u32(c, 3).slice(2)]).toEqual([7, -3, 3, 4]);
  });
  it.each([
    ['CR0.EM', (c: Cpu) => { c.cr0 |= CR0_EM; }, UD],
    ['CR0.TS', (c: Cpu) => { c.cr0 |= CR0_TS; }, NM],
    ['a pending unmasked x87 exception', (c: Cpu) => { c.x87.setControlWord(0x037e); c.x87.signal(1); }, MF],
  ])('%s', (_n, set, vector) => {
    const r = run([0x0f, 0xfc, 0xca], (c) => { withAB(c); set(c); });
    expect(r.end).toBe(vector);
    expect(mm(r.cpu, 1)).toBe(A);
  });
});
