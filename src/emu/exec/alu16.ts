/**
 * Hot ALU handlers at 16-bit operand size (style.md src/emu §2, preamble rule 3): one
 * allocation-free function per (operation, form), chosen at bind time by
 * alu.ts. Forms: rm_r = ModRM.rm register ← op ModRM.reg; m_r = memory ← op
 * reg; r_rm = reg ← op rm register; r_m = reg ← op memory; rm_i = rm register
 * (or the accumulator for the short forms, whose rm field is 0) ← op imm;
 * m_i = memory ← op imm. Memory forms read, compute, write, then record the
 * flags, so a fault leaves every register and flag unchanged. Flags are lazy
 * (flags.ts): ADD/SUB (CMP, NEG) record operands, AND/OR/XOR/TEST record LOGIC
 * (CF = OF = 0, AF = 0 — AF is undefined for logic ops, SDM Vol. 2 AND/OR/XOR/TEST).
 * 16-bit values are kept zero-extended; register writes merge into bits 15:0.
 * The code follows one regular pattern per size; keep the four alu<size>.ts files in step.
 */
import type { Cpu } from '../cpu.ts';
import { ADD, DEC, INC, LOGIC, SUB, setIncDec, setLazy } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, setReg16 } from '../operands.ts';

export function add16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = (d + s) & 0xffff;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, ADD, 16, v, 0, d, 0, s, 0);
}
export function add16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = (d + s) & 0xffff;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, ADD, 16, v, 0, d, 0, s, 0);
}
export function add16_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg] & 0xffff, s = cpu.r[2 * i.rm] & 0xffff, v = (d + s) & 0xffff;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, ADD, 16, v, 0, d, 0, s, 0);
}
export function add16_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read16(la), d = cpu.r[2 * i.reg] & 0xffff, v = (d + s) & 0xffff;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, ADD, 16, v, 0, d, 0, s, 0);
}
export function add16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = (d + s) & 0xffff;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, ADD, 16, v, 0, d, 0, s, 0);
}
export function add16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = (d + s) & 0xffff;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, ADD, 16, v, 0, d, 0, s, 0);
}
export function or16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = d | s;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function or16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = d | s;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function or16_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg] & 0xffff, s = cpu.r[2 * i.rm] & 0xffff, v = d | s;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function or16_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read16(la), d = cpu.r[2 * i.reg] & 0xffff, v = d | s;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function or16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = d | s;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function or16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = d | s;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function and16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = d & s;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function and16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = d & s;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function and16_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg] & 0xffff, s = cpu.r[2 * i.rm] & 0xffff, v = d & s;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function and16_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read16(la), d = cpu.r[2 * i.reg] & 0xffff, v = d & s;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function and16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = d & s;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function and16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = d & s;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function sub16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = (d - s) & 0xffff;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function sub16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = (d - s) & 0xffff;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function sub16_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg] & 0xffff, s = cpu.r[2 * i.rm] & 0xffff, v = (d - s) & 0xffff;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function sub16_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read16(la), d = cpu.r[2 * i.reg] & 0xffff, v = (d - s) & 0xffff;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function sub16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = (d - s) & 0xffff;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function sub16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = (d - s) & 0xffff;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function xor16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = d ^ s;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function xor16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = d ^ s;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function xor16_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg] & 0xffff, s = cpu.r[2 * i.rm] & 0xffff, v = d ^ s;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function xor16_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read16(la), d = cpu.r[2 * i.reg] & 0xffff, v = d ^ s;
  setReg16(cpu, i.reg, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function xor16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = d ^ s;
  setReg16(cpu, i.rm, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function xor16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = d ^ s;
  cpu.mmu.write16(la, v);
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function cmp16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = (d - s) & 0xffff;
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function cmp16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = (d - s) & 0xffff;
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function cmp16_r_rm(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.reg] & 0xffff, s = cpu.r[2 * i.rm] & 0xffff, v = (d - s) & 0xffff;
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function cmp16_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const s = cpu.mmu.read16(la), d = cpu.r[2 * i.reg] & 0xffff, v = (d - s) & 0xffff;
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function cmp16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = (d - s) & 0xffff;
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function cmp16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = (d - s) & 0xffff;
  setLazy(cpu.fl, SUB, 16, v, 0, d, 0, s, 0);
}
export function test16_rm_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = cpu.r[2 * i.reg] & 0xffff, v = d & s;
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function test16_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = cpu.r[2 * i.reg] & 0xffff, v = d & s;
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function test16_rm_i(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, s = i.imm & 0xffff, v = d & s;
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function test16_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), s = i.imm & 0xffff, v = d & s;
  setLazy(cpu.fl, LOGIC, 16, v, 0, 0, 0, 0, 0);
}
export function inc16_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, v = (d + 1) & 0xffff;
  setReg16(cpu, i.rm, v);
  setIncDec(cpu.fl, INC, 16, v, 0, d, 0);
}
export function inc16_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), v = (d + 1) & 0xffff;
  cpu.mmu.write16(la, v);
  setIncDec(cpu.fl, INC, 16, v, 0, d, 0);
}
export function dec16_r(cpu: Cpu, i: Insn): void {
  const d = cpu.r[2 * i.rm] & 0xffff, v = (d - 1) & 0xffff;
  setReg16(cpu, i.rm, v);
  setIncDec(cpu.fl, DEC, 16, v, 0, d, 0);
}
export function dec16_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const d = cpu.mmu.read16(la), v = (d - 1) & 0xffff;
  cpu.mmu.write16(la, v);
  setIncDec(cpu.fl, DEC, 16, v, 0, d, 0);
}

/**
 * [op * 6 + form]: op 0–7 in the ALU encoding order (add or adc sbb and sub xor cmp) and 8 = test;
 * form 0 rm_r, 1 m_r, 2 r_rm, 3 r_m, 4 rm_i, 5 m_i. ADC/SBB are generic (alu.ts).
 */
export const ALU16: readonly (Handler | undefined)[] = [
  add16_rm_r, add16_m_r, add16_r_rm, add16_r_m, add16_rm_i, add16_m_i, // add
  or16_rm_r, or16_m_r, or16_r_rm, or16_r_m, or16_rm_i, or16_m_i, // or
  undefined, undefined, undefined, undefined, undefined, undefined, // adc (alu.ts)
  undefined, undefined, undefined, undefined, undefined, undefined, // sbb (alu.ts)
  and16_rm_r, and16_m_r, and16_r_rm, and16_r_m, and16_rm_i, and16_m_i, // and
  sub16_rm_r, sub16_m_r, sub16_r_rm, sub16_r_m, sub16_rm_i, sub16_m_i, // sub
  xor16_rm_r, xor16_m_r, xor16_r_rm, xor16_r_m, xor16_rm_i, xor16_m_i, // xor
  cmp16_rm_r, cmp16_m_r, cmp16_r_rm, cmp16_r_m, cmp16_rm_i, cmp16_m_i, // cmp
  test16_rm_r, test16_m_r, undefined, undefined, test16_rm_i, test16_m_i, // test
];
/** [op]: inc_r, inc_m, dec_r, dec_m. */
export const INCDEC16: readonly Handler[] = [inc16_r, inc16_m, dec16_r, dec16_m];
