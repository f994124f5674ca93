/**
 * SSE4.2 string compares and CRC32 (exec/sse-string.ts): PCMPISTRI index and
 * flags, PCMPESTRI lengths from EAX/EDX (RAX/RDX with REX.W), PCMPISTRM's
 * mask in XMM0, CRC32 at every source size (references computed bitwise
 * with python from the CRC-32C polynomial 0x82F63B78).
 */
import { describe, expect, it } from 'vitest';
import { DATA, bytesOf, run, setBytes, G } from './sse-harness.ts';

const bytes = (s: string) => [...Buffer.from(s.padEnd(16, '\0'), 'latin1')];

describe('PCMPxSTRx', () => {
  it('pcmpistri equal-any, least significant: the first vowel; CF ZF SF OF', () => {
    const r = run([0x66, 0x0f, 0x3a, 0x63, 0xca, 0x00], (c) => {
      setBytes(c, 1, bytes('aeiou'));
      setBytes(c, 2, bytes('xyz hello'));
      c.writeRflags(0x8d5);
    });
    expect(r.cpu.getGpr(G(1))).toBe(5n); // 'e'
    // CF (a match), ZF (xmm2 has a NUL), SF (xmm1 has a NUL), OF = IntRes2[0] = 0, AF = PF = 0
    expect(r.cpu.readRflags() & 0x8d5).toBe(0x1 | 0x40 | 0x80);
  });
  it('pcmpistri most significant (imm8[6]); no match gives 16 and CF = 0', () => {
    const idx = (imm: number, b: string) => run([0x66, 0x0f, 0x3a, 0x63, 0xca, imm], (c) => { setBytes(c, 1, bytes('ab')); setBytes(c, 2, bytes(b)); }).cpu.getGpr(G(1));
    expect(idx(0x40, 'abxxab')).toBe(5n);
    expect(idx(0x00, 'xyzxyzxyzxyzxyzx')).toBe(16n);
  });
  it('pcmpestri equal-each (strcmp-like) with lengths from EAX/EDX, negative lengths by magnitude', () => {
    const run1 = (eax: number, edx: number) => run([0x66, 0x0f, 0x3a, 0x61, 0xca, 0x18], (c) => {
      setBytes(c, 1, bytes('hello world'));
      setBytes(c, 2, bytes('hello there'));
      c.r[0] = eax; c.r[4] = edx;
    }).cpu.getGpr(G(1));
    expect(run1(11, 11)).toBe(6n); // negated equal-each: first difference at 6
    expect(run1(-5, -5)).toBe(16n); // |−5| = 5 elements equal, the rest invalid on both (negated, masked: no bits)
  });
  it('pcmpistrm with imm8[6]: byte mask in XMM0', () => {
    const r = run([0x66, 0x0f, 0x3a, 0x62, 0xca, 0x40], (c) => { setBytes(c, 1, bytes('l')); setBytes(c, 2, bytes('hello')); });
    expect(bytesOf(r.cpu, 0)).toEqual([0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('CRC32', () => {
  it('r32, r/m16 (66 F2 0F 38 F1) / r32, m32 / r64, r/m64 (the 64-bit result zero-extended)', () => {
    const r = run([
      0x66, 0xf2, 0x0f, 0x38, 0xf1, 0xc1, //     crc32 eax, cx
      0xf2, 0x0f, 0x38, 0xf1, 0x1e, //           crc32 ebx, dword [rsi]
      0xf2, 0x48, 0x0f, 0x38, 0xf1, 0xd7, //     crc32 rdx, rdi
    ], (c) => {
      c.setGpr(G(0), 0xffffffffffffffffn); c.setGpr(G(1), 0x1234n);
      c.setGpr(G(3), 0n); c.setGpr(G(6), BigInt(DATA)); c.mem.dv.setUint32(DATA, 0xdeadbeef, true);
      c.setGpr(G(2), 0xaaaaaaaa12345678n); c.setGpr(G(7), 0x0123456789abcdefn);
    });
    expect(r.cpu.getGpr(G(0))).toBe(0xf13f4cean);
    expect(r.cpu.getGpr(G(3))).toBe(0x09991d14n);
    expect(r.cpu.getGpr(G(2))).toBe(0xa3d207ben);
  });
});
