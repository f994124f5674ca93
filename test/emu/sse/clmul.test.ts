/**
 * PCLMULQDQ (src/emu/sse/clmul.ts): the Intel carry-less multiplication white
 * paper's example (imm 00) and this host's results for the other three
 * qword selections of the same operands (_mm_clmulepi64_si128, run natively),
 * then random operands against a plain BigInt polynomial product. The
 * instruction against the CPU: test/emu/diff/sse.test.ts (template 66 0F 3A 44).
 */
import { describe, expect, it } from 'vitest';
import { pclmulqdq } from '../../../src/emu/sse/clmul.ts';
import { XmmFile } from '../../../src/emu/sse/xmm.ts';

function setX(x: XmmFile, r: number, v: bigint): void {
  for (let k = 0; k < 4; k++) x.u32[4 * r + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn);
}
function getX(x: XmmFile, r: number): bigint {
  let v = 0n;
  for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(x.u32[4 * r + k]);
  return v;
}
function clmulRef(a: bigint, b: bigint): bigint {
  let r = 0n;
  for (let i = 0n; i < 64n; i++) if ((b >> i) & 1n) r ^= a << i;
  return r;
}

describe('PCLMULQDQ', () => {
  const A = 0x7b5b54657374566563746f725d53475dn, B = 0x48692853686179295b477565726f6e5dn;
  const WANT: [number, bigint][] = [
    [0x00, 0x1d4d84c85c3440c0929633d5d36f0451n], [0x01, 0x1a2bf6db3a30862fbabf262df4b7d5c9n],
    [0x10, 0x1bd17c8d556ab5a17fa540ac2a281315n], [0x11, 0x1d1e1f2c592e7c45d66ee03e410fd4edn],
  ];
  for (const [imm, want] of WANT) {
    it(`imm ${imm.toString(16).padStart(2, '0')}`, () => {
      const x = new XmmFile();
      setX(x, 1, A);
      setX(x, 2, B);
      pclmulqdq(x, 1, 2, imm | 0xee); // bits other than 0 and 4 are ignored
      expect(getX(x, 1).toString(16)).toBe(want.toString(16));
    });
  }

  it('random operands (also dst = src) against a BigInt product', () => {
    const x = new XmmFile();
    let seed = 0x1234567;
    const r32 = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed);
    for (let n = 0; n < 500; n++) {
      const a = (BigInt(r32()) << 96n) | (BigInt(r32()) << 64n) | (BigInt(r32()) << 32n) | BigInt(r32());
      const b = (BigInt(r32()) << 96n) | (BigInt(r32()) << 64n) | (BigInt(r32()) << 32n) | BigInt(r32());
      const imm = r32() & 0x11, same = n % 10 === 0;
      setX(x, 3, a);
      setX(x, 4, b);
      pclmulqdq(x, 3, same ? 3 : 4, imm);
      const q = (v: bigint, hi: number) => (hi ? v >> 64n : v) & 0xffffffffffffffffn;
      expect(getX(x, 3)).toBe(clmulRef(q(a, imm & 1), q(same ? a : b, imm & 0x10)));
    }
  });
});
