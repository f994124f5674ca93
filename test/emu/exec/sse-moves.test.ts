/**
 * SSE data movement (exec/sse-moves.ts), expected values from the SDM
 * operation sections: which bytes move, which are zeroed, which are kept.
 */
import { describe, expect, it } from 'vitest';
import { DATA, bytesOf, run, setBytes, setU32, u32, G } from './sse-harness.ts';

const A = [0x11111111, 0x22222222, 0x33333333, 0x44444444];
const B = [0xaaaaaaaa, 0xbbbbbbbb, 0xcccccccc, 0xdddddddd];
const MEM = [0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10];

/** xmm1 = A, xmm2 = B, [rax] = MEM at DATA (aligned), then run. */
function go(bytes: number[]) {
  return run(bytes, (c) => {
    setU32(c, 1, A);
    setU32(c, 2, B);
    c.r[0] = DATA;
    MEM.forEach((v, k) => c.mem.dv.setUint32(DATA + 4 * k, v, true));
  });
}
const memU32 = (r: ReturnType<typeof go>) => [0, 1, 2, 3].map((k) => r.cpu.mem.dv.getUint32(DATA + 4 * k, true));

describe('moves', () => {
  it.each([
    ['movss xmm1, xmm2: low dword only', [0xf3, 0x0f, 0x10, 0xca], [B[0], A[1], A[2], A[3]]],
    ['movss xmm1, m32: upper zeroed', [0xf3, 0x0f, 0x10, 0x08], [MEM[0], 0, 0, 0]],
    ['movsd xmm1, xmm2: low qword only', [0xf2, 0x0f, 0x10, 0xca], [B[0], B[1], A[2], A[3]]],
    ['movsd xmm1, m64: upper zeroed', [0xf2, 0x0f, 0x10, 0x08], [MEM[0], MEM[1], 0, 0]],
    ['movaps xmm1, xmm2', [0x0f, 0x28, 0xca], B],
    ['movdqa xmm1, m128', [0x66, 0x0f, 0x6f, 0x08], MEM],
    ['movhlps xmm1, xmm2', [0x0f, 0x12, 0xca], [B[2], B[3], A[2], A[3]]],
    ['movlps xmm1, m64', [0x0f, 0x12, 0x08], [MEM[0], MEM[1], A[2], A[3]]],
    ['movlhps xmm1, xmm2', [0x0f, 0x16, 0xca], [A[0], A[1], B[0], B[1]]],
    ['movhpd xmm1, m64', [0x66, 0x0f, 0x16, 0x08], [A[0], A[1], MEM[0], MEM[1]]],
    ['movddup xmm1, xmm2', [0xf2, 0x0f, 0x12, 0xca], [B[0], B[1], B[0], B[1]]],
    ['movsldup xmm1, xmm2', [0xf3, 0x0f, 0x12, 0xca], [B[0], B[0], B[2], B[2]]],
    ['movshdup xmm1, xmm2', [0xf3, 0x0f, 0x16, 0xca], [B[1], B[1], B[3], B[3]]],
    ['movq xmm1, xmm2 (F3 0F 7E): high zeroed', [0xf3, 0x0f, 0x7e, 0xca], [B[0], B[1], 0, 0]],
    ['movq xmm2, xmm1 (66 0F D6) into xmm1', [0x66, 0x0f, 0xd6, 0xd1], [B[0], B[1], 0, 0]],
    ['movd xmm1, eax', [0x66, 0x0f, 0x6e, 0xc8], [DATA, 0, 0, 0]],
    ['lddqu xmm1, m128', [0xf2, 0x0f, 0xf0, 0x08], MEM],
  ])('%s', (_n, bytes, want) => {
    const r = go(bytes);
    expect(r.end).toBe('ok');
    expect(u32(r.cpu, 1)).toEqual(want.map((v) => v >>> 0));
  });

  it.each([
    ['movups m128, xmm1', [0x0f, 0x11, 0x08], A],
    ['movss m32, xmm1: one dword', [0xf3, 0x0f, 0x11, 0x08], [A[0], MEM[1], MEM[2], MEM[3]]],
    ['movhps m64, xmm1: the high qword', [0x0f, 0x17, 0x08], [A[2], A[3], MEM[2], MEM[3]]],
    ['movntdq m128, xmm1', [0x66, 0x0f, 0xe7, 0x08], A],
    ['movq m64, xmm1 (66 0F D6)', [0x66, 0x0f, 0xd6, 0x08], [A[0], A[1], MEM[2], MEM[3]]],
    ['movd m32, xmm1 (66 0F 7E)', [0x66, 0x0f, 0x7e, 0x08], [A[0], MEM[1], MEM[2], MEM[3]]],
  ])('%s', (_n, bytes, want) => {
    const r = go(bytes);
    expect(r.end).toBe('ok');
    expect(memU32(r)).toEqual(want.map((v) => v >>> 0));
  });

  it('movq rcx, xmm1 (66 48 0F 7E C9) and movq xmm2, rcx', () => {
    const r = go([0x66, 0x48, 0x0f, 0x7e, 0xc9, 0x66, 0x48, 0x0f, 0x6e, 0xd1]);
    expect(r.cpu.getGpr(G(1))).toBe(0x2222222211111111n);
    expect(u32(r.cpu, 2)).toEqual([A[0], A[1], 0, 0]);
  });
  it('movmskps / movmskpd / pmovmskb collect sign bits, upper GPR bits zeroed', () => {
    const r = run([0x0f, 0x50, 0xc1, 0x66, 0x0f, 0x50, 0xd1, 0x66, 0x0f, 0xd7, 0xd9], (c) => {
      setU32(c, 1, [0x80000000, 1, 0xffffffff, 0x7fffffff]);
      c.r[1] = -1; c.r[3] = -1; c.r[5] = -1; c.r[7] = -1;
    });
    expect(r.cpu.getGpr(G(0))).toBe(0b0101n);
    expect(r.cpu.getGpr(G(2))).toBe(0n); // qword sign bits: bit 63 of qword 0 is 0, of qword 1 is 0
    expect(r.cpu.getGpr(G(3))).toBe(0x7f08n); // bytes 3 and 8–14 have their top bit set
  });
  it('maskmovdqu xmm1, xmm2 stores the selected bytes at [rdi]', () => {
    const r = run([0x66, 0x0f, 0xf7, 0xca], (c) => {
      setBytes(c, 1, [...Array(16).keys()].map((k) => 0xa0 + k));
      setBytes(c, 2, [...Array(16).keys()].map((k) => (k % 3 === 0 ? 0x80 : 0x7f)));
      c.r[14] = DATA;
    });
    expect(r.end).toBe('ok');
    expect([...r.cpu.mem.u8.subarray(DATA, DATA + 16)]).toEqual([...Array(16).keys()].map((k) => (k % 3 === 0 ? 0xa0 + k : 0)));
    expect(bytesOf(r.cpu, 1)[0]).toBe(0xa0);
  });
});
