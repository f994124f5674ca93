/**
 * Hot ALU handlers at 8-bit operand size (style.md src/emu §2, preamble rule 3): one
 * allocation-free function per (operation, form), chosen at bind time by
 * alu.ts. Forms: rm_r = ModRM.rm register ← op ModRM.reg; m_r = memory ← op
 * reg; r_rm = reg ← op rm register; r_m = reg ← op memory; rm_i = rm register
 * (or the accumulator for the short forms, whose rm field is 0) ← op imm;
 * m_i = memory ← op imm. Memory forms read, compute, write, then record the
 * flags, so a fault leaves every register and flag unchanged. Flags are lazy
 * (flags.ts): ADD/SUB (CMP, NEG) record operands, AND/OR/XOR/TEST record LOGIC
 * (CF = OF = 0, AF = 0 — AF is undefined for logic ops, SDM Vol. 2 AND/OR/XOR/TEST).
 * Byte registers go through getReg8/setReg8 (AH–BH without REX).
 * The code follows one regular pattern per size; keep the four alu<size>.ts files in step.
 */
import type { Cpu } from '../cpu.ts';
import { ADD, DEC, INC, LOGIC, SUB, setIncDec, setLazy } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, getReg8, setReg8 } from '../operands.ts';

export function add8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = (d + s) & 0xff;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, ADD, 8, v, 0, d, 0, s, 0);
}
export function add8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = (d + s) & 0xff;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, ADD, 8, v, 0, d, 0, s, 0);
}
export function add8_r_rm(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.reg8), s = getReg8(cpu, i.rm8), v = (d + s) & 0xff;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, ADD, 8, v, 0, d, 0, s, 0);
}
export function add8_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read8(la), d = getReg8(cpu, i.reg8), v = (d + s) & 0xff;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, ADD, 8, v, 0, d, 0, s, 0);
}
export function add8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = (d + s) & 0xff;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, ADD, 8, v, 0, d, 0, s, 0);
}
export function add8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = (d + s) & 0xff;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, ADD, 8, v, 0, d, 0, s, 0);
}
export function or8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = d | s;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function or8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = d | s;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function or8_r_rm(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.reg8), s = getReg8(cpu, i.rm8), v = d | s;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function or8_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read8(la), d = getReg8(cpu, i.reg8), v = d | s;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function or8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = d | s;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function or8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = d | s;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function and8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = d & s;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function and8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = d & s;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function and8_r_rm(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.reg8), s = getReg8(cpu, i.rm8), v = d & s;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function and8_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read8(la), d = getReg8(cpu, i.reg8), v = d & s;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function and8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = d & s;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function and8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = d & s;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function sub8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = (d - s) & 0xff;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function sub8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = (d - s) & 0xff;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function sub8_r_rm(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.reg8), s = getReg8(cpu, i.rm8), v = (d - s) & 0xff;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function sub8_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read8(la), d = getReg8(cpu, i.reg8), v = (d - s) & 0xff;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function sub8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = (d - s) & 0xff;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function sub8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = (d - s) & 0xff;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function xor8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = d ^ s;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function xor8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = d ^ s;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function xor8_r_rm(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.reg8), s = getReg8(cpu, i.rm8), v = d ^ s;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function xor8_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read8(la), d = getReg8(cpu, i.reg8), v = d ^ s;
  setReg8(cpu, i.reg8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function xor8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = d ^ s;
  setReg8(cpu, i.rm8, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function xor8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = d ^ s;
  cpu.mmu.write8(la, v);
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function cmp8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = (d - s) & 0xff;
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function cmp8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = (d - s) & 0xff;
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function cmp8_r_rm(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.reg8), s = getReg8(cpu, i.rm8), v = (d - s) & 0xff;
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function cmp8_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read8(la), d = getReg8(cpu, i.reg8), v = (d - s) & 0xff;
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function cmp8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = (d - s) & 0xff;
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function cmp8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = (d - s) & 0xff;
  setLazy(cpu.fl, SUB, 8, v, 0, d, 0, s, 0);
}
export function test8_rm_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = getReg8(cpu, i.reg8), v = d & s;
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function test8_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = getReg8(cpu, i.reg8), v = d & s;
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function test8_rm_i(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), s = i.imm & 0xff, v = d & s;
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function test8_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), s = i.imm & 0xff, v = d & s;
  setLazy(cpu.fl, LOGIC, 8, v, 0, 0, 0, 0, 0);
}
export function inc8_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), v = (d + 1) & 0xff;
  setReg8(cpu, i.rm8, v);
  setIncDec(cpu.fl, INC, 8, v, 0, d, 0);
}
export function inc8_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), v = (d + 1) & 0xff;
  cpu.mmu.write8(la, v);
  setIncDec(cpu.fl, INC, 8, v, 0, d, 0);
}
export function dec8_r(cpu: Cpu, i: Insn): void {
  const d = getReg8(cpu, i.rm8), v = (d - 1) & 0xff;
  setReg8(cpu, i.rm8, v);
  setIncDec(cpu.fl, DEC, 8, v, 0, d, 0);
}
export function dec8_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read8(la), v = (d - 1) & 0xff;
  cpu.mmu.write8(la, v);
  setIncDec(cpu.fl, DEC, 8, v, 0, d, 0);
}

/**
 * [op * 6 + form]: op 0–7 in the ALU encoding order (add or adc sbb and sub xor cmp) and 8 = test;
 * form 0 rm_r, 1 m_r, 2 r_rm, 3 r_m, 4 rm_i, 5 m_i. ADC/SBB are generic (alu.ts).
 */
export const ALU8: readonly (Handler | undefined)[] = [
  add8_rm_r, add8_m_r, add8_r_rm, add8_r_m, add8_rm_i, add8_m_i, // add
  or8_rm_r, or8_m_r, or8_r_rm, or8_r_m, or8_rm_i, or8_m_i, // or
  undefined, undefined, undefined, undefined, undefined, undefined, // adc (alu.ts)
  undefined, undefined, undefined, undefined, undefined, undefined, // sbb (alu.ts)
  and8_rm_r, and8_m_r, and8_r_rm, and8_r_m, and8_rm_i, and8_m_i, // and
  sub8_rm_r, sub8_m_r, sub8_r_rm, sub8_r_m, sub8_rm_i, sub8_m_i, // sub
  xor8_rm_r, xor8_m_r, xor8_r_rm, xor8_r_m, xor8_rm_i, xor8_m_i, // xor
  cmp8_rm_r, cmp8_m_r, cmp8_r_rm, cmp8_r_m, cmp8_rm_i, cmp8_m_i, // cmp
  test8_rm_r, test8_m_r, undefined, undefined, test8_rm_i, test8_m_i, // test
];
/** [op]: inc_r, inc_m, dec_r, dec_m. */
export const INCDEC8: readonly Handler[] = [inc8_r, inc8_m, dec8_r, dec8_m];
