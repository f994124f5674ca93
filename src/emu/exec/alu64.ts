/**
 * Hot ALU handlers at 64-bit operand size (style.md src/emu §2, preamble rule 3): one
 * allocation-free function per (operation, form), chosen at bind time by
 * alu.ts. Forms: rm_r = ModRM.rm register ← op ModRM.reg; m_r = memory ← op
 * reg; r_rm = reg ← op rm register; r_m = reg ← op memory; rm_i = rm register
 * (or the accumulator for the short forms, whose rm field is 0) ← op imm;
 * m_i = memory ← op imm. Memory forms read, compute, write, then record the
 * flags, so a fault leaves every register and flag unchanged. Flags are lazy
 * (flags.ts): ADD/SUB (CMP, NEG) record operands, AND/OR/XOR/TEST record LOGIC
 * (CF = OF = 0, AF = 0 — AF is undefined for logic ops, SDM Vol. 2 AND/OR/XOR/TEST).
 * Values are int32 halves; the carry/borrow into the high half is an unsigned compare of the low halves.
 * The code follows one regular pattern per size; keep the four alu<size>.ts files in step.
 */
import type { Cpu } from '../cpu.ts';
import { ADD, DEC, INC, LOGIC, SUB, setIncDec, setLazy } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea } from '../operands.ts';

export function add64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = (dl + sl) | 0;
  const vh = (dh + sh + (vl >>> 0 < dl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, ADD, 64, vl, vh, dl, dh, sl, sh);
}
export function add64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = (dl + sl) | 0;
  const vh = (dh + sh + (vl >>> 0 < dl >>> 0 ? 1 : 0)) | 0;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, ADD, 64, vl, vh, dl, dh, sl, sh);
}
export function add64_r_rm(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.reg, y = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = (dl + sl) | 0;
  const vh = (dh + sh + (vl >>> 0 < dl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, ADD, 64, vl, vh, dl, dh, sl, sh);
}
export function add64_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;
  const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];
  const vl = (dl + sl) | 0;
  const vh = (dh + sh + (vl >>> 0 < dl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, ADD, 64, vl, vh, dl, dh, sl, sh);
}
export function add64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = (dl + sl) | 0;
  const vh = (dh + sh + (vl >>> 0 < dl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, ADD, 64, vl, vh, dl, dh, sl, sh);
}
export function add64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = (dl + sl) | 0;
  const vh = (dh + sh + (vl >>> 0 < dl >>> 0 ? 1 : 0)) | 0;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, ADD, 64, vl, vh, dl, dh, sl, sh);
}
export function or64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl | sl, vh = dh | sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function or64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = dl | sl, vh = dh | sh;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function or64_r_rm(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.reg, y = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl | sl, vh = dh | sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function or64_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;
  const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];
  const vl = dl | sl, vh = dh | sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function or64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = dl | sl, vh = dh | sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function or64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = dl | sl, vh = dh | sh;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function and64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl & sl, vh = dh & sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function and64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = dl & sl, vh = dh & sh;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function and64_r_rm(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.reg, y = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl & sl, vh = dh & sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function and64_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;
  const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];
  const vl = dl & sl, vh = dh & sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function and64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = dl & sl, vh = dh & sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function and64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = dl & sl, vh = dh & sh;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function sub64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function sub64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function sub64_r_rm(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.reg, y = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function sub64_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;
  const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function sub64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function sub64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function xor64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl ^ sl, vh = dh ^ sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function xor64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = dl ^ sl, vh = dh ^ sh;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function xor64_r_rm(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.reg, y = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl ^ sl, vh = dh ^ sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function xor64_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;
  const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];
  const vl = dl ^ sl, vh = dh ^ sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function xor64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = dl ^ sl, vh = dh ^ sh;
  r[x] = vl;
  r[x + 1] = vh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function xor64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = dl ^ sl, vh = dh ^ sh;
  cpu.mmu.write64(la, vl, vh);
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function cmp64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function cmp64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function cmp64_r_rm(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.reg, y = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function cmp64_r_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;
  const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function cmp64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function cmp64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = (dl - sl) | 0;
  const vh = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
  setLazy(cpu.fl, SUB, 64, vl, vh, dl, dh, sl, sh);
}
export function test64_rm_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, y = 2 * i.reg;
  const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];
  const vl = dl & sl, vh = dh & sh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function test64_m_r(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];
  const vl = dl & sl, vh = dh & sh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function test64_rm_i(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm;
  const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;
  const vl = dl & sl, vh = dh & sh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function test64_m_i(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;
  const vl = dl & sl, vh = dh & sh;
  setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);
}
export function inc64_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, dl = r[x], dh = r[x + 1];
  const vl = (dl + 1) | 0, vh = vl === 0 ? (dh + 1) | 0 : dh;
  r[x] = vl;
  r[x + 1] = vh;
  setIncDec(cpu.fl, INC, 64, vl, vh, dl, dh);
}
export function inc64_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const vl = (dl + 1) | 0, vh = vl === 0 ? (dh + 1) | 0 : dh;
  cpu.mmu.write64(la, vl, vh);
  setIncDec(cpu.fl, INC, 64, vl, vh, dl, dh);
}
export function dec64_r(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.rm, dl = r[x], dh = r[x + 1];
  const vl = (dl - 1) | 0, vh = dl === 0 ? (dh - 1) | 0 : dh;
  r[x] = vl;
  r[x + 1] = vh;
  setIncDec(cpu.fl, DEC, 64, vl, vh, dl, dh);
}
export function dec64_m(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i);
  const dl = cpu.mmu.read64(la), dh = cpu.mmu.hi;
  const vl = (dl - 1) | 0, vh = dl === 0 ? (dh - 1) | 0 : dh;
  cpu.mmu.write64(la, vl, vh);
  setIncDec(cpu.fl, DEC, 64, vl, vh, dl, dh);
}

/**
 * [op * 6 + form]: op 0–7 in the ALU encoding order (add or adc sbb and sub xor cmp) and 8 = test;
 * form 0 rm_r, 1 m_r, 2 r_rm, 3 r_m, 4 rm_i, 5 m_i. ADC/SBB are generic (alu.ts).
 */
export const ALU64: readonly (Handler | undefined)[] = [
  add64_rm_r, add64_m_r, add64_r_rm, add64_r_m, add64_rm_i, add64_m_i, // add
  or64_rm_r, or64_m_r, or64_r_rm, or64_r_m, or64_rm_i, or64_m_i, // or
  undefined, undefined, undefined, undefined, undefined, undefined, // adc (alu.ts)
  undefined, undefined, undefined, undefined, undefined, undefined, // sbb (alu.ts)
  and64_rm_r, and64_m_r, and64_r_rm, and64_r_m, and64_rm_i, and64_m_i, // and
  sub64_rm_r, sub64_m_r, sub64_r_rm, sub64_r_m, sub64_rm_i, sub64_m_i, // sub
  xor64_rm_r, xor64_m_r, xor64_r_rm, xor64_r_m, xor64_rm_i, xor64_m_i, // xor
  cmp64_rm_r, cmp64_m_r, cmp64_r_rm, cmp64_r_m, cmp64_rm_i, cmp64_m_i, // cmp
  test64_rm_r, test64_m_r, undefined, undefined, test64_rm_i, test64_m_i, // test
];
/** [op]: inc_r, inc_m, dec_r, dec_m. */
export const INCDEC64: readonly Handler[] = [inc64_r, inc64_m, dec64_r, dec64_m];
