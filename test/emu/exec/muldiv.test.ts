/**
 * MUL/IMUL (one, two and three operands) and DIV/IDIV at every size, register
 * and memory source, over edge values; reference results from BigInt
 * arithmetic per SDM Vol. 2 MUL/IMUL/DIV/IDIV. Only CF and OF are defined
 * for multiplication; no flag is defined for division (#DE cases must leave
 * every register unchanged with RIP at the instruction).
 */
import { describe, expect, it } from 'vitest';
import { DE } from '../../../src/emu/fault.ts';
import {
  ALL, Bench, CF, EDGES, OF, PF, RAX, RCX, RDX, ZF, afterWrite, expectFlags, getReg, hex, sx, ux, withJunk,
} from './arith-harness.ts';
import { IMUL_ROWS, MULDIV_ROWS } from './arith-encodings.ts';

const M = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

describe('MUL/IMUL with one operand', () => {
  it('AX ← AL·src, DX:AX, EDX:EAX, RDX:RAX; CF = OF = upper half significant', () => {
    for (const [op, bits, form, bytes] of MULDIV_ROWS) {
      if (op !== 'mul' && op !== 'imul') continue;
      const b = new Bench(bytes);
      for (const a of EDGES[bits]) {
        for (const s of EDGES[bits]) {
          const regA = withJunk(a, bits), regD = withJunk(0x77n, bits);
          const cpu = b.run({ regs: [[RAX, regA], [RDX, regD], [RCX, withJunk(s, bits)]], mem: withJunk(s, bits), flags: ALL });
          const full = op === 'mul' ? a * s : sx(a, bits) * sx(s, bits);
          const lo = ux(full, bits), hi = ux(full >> BigInt(bits), bits);
          const big = op === 'mul' ? hi !== 0n : sx(lo, bits) !== full;
          const what = `${op}${bits} ${form} ${hex(a)}*${hex(s)}`;
          if (bits === 8) {
            expect(getReg(cpu, RAX), what).toBe(afterWrite(regA, ux(full, 16), 16));
            expect(getReg(cpu, RDX), what).toBe(regD);
          } else {
            expect(getReg(cpu, RAX), what).toBe(afterWrite(regA, lo, bits));
            expect(getReg(cpu, RDX), what).toBe(afterWrite(regD, hi, bits));
          }
          expectFlags(cpu, big ? CF | OF : 0, CF | OF, what);
        }
      }
    }
  });
});

describe('IMUL with two and three operands', () => {
  it('r ← r·r/m and r ← r/m·imm, truncated; CF = OF = product does not fit', () => {
    for (const [form, bits, imm, bytes] of IMUL_ROWS) {
      const b = new Bench(bytes);
      for (const d of EDGES[bits]) {
        for (const s of form.endsWith('_i') ? [0n, 1n, 2n, ...EDGES[bits]] : EDGES[bits]) {
          // 2-operand: rCX ← rCX · src; 3-operand: rCX ← src · imm (rCX's old value is unused).
          const regC = withJunk(d, bits);
          const cpu = b.run({ regs: [[RCX, regC], [RDX, withJunk(s, bits)]], mem: withJunk(s, bits), flags: ALL });
          const x = form.endsWith('_i') ? sx(imm, bits) : sx(d, bits);
          const full = x * sx(s, bits), res = ux(full, bits);
          const what = `imul${bits} ${form} ${hex(x)}*${hex(s)}`;
          expect(getReg(cpu, RCX), what).toBe(afterWrite(regC, res, bits));
          expectFlags(cpu, sx(res, bits) !== full ? CF | OF : 0, CF | OF, what);
        }
      }
    }
  });
  it('undefined flags are deterministic: SF = ZF = AF = 0, PF unchanged (as the AMD host)', () => {
    const b = new Bench([0x0f, 0xaf, 0xca]); // imul ecx,edx
    for (const init of [0, ALL]) {
      const cpu = b.run({ regs: [[RCX, 0n], [RDX, 5n]], flags: init });
      expectFlags(cpu, init & PF, ALL, 'imul 0*5');
    }
  });
  it('64-bit products across the int32 fast path and the 128-bit path', () => {
    const b = new Bench([0x48, 0x0f, 0xaf, 0xca]); // imul rcx,rdx
    const vals = [0x7fffffffn, -0x80000000n, 0x1fffffffffffffn, 0x20000000000000n, -0x20000000000001n, 3037000499n, 3037000500n, -3037000500n];
    for (const x of vals) {
      for (const y of vals) {
        const cpu = b.run({ regs: [[RCX, ux(x, 64)], [RDX, ux(y, 64)]] });
        const full = x * y;
        expect(getReg(cpu, RCX), `${x}*${y}`).toBe(ux(full, 64));
        expectFlags(cpu, sx(ux(full, 64), 64) !== full ? CF | OF : 0, CF | OF, `${x}*${y}`);
      }
    }
  });
});

describe('DIV/IDIV', () => {
  it('quotient and remainder, or #DE on divide by zero and quotient overflow', () => {
    for (const [op, bits, form, bytes] of MULDIV_ROWS) {
      if (op !== 'div' && op !== 'idiv') continue;
      const b = new Bench(bytes);
      const m = M(bits);
      for (const s of EDGES[bits]) {
        for (const lo of EDGES[bits]) {
          const his = [0n, 1n, ux(s - 1n, bits), s, m, msbSet(lo, bits) ? m : 0n, ux(s >> 1n, bits)];
          for (const hi of his) {
            // The dividend: AX for 8-bit, else rDX:rAX.
            const regA = bits === 8 ? withJunk(lo | (hi << 8n), 16) : withJunk(lo, bits);
            const regD = bits === 8 ? withJunk(0x33n, 16) : withJunk(hi, bits);
            const init = { regs: [[RAX, regA], [RDX, regD], [RCX, withJunk(s, bits)]] as [number, bigint][], mem: withJunk(s, bits), flags: CF | ZF };
            const w = bits === 8 ? 8 : bits;
            const nU = bits === 8 ? ux(lo | (hi << 8n), 16) : (hi << BigInt(bits)) | lo;
            const n = op === 'div' ? nU : sx(nU, 2 * w);
            const d = op === 'div' ? s : sx(s, bits);
            const what = `${op}${bits} ${form} ${hex(n)}/${hex(d)}`;
            let q = 0n, r = 0n, ok = d !== 0n;
            if (ok) {
              q = n / d; // BigInt division truncates toward zero, as IDIV does
              r = n % d; // and the remainder takes the dividend's sign
              ok = op === 'div' ? q <= m : q >= -(1n << BigInt(bits - 1)) && q < 1n << BigInt(bits - 1);
            }
            if (!ok) {
              const cpu = b.fault(init, DE);
              expect(getReg(cpu, RAX), what).toBe(regA);
              expect(getReg(cpu, RDX), what).toBe(regD);
              continue;
            }
            const cpu = b.run(init);
            if (bits === 8) {
              expect(getReg(cpu, RAX), what).toBe(afterWrite(regA, ux(q, 8) | (ux(r, 8) << 8n), 16));
              expect(getReg(cpu, RDX), what).toBe(regD);
            } else {
              expect(getReg(cpu, RAX), what).toBe(afterWrite(regA, ux(q, bits), bits));
              expect(getReg(cpu, RDX), what).toBe(afterWrite(regD, ux(r, bits), bits));
            }
            expectFlags(cpu, CF | ZF, ALL, `${what} (flags left unchanged)`);
          }
        }
      }
    }
  });
  it('idiv of the most negative value by −1 is #DE at every size', () => {
    for (const [op, bits, form, bytes] of MULDIV_ROWS) {
      if (op !== 'idiv' || form !== 'r') continue;
      const min = 1n << BigInt(bits - 1);
      const regs: [number, bigint][] = bits === 8
        ? [[RAX, 0xff80n], [RCX, 0xffn]]
        : [[RAX, min], [RDX, M(bits)], [RCX, M(bits)]];
      new Bench(bytes).fault({ regs }, DE);
    }
  });
  it('128 ÷ 64: large dividends (BigInt path) and the double fast path agree with BigInt', () => {
    const b = new Bench([0x48, 0xf7, 0xf1]); // div rcx
    const ib = new Bench([0x48, 0xf7, 0xf9]); // idiv rcx
    const cases: [bigint, bigint, bigint][] = [
      [0n, 0xfffffffffffffn, 10n], [0n, 0x10000000000000n, 3n], [0n, 0xfffffffffffffffen, 0xffffffffffffffffn],
      [0x12345n, 0x6789abcdef012345n, 0x100000000n], [0xfffffffffffffffen, 0xffffffffffffffffn, 0xffffffffffffffffn],
      [0n, 0x000fffffffffffffn, 0x1fffffffffffffn],
    ];
    for (const [hi, lo, d] of cases) {
      let cpu = b.run({ regs: [[RDX, hi], [RAX, lo], [RCX, d]] });
      const n = (hi << 64n) | lo;
      expect(getReg(cpu, RAX)).toBe(n / d);
      expect(getReg(cpu, RDX)).toBe(n % d);
      // the same bits, signed
      const sn = sx(n, 128), sd = sx(d, 64);
      const q = sn / sd;
      if (q >= -(1n << 63n) && q < 1n << 63n) {
        cpu = ib.run({ regs: [[RDX, hi], [RAX, lo], [RCX, d]] });
        expect(getReg(cpu, RAX), `idiv ${sn}/${sd}`).toBe(ux(q, 64));
        expect(getReg(cpu, RDX), `idiv ${sn}/${sd}`).toBe(ux(sn % sd, 64));
      } else {
        ib.fault({ regs: [[RDX, hi], [RAX, lo], [RCX, d]] }, DE);
      }
    }
  });
});

function msbSet(v: bigint, bits: number): boolean {
  return ((v >> BigInt(bits - 1)) & 1n) === 1n;
}
