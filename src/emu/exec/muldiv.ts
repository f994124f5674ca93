/**
 * Instruction family: multiplication and division — MUL/IMUL with one operand
 * (F6/F7 /4 /5), IMUL with two (0F AF) and three operands (69, 6B), DIV/IDIV
 * (F6/F7 /6 /7). None of them accepts LOCK (#UD).
 *
 * Flags (SDM Vol. 2 MUL, IMUL): CF = OF = "the result does not fit the
 * destination" (the upper half is not zero / not the sign extension of the
 * lower half). SF, ZF, AF and PF are undefined: we do what the AMD EPYC host
 * does (measured with native code): SF = ZF = AF = 0 and PF unchanged.
 * DIV/IDIV leave all six (undefined) flags unchanged.
 */
import type { Cpu } from '../cpu.ts';
import { getPF, setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, getReg8, setReg16, setReg32 } from '../operands.ts';
import { FLAG_CF, FLAG_OF, FLAG_PF, RAX, RDX } from '../regs.ts';
import { P, muls64, mulu64, signedOverflow64 } from './mul64.ts';
import { DIV, IDIV } from './div.ts';

export function bind(i: Insn): Handler | undefined {
  if (i.lock) return undefined;
  if (i.map === 1) return i.op === 0xaf ? pick(IMUL2, i) : undefined;
  switch (i.op) {
    case 0x69: case 0x6b: return pick(IMUL3, i);
    case 0xf6: case 0xf7: {
      const size = i.op === 0xf6 ? 1 : i.osz;
      if (i.digit === 4) return MUL[sizeIndex(size)];
      if (i.digit === 5) return IMUL1[sizeIndex(size)];
      if (i.digit === 6) return DIV[sizeIndex(size)];
      if (i.digit === 7) return IDIV[sizeIndex(size)];
    }
  }
  return undefined;
}

function sizeIndex(size: number): number {
  return size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3;
}
/** [16, 32, 64 bits] × [register, memory source]. */
function pick(t: readonly Handler[], i: Insn): Handler {
  return t[(i.osz === 2 ? 0 : i.osz === 4 ? 2 : 4) + (i.regForm ? 0 : 1)];
}

/** CF = OF = overflow; SF = ZF = AF = 0; PF kept (see the header). */
function mulFlags(cpu: Cpu, overflow: boolean): void {
  setArithFlags(cpu.fl, (getPF(cpu.fl) ? FLAG_PF : 0) | (overflow ? FLAG_CF | FLAG_OF : 0));
}

// ---- IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69 Iz, 6B Ib): truncated product

function imul16(cpu: Cpu, i: Insn, a: number, b: number): void {
  const p = ((a << 16) >> 16) * ((b << 16) >> 16); // exact: |p| ≤ 2^30
  mulFlags(cpu, p !== (p << 16) >> 16);
  setReg16(cpu, i.reg, p);
}
function imul32(cpu: Cpu, i: Insn, a: number, b: number): void {
  const lo = Math.imul(a, b);
  // The double product equals the int32 one exactly when the true product fits in 32 bits.
  mulFlags(cpu, a * b !== lo);
  setReg32(cpu, i.reg, lo);
}
function imul64(cpu: Cpu, i: Insn, al: number, ah: number, bl: number, bh: number): void {
  const r = cpu.r, x = 2 * i.reg;
  if (ah === al >> 31 && bh === bl >> 31) {
    // Both are sign-extended int32s: the product fits in 64 bits; doubles are exact below 2^53.
    const p = al * bl;
    if (p < 9007199254740992 && p > -9007199254740992) {
      mulFlags(cpu, false);
      r[x] = p | 0;
      r[x + 1] = Math.floor(p / 4294967296) | 0;
      return;
    }
  }
  muls64(al, ah, bl, bh);
  mulFlags(cpu, signedOverflow64());
  r[x] = P[0];
  r[x + 1] = P[1];
}

const IMUL2: readonly Handler[] = [
  (cpu, i) => imul16(cpu, i, cpu.r[2 * i.reg], cpu.r[2 * i.rm]),
  (cpu, i) => imul16(cpu, i, cpu.r[2 * i.reg], cpu.mmu.read16(ea(cpu, i))),
  (cpu, i) => imul32(cpu, i, cpu.r[2 * i.reg], cpu.r[2 * i.rm]),
  (cpu, i) => imul32(cpu, i, cpu.r[2 * i.reg], cpu.mmu.read32(ea(cpu, i))),
  (cpu, i) => imul64(cpu, i, cpu.r[2 * i.reg], cpu.r[2 * i.reg + 1], cpu.r[2 * i.rm], cpu.r[2 * i.rm + 1]),
  (cpu, i) => {
    const lo = cpu.mmu.read64(ea(cpu, i));
    imul64(cpu, i, cpu.r[2 * i.reg], cpu.r[2 * i.reg + 1], lo, cpu.mmu.hi);
  },
];
const IMUL3: readonly Handler[] = [
  (cpu, i) => imul16(cpu, i, cpu.r[2 * i.rm], i.imm),
  (cpu, i) => imul16(cpu, i, cpu.mmu.read16(ea(cpu, i)), i.imm),
  (cpu, i) => imul32(cpu, i, cpu.r[2 * i.rm], i.imm),
  (cpu, i) => imul32(cpu, i, cpu.mmu.read32(ea(cpu, i)), i.imm),
  (cpu, i) => imul64(cpu, i, cpu.r[2 * i.rm], cpu.r[2 * i.rm + 1], i.imm, i.immHi),
  (cpu, i) => {
    const lo = cpu.mmu.read64(ea(cpu, i));
    imul64(cpu, i, lo, cpu.mmu.hi, i.imm, i.immHi);
  },
];

// ---- MUL / IMUL r/m (one operand): AX ← AL·src, DX:AX, EDX:EAX, RDX:RAX

function src8(cpu: Cpu, i: Insn): number {
  return i.regForm ? getReg8(cpu, i.rm8) : cpu.mmu.read8(ea(cpu, i));
}
function src16(cpu: Cpu, i: Insn): number {
  return i.regForm ? cpu.r[2 * i.rm] & 0xffff : cpu.mmu.read16(ea(cpu, i));
}
function src32(cpu: Cpu, i: Insn): number {
  return i.regForm ? cpu.r[2 * i.rm] : cpu.mmu.read32(ea(cpu, i));
}
/** Returns lo; hi in cpu.mmu.hi. */
function src64(cpu: Cpu, i: Insn): number {
  if (i.regForm) {
    cpu.mmu.hi = cpu.r[2 * i.rm + 1];
    return cpu.r[2 * i.rm];
  }
  return cpu.mmu.read64(ea(cpu, i));
}

const MUL: readonly Handler[] = [
  (cpu, i) => {
    const p = (cpu.r[0] & 0xff) * src8(cpu, i);
    mulFlags(cpu, p > 0xff);
    setReg16(cpu, RAX, p);
  },
  (cpu, i) => {
    const p = (cpu.r[0] & 0xffff) * src16(cpu, i);
    mulFlags(cpu, p > 0xffff);
    setReg16(cpu, RAX, p);
    setReg16(cpu, RDX, p >>> 16);
  },
  (cpu, i) => {
    const s = src32(cpu, i);
    mulu64(cpu.r[0], 0, s, 0);
    mulFlags(cpu, P[1] !== 0);
    setReg32(cpu, RAX, P[0]);
    setReg32(cpu, RDX, P[1]);
  },
  (cpu, i) => {
    const sl = src64(cpu, i), sh = cpu.mmu.hi, r = cpu.r;
    mulu64(r[0], r[1], sl, sh);
    mulFlags(cpu, P[2] !== 0 || P[3] !== 0);
    r[0] = P[0];
    r[1] = P[1];
    r[4] = P[2];
    r[5] = P[3];
  },
];

const IMUL1: readonly Handler[] = [
  (cpu, i) => {
    const p = ((cpu.r[0] << 24) >> 24) * ((src8(cpu, i) << 24) >> 24);
    mulFlags(cpu, p !== (p << 24) >> 24);
    setReg16(cpu, RAX, p);
  },
  (cpu, i) => {
    const p = ((cpu.r[0] << 16) >> 16) * ((src16(cpu, i) << 16) >> 16);
    mulFlags(cpu, p !== (p << 16) >> 16);
    setReg16(cpu, RAX, p);
    setReg16(cpu, RDX, p >> 16);
  },
  (cpu, i) => {
    const a = cpu.r[0], s = src32(cpu, i);
    muls64(a, a >> 31, s, s >> 31);
    mulFlags(cpu, P[1] !== P[0] >> 31);
    setReg32(cpu, RAX, P[0]);
    setReg32(cpu, RDX, P[1]);
  },
  (cpu, i) => {
    const sl = src64(cpu, i), sh = cpu.mmu.hi, r = cpu.r;
    muls64(r[0], r[1], sl, sh);
    mulFlags(cpu, signedOverflow64());
    r[0] = P[0];
    r[1] = P[1];
    r[4] = P[2];
    r[5] = P[3];
  },
];
