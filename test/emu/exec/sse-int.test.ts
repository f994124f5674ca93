/**
 * SSE2 … SSE4.1 integer handlers (exec/sse-int.ts): each per-element
 * operation against a reference written from the SDM operation section,
 * over vectors with the saturation and sign edges; 64-bit lanes (PADDQ,
 * PSUBQ, PCMPEQQ) with carries; PTEST flags; the shift groups.
 */
import { describe, expect, it } from 'vitest';
import { bytesOf, run, setBytes } from './sse-harness.ts';

const X1 = [0x00, 0x7f, 0x80, 0xff, 0x01, 0xfe, 0x40, 0xc0, 0x7e, 0x81, 0x10, 0xf0, 0x00, 0xff, 0x55, 0xaa];
const X2 = [0x01, 0x01, 0x01, 0x01, 0xff, 0x02, 0x40, 0x40, 0x02, 0xff, 0xf0, 0x10, 0x80, 0x80, 0xaa, 0x55];

type Lanes = (a: number[], b: number[]) => number[];
/** Apply f to `size`-byte lanes (little-endian, signed or unsigned), result wrapped to the lane. */
function lanes(size: number, signed: boolean, f: (a: number, b: number) => number): Lanes {
  return (a, b) => {
    const out: number[] = [];
    for (let k = 0; k < 16; k += size) {
      const get = (v: number[]) => {
        let x = 0;
        for (let j = size - 1; j >= 0; j--) x = x * 256 + v[k + j];
        return signed && x >= 2 ** (8 * size - 1) ? x - 2 ** (8 * size) : x;
      };
      let r = f(get(a), get(b));
      r = ((r % 2 ** (8 * size)) + 2 ** (8 * size)) % 2 ** (8 * size);
      for (let j = 0; j < size; j++) { out.push(r % 256); r = Math.floor(r / 256); }
    }
    return out;
  };
}
const sat = (lo: number, hi: number) => (v: number) => Math.min(hi, Math.max(lo, v));

const CASES: [string, number[], Lanes][] = [
  ['paddb', [0x66, 0x0f, 0xfc], lanes(1, false, (a, b) => a + b)],
  ['paddw', [0x66, 0x0f, 0xfd], lanes(2, false, (a, b) => a + b)],
  ['psubd', [0x66, 0x0f, 0xfa], lanes(4, false, (a, b) => a - b)],
  ['paddsb', [0x66, 0x0f, 0xec], lanes(1, true, (a, b) => sat(-128, 127)(a + b))],
  ['psubsw', [0x66, 0x0f, 0xe9], lanes(2, true, (a, b) => sat(-32768, 32767)(a - b))],
  ['paddusb', [0x66, 0x0f, 0xdc], lanes(1, false, (a, b) => sat(0, 255)(a + b))],
  ['psubusw', [0x66, 0x0f, 0xd9], lanes(2, false, (a, b) => sat(0, 65535)(a - b))],
  ['pminub', [0x66, 0x0f, 0xda], lanes(1, false, Math.min)],
  ['pmaxsw', [0x66, 0x0f, 0xee], lanes(2, true, Math.max)],
  ['pminsb', [0x66, 0x0f, 0x38, 0x38], lanes(1, true, Math.min)],
  ['pmaxud', [0x66, 0x0f, 0x38, 0x3f], lanes(4, false, Math.max)],
  ['pminsd', [0x66, 0x0f, 0x38, 0x39], lanes(4, true, Math.min)],
  ['pmaxuw', [0x66, 0x0f, 0x38, 0x3e], lanes(2, false, Math.max)],
  ['pcmpeqb', [0x66, 0x0f, 0x74], lanes(1, false, (a, b) => (a === b ? -1 : 0))],
  ['pcmpgtb', [0x66, 0x0f, 0x64], lanes(1, true, (a, b) => (a > b ? -1 : 0))],
  ['pcmpgtd', [0x66, 0x0f, 0x66], lanes(4, true, (a, b) => (a > b ? -1 : 0))],
  ['pmullw', [0x66, 0x0f, 0xd5], lanes(2, true, (a, b) => Number(BigInt.asIntN(16, BigInt(a * b))))],
  ['pand', [0x66, 0x0f, 0xdb], lanes(1, false, (a, b) => a & b)],
  ['pandn', [0x66, 0x0f, 0xdf], lanes(1, false, (a, b) => ~a & b & 0xff)],
  ['por', [0x66, 0x0f, 0xeb], lanes(1, false, (a, b) => a | b)],
  ['xorps', [0x0f, 0x57], lanes(1, false, (a, b) => a ^ b)],
  ['andnpd', [0x66, 0x0f, 0x55], lanes(1, false, (a, b) => ~a & b & 0xff)],
  ['paddq', [0x66, 0x0f, 0xd4], lanes(8, false, (a, b) => Number(BigInt.asUintN(64, BigInt(a) + BigInt(b))))],
  ['psubq', [0x66, 0x0f, 0xfb], lanes(8, false, (a, b) => Number(BigInt.asUintN(64, BigInt(a) - BigInt(b))))],
];

describe('per-element integer operations xmm1, xmm2', () => {
  it.each(CASES)('%s', (_n, op, ref) => {
    for (const [a, b] of [[X1, X2], [X2, X1], [X1, X1]]) {
      const r = run([...op, 0xca], (c) => { setBytes(c, 1, a); setBytes(c, 2, b); });
      expect(r.end).toBe('ok');
      const want = ref(a, b);
      // 64-bit lanes through doubles lose low bits: compare those with BigInt instead.
      if (op.at(-1) === 0xd4 || op.at(-1) === 0xfb) {
        const q = (v: number[], o: number) => v.slice(o, o + 8).reduceRight((s, x) => (s << 8n) | BigInt(x), 0n);
        const sign = op.at(-1) === 0xfb ? -1n : 1n;
        for (const o of [0, 8]) expect(q(bytesOf(r.cpu, 1), o)).toBe(BigInt.asUintN(64, q(a, o) + sign * q(b, o)));
      } else expect(bytesOf(r.cpu, 1)).toEqual(want);
    }
  });
  it('pcmpeqq: 64-bit lanes', () => {
    const a = [...X1], b = [...X1];
    b[12] ^= 1;
    const r = run([0x66, 0x0f, 0x38, 0x29, 0xca], (c) => { setBytes(c, 1, a); setBytes(c, 2, b); });
    expect(bytesOf(r.cpu, 1)).toEqual([...Array(8).fill(0xff), ...Array(8).fill(0)]);
  });
  it('ptest: ZF = (a AND b) = 0, CF = (NOT a AND b) = 0', () => {
    const flags = (a: number[], b: number[]) => {
      const r = run([0x66, 0x0f, 0x38, 0x17, 0xca], (c) => { setBytes(c, 1, a); setBytes(c, 2, b); c.writeRflags(0x8d5); });
      return r.cpu.readRflags() & 0x8d5;
    };
    const zero = Array(16).fill(0), ones = Array(16).fill(0xff);
    expect(flags(zero, ones)).toBe(0x40); // ZF, not CF; OF SF AF PF cleared
    expect(flags(ones, ones)).toBe(0x01);
    expect(flags(X1, zero)).toBe(0x41);
  });
  it('shifts: psrlw xmm1, 3 (imm); psraw by xmm2 count ≥ 16 fills the sign; pslldq 5', () => {
    const r = run([0x66, 0x0f, 0x71, 0xd1, 0x03, 0x66, 0x0f, 0xe1, 0xda, 0x66, 0x0f, 0x73, 0xfc, 0x05], (c) => {
      setBytes(c, 1, X1);
      setBytes(c, 3, X1);
      setBytes(c, 4, X1);
      setBytes(c, 2, [16, ...Array(15).fill(0)]);
    });
    expect(bytesOf(r.cpu, 1)).toEqual(lanes(2, false, (a) => a >> 3)(X1, X1));
    expect(bytesOf(r.cpu, 3)).toEqual(lanes(2, true, (a) => (a < 0 ? -1 : 0))(X1, X1));
    expect(bytesOf(r.cpu, 4)).toEqual([0, 0, 0, 0, 0, ...X1.slice(0, 11)]);
  });
});
