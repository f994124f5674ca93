/**
 * Hot ALU handlers at 32-bit operand size (style.md src/emu §2, preamble rule 3): one
 * allocation-free function per (operation, form), chosen at bind time by
 * alu.ts. Forms: rm_r = ModRM.rm register ← op ModRM.reg; m_r = memory ← op
 * reg; r_rm = reg ← op rm register; r_m = reg ← op memory; rm_i = rm register
 * (or the accumulator for the short forms, whose rm field is 0) ← op imm;
 * m_i = memory ← op imm. Memory forms read, compute, write, then record the
 * flags, so a fault leaves every register and flag unchanged. Flags are lazy
 * (flags.ts): ADD/SUB (CMP, NEG) record operands, AND/OR/XOR/TEST record LOGIC
 * (CF = OF = 0, AF = 0 — AF is undefined for logic ops, SDM Vol. 2 AND/OR/XOR/TEST).
 * 32-bit register writes zero-extend into the full register (SDM Vol. 1 §3.4.1.1).
 * The code follows one regular pattern per size; keep the four alu<size>.ts files in step.
 */
import type { Cpu } from '../cpu.ts';
import { ADD, DEC, INC, LOGIC, SUB, setIncDec, setLazy } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, setReg32 } from '../operands.ts';

export function add32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = (d + s) | 0;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, ADD, 32, v, 0, d, 0, s, 0);
}
export function add32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = (d + s) | 0;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, ADD, 32, v, 0, d, 0, s, 0);
}
export function add32_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg], s = cpu.r[2 * i.rm], v = (d + s) | 0;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, ADD, 32, v, 0, d, 0, s, 0);
}
export function add32_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read32(la), d = cpu.r[2 * i.reg], v = (d + s) | 0;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, ADD, 32, v, 0, d, 0, s, 0);
}
export function add32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = (d + s) | 0;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, ADD, 32, v, 0, d, 0, s, 0);
}
export function add32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = (d + s) | 0;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, ADD, 32, v, 0, d, 0, s, 0);
}
export function or32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = d | s;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function or32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = d | s;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function or32_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg], s = cpu.r[2 * i.rm], v = d | s;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function or32_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read32(la), d = cpu.r[2 * i.reg], v = d | s;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function or32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = d | s;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function or32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = d | s;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function and32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = d & s;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function and32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = d & s;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function and32_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg], s = cpu.r[2 * i.rm], v = d & s;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function and32_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read32(la), d = cpu.r[2 * i.reg], v = d & s;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function and32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = d & s;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function and32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = d & s;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function sub32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = (d - s) | 0;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function sub32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = (d - s) | 0;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function sub32_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg], s = cpu.r[2 * i.rm], v = (d - s) | 0;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function sub32_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read32(la), d = cpu.r[2 * i.reg], v = (d - s) | 0;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function sub32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = (d - s) | 0;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function sub32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = (d - s) | 0;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function xor32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = d ^ s;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function xor32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = d ^ s;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function xor32_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg], s = cpu.r[2 * i.rm], v = d ^ s;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function xor32_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read32(la), d = cpu.r[2 * i.reg], v = d ^ s;
  setReg32(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function xor32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = d ^ s;
  setReg32(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function xor32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = d ^ s;
  cpu.mmu.write32(la, v);
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function cmp32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = (d - s) | 0;
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function cmp32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = (d - s) | 0;
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function cmp32_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg], s = cpu.r[2 * i.rm], v = (d - s) | 0;
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function cmp32_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read32(la), d = cpu.r[2 * i.reg], v = (d - s) | 0;
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function cmp32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = (d - s) | 0;
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function cmp32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = (d - s) | 0;
  setLazy(cpu.fl, SUB, 32, v, 0, d, 0, s, 0);
}
export function test32_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = cpu.r[2 * i.reg], v = d & s;
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function test32_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = cpu.r[2 * i.reg], v = d & s;
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function test32_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], s = i.imm, v = d & s;
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function test32_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), s = i.imm, v = d & s;
  setLazy(cpu.fl, LOGIC, 32, v, 0, 0, 0, 0, 0);
}
export function inc32_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], v = (d + 1) | 0;
  setReg32(cpu, i.rm, v);
  setIncDec(cpu.fl, INC, 32, v, 0, d, 0);
}
export function inc32_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), v = (d + 1) | 0;
  cpu.mmu.write32(la, v);
  setIncDec(cpu.fl, INC, 32, v, 0, d, 0);
}
export function dec32_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm], v = (d - 1) | 0;
  setReg32(cpu, i.rm, v);
  setIncDec(cpu.fl, DEC, 32, v, 0, d, 0);
}
export function dec32_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read32(la), v = (d - 1) | 0;
  cpu.mmu.write32(la, v);
  setIncDec(cpu.fl, DEC, 32, v, 0, d, 0);
}

/**
 * [op * 6 + form]: op 0–7 in the ALU encoding order (add or adc sbb and sub xor cmp) and 8 = test;
 * form 0 rm_r, 1 m_r, 2 r_rm, 3 r_m, 4 rm_i, 5 m_i. ADC/SBB are generic (alu.ts).
 */
export const ALU32: readonly (Handler | undefined)[] = [
  add32_rm_r, add32_m_r, add32_r_rm, add32_r_m, add32_rm_i, add32_m_i, // add
  or32_rm_r, or32_m_r, or32_r_rm, or32_r_m, or32_rm_i, or32_m_i, // or
  undefined, undefined, undefined, undefined, undefined, undefined, // adc (alu.ts)
  undefined, undefined, undefined, undefined, undefined, undefined, // sbb (alu.ts)
  and32_rm_r, and32_m_r, and32_r_rm, and32_r_m, and32_rm_i, and32_m_i, // and
  sub32_rm_r, sub32_m_r, sub32_r_rm, sub32_r_m, sub32_rm_i, sub32_m_i, // sub
  xor32_rm_r, xor32_m_r, xor32_r_rm, xor32_r_m, xor32_rm_i, xor32_m_i, // xor
  cmp32_rm_r, cmp32_m_r, cmp32_r_rm, cmp32_r_m, cmp32_rm_i, cmp32_m_i, // cmp
  test32_rm_r, test32_m_r, undefined, undefined, test32_rm_i, test32_m_i, // test
];
/** [op]: inc_r, inc_m, dec_r, dec_m. */
export const INCDEC32: readonly Handler[] = [inc32_r, inc32_m, dec32_r, dec32_m];
