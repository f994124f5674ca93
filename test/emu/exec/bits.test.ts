/**
 * Bit instructions: BT/BTS/BTR/BTC (register offset incl. the signed "bit
 * string" memory addressing, and imm8 masked to the width), BSF/BSR,
 * TZCNT/LZCNT, POPCNT, BSWAP — every size, register and memory. References
 * come from the SDM definitions (BigInt); CF/ZF are checked where defined, the
 * other flags against our documented choices (host-measured where noted).
 */
import { describe, expect, it } from 'vitest';
import { GP, PF as PF_VEC, UD } from '../../../src/emu/fault.ts';
import {
  ALL, Bench, CF, DATA, EDGES, PF, RDX, ZF, afterWrite, bit, expectFlags, getReg, hex, peek, poke, ux, withJunk,
} from './arith-harness.ts';
import { BITS_ROWS, type BitsRow } from './arith-encodings.ts';

const RSI = 6, R9 = 9;
const BASE = DATA + 0x800;
const SPAN = 0x400; // bytes on each side of BASE holding a pseudo-random bit string

const STRINGS = [1, 2, 3, 4].map((seed) => {
  const u = new Uint8Array(2 * SPAN);
  let x = seed;
  for (let k = 0; k < u.length; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    u[k] = (x >>> 16) & 0xff;
  }
  return u;
});
function change(op: string, v: bigint, pos: bigint): bigint {
  const m = 1n << pos;
  return op === 'bts' ? v | m : op === 'btr' ? v & ~m : op === 'btc' ? v ^ m : v;
}

function runBt([op, bits, form, imm, bytes]: BitsRow): void {
  const b = new Bench(bytes);
  const offsets = form.endsWith('_i')
    ? [imm]
    : [0, 1, 7, 8, 13, bits - 1, bits, bits + 5, 100, -1, -8, -9, -bits, -bits - 1, -100, 1000, -1000, 8191, -8192];
  let k = 0;
  for (const off of offsets) {
    for (const d of [...EDGES[bits], ux(0x5a5a_a5a5_0f0f_f0f0n, bits)]) {
      const init = [0, ALL, ZF, ALL & ~ZF][k++ & 3];
      const regD = withJunk(d, bits), regS = withJunk(ux(BigInt(off), bits), bits);
      const what = `${op}${bits} ${form} off=${off} d=${hex(d)}`;
      if (form.startsWith('m')) {
        const str = STRINGS[k & 3];
        b.cpu.mem.u8.set(str, BASE - SPAN);
        const cpu = b.run({ regs: [[RSI, regS]], flags: init });
        // Bit string semantics (SDM BT): register offsets are signed; imm8 offsets are masked to the width.
        const pos = SPAN * 8 + (form === 'm_i' ? imm & (bits - 1) : off);
        const byte = pos >> 3, old = BigInt(str[byte]);
        const want = Uint8Array.from(str);
        want[byte] = Number(change(op, old, BigInt(pos & 7)));
        expect(cpu.mem.u8.subarray(BASE - SPAN, BASE + SPAN), what).toEqual(want);
        expectFlags(cpu, (init & ~CF) | bit(old, pos & 7), ALL, what); // CF = the bit; the rest unchanged
      } else {
        const cpu = b.run({ regs: [[RDX, regD], [RSI, regS]], flags: init });
        const pos = BigInt((form === 'r_i' ? imm : off) & (bits - 1));
        const after = change(op, d, pos);
        expect(getReg(cpu, RDX), what).toBe(op === 'bt' ? regD : afterWrite(regD, after, bits));
        expect(getReg(cpu, RSI), what).toBe(regS);
        expectFlags(cpu, (init & ~CF) | bit(d, Number(pos)), ALL, what);
      }
    }
  }
}

describe('BT/BTS/BTR/BTC', () => {
  it('register offset and imm8, register and memory, every size', () => {
    for (const row of BITS_ROWS) if (row[0].startsWith('bt')) runBt(row);
  });
  it('memory offsets far from the base: #PF when unmapped, #GP when non-canonical', () => {
    const bt64 = BITS_ROWS.find((r) => r[0] === 'bts' && r[1] === 64 && r[2] === 'm_r')!;
    const b = new Bench(bt64[4]);
    b.fault({ regs: [[RSI, 1n << 35n]] }, PF_VEC); // BASE + 4 GiB: not mapped
    b.fault({ regs: [[RSI, 1n << 63n]] }, GP); // BASE − 2^60 bytes: non-canonical
    const bt32 = BITS_ROWS.find((r) => r[0] === 'bt' && r[1] === 32 && r[2] === 'm_r')!;
    new Bench(bt32[4]).fault({ regs: [[RSI, 0x8000_0000n]] }, PF_VEC); // BASE − 256 MiB
  });
  it('LOCK only with BTS/BTR/BTC on memory; 0F BA /0–/3 are #UD', () => {
    const cpu = new Bench([0xf0, 0x0f, 0xab, 0x33]).run({ regs: [[RSI, 3n]], mem: 0n }); // lock bts DWORD PTR [rbx],esi
    expect(peek(cpu, DATA, 1)).toBe(8n);
    new Bench([0xf0, 0x0f, 0xa3, 0x33]).fault({}, UD); // lock bt DWORD PTR [rbx],esi
    new Bench([0xf0, 0x0f, 0xab, 0xf2]).fault({}, UD); // lock bts edx,esi
    new Bench([0x0f, 0xba, 0xda, 0x05]).fault({}, UD); // 0F BA /3
  });
});

function scanRef(op: string, bits: number, s: bigint): { res: bigint | null; flags: number; mask: number } {
  let lowest = -1, highest = -1, pop = 0;
  for (let k = 0; k < bits; k++) {
    if (bit(s, k)) {
      if (lowest < 0) lowest = k;
      highest = k;
      pop++;
    }
  }
  switch (op) {
    case 'bsf': case 'bsr':
      // ZF = (source = 0), destination unchanged then; other flags undefined.
      return { res: s === 0n ? null : BigInt(op === 'bsf' ? lowest : highest), flags: s === 0n ? ZF : 0, mask: ZF };
    case 'tzcnt': case 'lzcnt': {
      const n = s === 0n ? bits : op === 'tzcnt' ? lowest : bits - 1 - highest;
      return { res: BigInt(n), flags: (s === 0n ? CF : 0) | (n === 0 ? ZF : 0), mask: CF | ZF };
    }
    default:
      return { res: BigInt(pop), flags: s === 0n ? ZF : 0, mask: ALL }; // POPCNT clears the others
  }
}

describe('BSF/BSR/TZCNT/LZCNT/POPCNT', () => {
  it('every size, register and memory source', () => {
    for (const [op, bits, form, , bytes] of BITS_ROWS) {
      if (op.startsWith('bt') || op === 'bswap') continue;
      const b = new Bench(bytes);
      const vals = [...EDGES[bits], ...Array.from({ length: bits }, (_, k) => 1n << BigInt(k)), ux(0x0001_0200_0000_8000n, bits)];
      for (const s of vals) {
        for (const init of [0, ALL]) {
          const regD = withJunk(0x77n, bits);
          if (form === 'r_m') poke(b.cpu, BASE, withJunk(s, bits), 8);
          const cpu = b.run({ regs: [[RDX, regD], [RSI, withJunk(s, bits)]], flags: init });
          const r = scanRef(op, bits, s);
          const what = `${op}${bits} ${form} s=${hex(s)}`;
          expect(getReg(cpu, RDX), what).toBe(r.res === null ? regD : afterWrite(regD, r.res, bits));
          expectFlags(cpu, r.flags, r.mask, what);
        }
      }
    }
  });
  it('undefined flags as on the AMD host: BSF/BSR CF=OF=SF=AF=0, PF of the index; TZCNT/LZCNT others 0', () => {
    const row = (op: string, bits: number) => BITS_ROWS.find((r) => r[0] === op && r[1] === bits && r[2] === 'r_r')![4];
    const cases: [string, number, bigint, bigint | null, number][] = [
      ['bsf', 32, 0x30n, 4n, 0],
      ['bsr', 32, 0x30n, 5n, PF],
      ['bsr', 64, 1n << 63n, 63n, PF],
      ['bsr', 32, 0n, null, ZF | PF],
      ['bsf', 16, 0n, null, ZF | PF],
      ['tzcnt', 64, 0n, 64n, CF],
      ['lzcnt', 32, 8n, 28n, 0],
    ];
    for (const [op, bits, s, res, flags] of cases) {
      const cpu = new Bench(row(op, bits)).run({ regs: [[RDX, 0xffff_ffff_1234_5678n], [RSI, s]], flags: ALL });
      expect(getReg(cpu, RDX), `${op} ${s}`).toBe(res === null ? 0xffff_ffff_1234_5678n : afterWrite(0xffff_ffff_1234_5678n, res, bits));
      expectFlags(cpu, flags, ALL, `${op} ${s}`);
    }
  });
  it('0F B8 without F3 is #UD; LOCK is #UD', () => {
    new Bench([0x0f, 0xb8, 0xd6]).fault({}, UD);
    new Bench([0xf0, 0xf3, 0x0f, 0xb8, 0xd6]).fault({}, UD);
    new Bench([0xf0, 0x0f, 0xbc, 0xd6]).fault({}, UD);
  });
  it('without F3, 0F BC/BD are BSF/BSR (66 0F BC: 16-bit BSF)', () => {
    const cpu = new Bench([0x66, 0x0f, 0xbc, 0xd6]).run({ regs: [[RDX, 0xaaaa_0000n], [RSI, 0x8000n]] }); // bsf dx,si
    expect(getReg(cpu, RDX)).toBe(0xaaaa_000fn);
  });
});

describe('BSWAP', () => {
  it('32-bit (zero-extends) and 64-bit, RDX and R9', () => {
    for (const [, bits, , , bytes] of BITS_ROWS.filter((r) => r[0] === 'bswap')) {
      const reg = bytes[0] === 0x41 || bytes[0] === 0x49 ? R9 : RDX;
      const v = 0x0102_0304_8586_8788n;
      const cpu = new Bench(bytes).run({ regs: [[reg, v]], flags: ALL });
      const want = bits === 64 ? 0x8887_8685_0403_0201n : 0x8887_8685n;
      expect(getReg(cpu, reg)).toBe(want);
      expectFlags(cpu, ALL, ALL, 'bswap leaves flags');
    }
  });
  it('16-bit (undefined): bits 15:0 become 0, as on the host', () => {
    const cpu = new Bench([0x66, 0x0f, 0xca]).run({ regs: [[RDX, 0x1122_3344_5566_7788n]] }); // bswap dx
    expect(getReg(cpu, RDX)).toBe(0x1122_3344_5566_0000n);
  });
});
