/**
 * BMI1/BMI2 (VEX-encoded): ANDN, BEXTR, BLSI/BLSMSK/BLSR, BZHI, PDEP, PEXT,
 * MULX, SARX/SHLX/SHRX, RORX at 32 and 64 bits, register and memory sources,
 * against BigInt models written from the SDM pseudo-code; the encodings are
 * checked with iced-x86. Also the VEX #UD rules (66/F2/F3/LOCK/REX before
 * VEX, VEX.L = 1, vvvv ≠ 1111b where unused) and AVX encodings staying #UD.
 */
import { describe, expect, it } from 'vitest';
import { Decoder, DecoderOptions, Mnemonic, OpKind, Register } from 'iced-x86';
import { decodeBytes } from '../../../src/emu/decode.ts';
import { bindInsn, UD_HANDLER } from '../../../src/emu/dispatch.ts';
import { UD } from '../../../src/emu/fault.ts';
import { Insn } from '../../../src/emu/insn.ts';
import { OPCODES } from '../../../src/emu/opcodes/table.ts';
import { DATA } from '../machine.ts';
import { get, peek, poke, run, runFault, set, u64 } from './dm-harness.ts';
import { prng } from '../prng.ts';

const RAX = 0, RCX = 1, RDX = 2, RBX = 3, R8 = 8, R9 = 9, R10 = 10;
const CF = 1, ZF = 0x40, SF = 0x80, OF = 0x800;

/** VEX3 bytes: C4 [R̄X̄B̄ mmmmm] [W v̄v̄v̄v̄ L pp] op modrm. */
function vex3(map: number, pp: number, w: number, l: number, reg: number, vvvv: number, rm: number, op: number, mem: boolean): number[] {
  const rxb = ((~reg >> 3) & 1) << 7 | 1 << 6 | ((~rm >> 3) & 1) << 5;
  const modrm = (mem ? 0 : 0xc0) | (reg & 7) << 3 | (rm & 7);
  return [0xc4, rxb | map, w << 7 | ((~vvvv & 15) << 3) | l << 2 | pp, op, modrm];
}

function icedText(bytes: number[]): string {
  const d = new Decoder(64, new Uint8Array(bytes), DecoderOptions.None);
  const x = d.decode();
  const m = Mnemonic[x.mnemonic].toLowerCase();
  const len = x.length;
  x.free();
  d.free();
  return `${m}/${len}`;
}

const mask = (bits: number) => (1n << BigInt(bits)) - 1n;
function signBit(v: bigint, bits: number): boolean {
  return ((v >> BigInt(bits - 1)) & 1n) === 1n;
}
/** SF/ZF of a result, plus CF/OF as given. */
function szFlags(v: bigint, bits: number, cf: boolean): number {
  return (v === 0n ? ZF : 0) | (signBit(v, bits) ? SF : 0) | (cf ? CF : 0);
}

interface Model {
  name: string;
  map: number;
  pp: number;
  op: number;
  digit?: number;
  /** Operands: reg, vvvv, rm values → result(s) and flags (undefined: unchanged). */
  f: (bits: number, reg: bigint, v: bigint, rm: bigint, rdx: bigint, imm: number) => { reg?: bigint; vvvv?: bigint; flags?: number; defined?: number };
  imm?: boolean;
}

const MODELS: Model[] = [
  { name: 'andn', map: 2, pp: 0, op: 0xf2, f: (b, _r, v, rm) => { const x = ~v & rm & mask(b); return { reg: x, flags: szFlags(x, b, false), defined: CF | ZF | SF | OF }; } },
  { name: 'blsr', map: 2, pp: 0, op: 0xf3, digit: 1, f: (b, _r, _v, rm) => { const x = (rm - 1n) & rm & mask(b); return { vvvv: x, flags: szFlags(x, b, rm === 0n), defined: CF | ZF | SF | OF }; } },
  { name: 'blsmsk', map: 2, pp: 0, op: 0xf3, digit: 2, f: (b, _r, _v, rm) => { const x = ((rm - 1n) ^ rm) & mask(b); return { vvvv: x, flags: szFlags(x, b, rm === 0n) & ~ZF, defined: CF | ZF | SF | OF }; } },
  { name: 'blsi', map: 2, pp: 0, op: 0xf3, digit: 3, f: (b, _r, _v, rm) => { const x = -rm & rm & mask(b); return { vvvv: x, flags: szFlags(x, b, rm !== 0n), defined: CF | ZF | SF | OF }; } },
  {
    name: 'bextr', map: 2, pp: 0, op: 0xf7, f: (b, _r, v, rm) => {
      const start = Number(v & 0xffn), len = Number((v >> 8n) & 0xffn);
      const x = start >= b ? 0n : (rm >> BigInt(start)) & mask(Math.min(len, b));
      return { reg: x, flags: x === 0n ? ZF : 0, defined: CF | ZF | OF };
    },
  },
  {
    name: 'bzhi', map: 2, pp: 0, op: 0xf5, f: (b, _r, v, rm) => {
      const n = Number(v & 0xffn);
      const x = n < b ? rm & mask(n) : rm;
      return { reg: x, flags: szFlags(x, b, n > b - 1), defined: CF | ZF | SF | OF };
    },
  },
  {
    name: 'pdep', map: 2, pp: 3, op: 0xf5, f: (b, _r, v, rm) => {
      let x = 0n, k = 0n;
      for (let m = 0n; m < BigInt(b); m++) if ((rm >> m) & 1n) x |= ((v >> k++) & 1n) << m;
      return { reg: x };
    },
  },
  {
    name: 'pext', map: 2, pp: 2, op: 0xf5, f: (b, _r, v, rm) => {
      let x = 0n, k = 0n;
      for (let m = 0n; m < BigInt(b); m++) if ((rm >> m) & 1n) x |= ((v >> m) & 1n) << k++;
      return { reg: x };
    },
  },
  { name: 'mulx', map: 2, pp: 3, op: 0xf6, f: (b, _r, _v, rm, rdx) => { const p = (rdx & mask(b)) * rm; return { vvvv: p & mask(b), reg: p >> BigInt(b) }; } },
  { name: 'shlx', map: 2, pp: 1, op: 0xf7, f: (b, _r, v, rm) => ({ reg: (rm << (v & BigInt(b - 1))) & mask(b) }) },
  { name: 'shrx', map: 2, pp: 3, op: 0xf7, f: (b, _r, v, rm) => ({ reg: rm >> (v & BigInt(b - 1)) }) },
  { name: 'sarx', map: 2, pp: 2, op: 0xf7, f: (b, _r, v, rm) => ({ reg: BigInt.asUintN(b, BigInt.asIntN(b, rm) >> (v & BigInt(b - 1))) }) },
  {
    name: 'rorx', map: 3, pp: 3, op: 0xf0, imm: true, f: (b, _r, _v, rm, _d, imm) => {
      const n = BigInt(imm & (b - 1));
      return { reg: ((rm >> n) | (rm << (BigInt(b) - n))) & mask(b) };
    },
  },
];

function values(ri: (n: number) => number): bigint[] {
  const edges = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffffffffn, 0x80000000n, 0x7fffffffffffffffn, 0x8000000000000000n, u64(-1n), u64(-2n), 0x1f0fn, 0x2008n, 0x4020n];
  const r: bigint[] = [...edges];
  for (let k = 0; k < 24; k++) r.push((BigInt(ri(0x10000)) << 48n) | (BigInt(ri(0x10000)) << 32n) | (BigInt(ri(0x10000)) << 16n) | BigInt(ri(0x10000)));
  for (let k = 0; k < 8; k++) r.push(BigInt(ri(80)) | (BigInt(ri(80)) << 8n)); // BEXTR/BZHI controls in range
  return r;
}

describe('BMI1/BMI2', () => {
  const ri = prng(0xb111);
  for (const m of MODELS) {
    it(`${m.name}: 32/64-bit, register and memory source, against the SDM model`, () => {
      const vals = values(ri);
      for (const w of [0, 1]) {
        const bits = w ? 64 : 32;
        for (const mem of [false, true]) {
          const regNo = m.digit !== undefined ? m.digit : R8;
          const vvvv = m.imm ? 0 : R9;
          const code = vex3(m.map, m.pp, w, 0, regNo, vvvv, mem ? RBX : R10, m.op, mem);
          if (m.imm) code.push(0);
          expect(icedText(code), `${m.name} encoding`).toBe(`${m.name}/${code.length}`);
          for (let t = 0; t < 16; t++) {
            const v = vals[ri(vals.length)], src = vals[ri(vals.length)], rdx = vals[ri(vals.length)];
            const imm = ri(256);
            if (m.imm) code[code.length - 1] = imm;
            const startFlags = ri(2) ? 0x8d5 | 2 : 2;
            const cpu = run(code, (c) => {
              set(c, R8, 0x1111n); set(c, R9, v); set(c, R10, src); set(c, RDX, rdx);
              set(c, RBX, BigInt(DATA)); poke(c, DATA, src, 8);
              c.writeRflags(startFlags);
            });
            const rmv = src & mask(bits), vv = v & mask(bits);
            const want = m.f(bits, 0x1111n, vv, rmv, rdx, imm);
            const what = `${m.name}${bits} ${mem ? 'mem' : 'reg'} v=${v.toString(16)} src=${src.toString(16)} rdx=${rdx.toString(16)} imm=${imm}`;
            const dest = m.digit !== undefined ? R9 : R8;
            if (m.digit !== undefined) expect(get(cpu, R9), what).toBe(want.vvvv);
            else if (m.name === 'mulx') {
              expect(get(cpu, R8), `${what} hi`).toBe(want.reg);
              expect(get(cpu, R9), `${what} lo`).toBe(want.vvvv);
            } else expect(get(cpu, dest), what).toBe(want.reg);
            expect(get(cpu, R10), what).toBe(src);
            expect(peek(cpu, DATA, 8), what).toBe(src);
            const fl = cpu.readRflags();
            if (want.flags === undefined) expect(fl & 0x8d5, `${what} flags untouched`).toBe(startFlags & 0x8d5);
            else expect(fl & want.defined!, `${what} flags`).toBe(want.flags & want.defined!);
          }
        }
      }
    });
  }

  it('MULX with the same register for both halves keeps the high half', () => {
    const code = vex3(2, 3, 1, 0, R8, R8, R10, 0xf6, false);
    const cpu = run(code, (c) => { set(c, RDX, u64(-1n)); set(c, R10, 3n); });
    expect(get(cpu, R8)).toBe(2n);
  });

  it('#UD: VEX after 66/F2/F3/LOCK/REX, VEX.L = 1, vvvv ≠ 1111b for RORX/BLS*; AVX encodings stay #UD', () => {
    const andn = vex3(2, 0, 1, 0, RAX, RCX, RDX, 0xf2, false);
    run(andn);
    for (const p of [0x66, 0xf2, 0xf3, 0xf0, 0x40, 0x48]) runFault([p, ...andn], UD, 0);
    runFault(vex3(2, 0, 1, 1, RAX, RCX, RDX, 0xf2, false), UD, 0); // VEX.L = 1
    runFault([...vex3(3, 3, 1, 0, RAX, RCX, RDX, 0xf0, false), 1], UD, 0); // rorx with vvvv = rcx
    run([...vex3(3, 3, 1, 0, RAX, 0, RDX, 0xf0, false), 1]);
    runFault([0xc5, 0xf8, 0x77], UD, 0); // vzeroupper
    runFault([0xc5, 0xfd, 0xef, 0xc0], UD, 0); // vpxor ymm0, ymm0, ymm0
    runFault([0xc4, 0xe2, 0x7d, 0x58, 0xc0], UD, 0); // vpbroadcastd ymm0, xmm0
    runFault(vex3(4, 0, 1, 0, RAX, RCX, RDX, 0xf2, false), UD, 0); // reserved map 4
  });

  it('a memory source faults before anything is written', () => {
    const code = vex3(2, 0, 1, 0, R8, R9, RBX, 0xf2, true);
    const cpu = runFault(code, 14, 0, (c) => { set(c, RBX, 0x7000_0000_0000n); set(c, R8, 5n); });
    expect(get(cpu, R8)).toBe(5n);
  });
});

describe('VEX decoder vs iced-x86', () => {
  it('random C4/C5 strings on our VEX opcodes: same length and operands where iced decodes them; #UD where iced says invalid', () => {
    const ri = prng(0x7e4);
    const ops = OPCODES.vexOpcodes;
    const i = new Insn();
    let compared = 0;
    const diffs: string[] = [];
    for (let t = 0; t < 6000; t++) {
      const key = ops[ri(ops.length)];
      const map = key >> 8, op = key & 0xff;
      const pre = ri(8) === 0 ? [[0x66, 0xf2, 0xf3, 0xf0, 0x41, 0x2e, 0x67, 0x64][ri(8)]] : [];
      const two = map === 1 && ri(3) === 0;
      const vex = two
        ? [0xc5, ri(256)]
        : [0xc4, (ri(8) << 5) | (ri(12) === 0 ? ri(32) : map), ri(256)];
      const modrm = ri(256);
      const b = [...pre, ...vex, op, modrm, ri(256), ri(256), ri(256), ri(256), ri(256), ri(256), ri(256)];
      const d = new Decoder(64, new Uint8Array(b), DecoderOptions.None);
      const x = d.decode();
      try {
        let threw = false;
        try {
          bindInsn(decodeBytes(b, i));
        } catch {
          threw = true;
        }
        if (x.isInvalid) {
          if (!threw && i.h !== UD_HANDLER) diffs.push(`${hexs(b)}: iced invalid, ours binds ${i.row?.mnemonic}`);
          continue;
        }
        if (!Mnemonic[x.mnemonic].match(/^(Andn|Bextr|Blsi|Blsmsk|Blsr|Bzhi|Pdep|Pext|Mulx|Shlx|Shrx|Sarx|Rorx)$/)) continue;
        compared++;
        if (threw || i.h === UD_HANDLER) {
          diffs.push(`${hexs(b)} (${Mnemonic[x.mnemonic]}): ours #UD`);
          continue;
        }
        if (i.len !== x.length) diffs.push(`${hexs(b)}: length ${i.len} vs ${x.length}`);
        if (i.row!.mnemonic !== Mnemonic[x.mnemonic].toLowerCase() && i.row!.mnemonic !== 'grp17') diffs.push(`${hexs(b)}: ${i.row!.mnemonic} vs ${Mnemonic[x.mnemonic]}`);
        // Register operands: iced's register numbers against ModRM.reg / VEX.vvvv / ModRM.rm.
        const regs: number[] = [];
        for (let n = 0; n < x.opCount; n++) if (x.opKind(n) === OpKind.Register) regs.push(gprNum(x.opRegister(n)));
        const memory = [...Array(x.opCount).keys()].some((n) => x.opKind(n) === OpKind.Memory);
        expect(i.regForm, hexs(b)).toBe(!memory);
        expect(i.osz, hexs(b)).toBe(gprSize(x.opRegister(0)));
        if (!memory) expect(regs, hexs(b)).toContain(i.rm);
        if (i.row!.vex!.vvvv) expect(regs, hexs(b)).toContain(i.vvvv);
        if (i.row!.digit < 0) expect(regs, hexs(b)).toContain(i.reg);
      } finally {
        x.free();
        d.free();
      }
    }
    expect(diffs.slice(0, 20)).toEqual([]);
    expect(compared).toBeGreaterThan(1000);
  });
});

function hexs(b: number[]): string {
  return b.map((v) => v.toString(16).padStart(2, '0')).join(' ');
}
function gprNum(r: number): number {
  if (r >= Register.EAX && r <= Register.R15D) return r - Register.EAX;
  if (r >= Register.RAX && r <= Register.R15) return r - Register.RAX;
  return -1;
}
function gprSize(r: number): number {
  return r >= Register.RAX && r <= Register.R15 ? 8 : 4;
}
