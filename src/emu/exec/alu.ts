/**
 * Instruction family: the integer ALU — ADD OR ADC SBB AND SUB XOR CMP in all
 * encodings (00–3D, grp1 80/81/83), TEST (84/85, A8/A9, F6/F7 /0 /1), NOT/NEG
 * (F6/F7 /2 /3), INC/DEC (FE/FF /0 /1), CMPXCHG (0F B0/B1), XADD (0F C0/C1).
 * `bind` picks a handler by operation, size and form at decode time; the hot
 * ones live in alu8/16/32/64.ts, the rare ones (ADC/SBB, NOT/NEG, CMPXCHG,
 * XADD) are below with a runtime operand size.
 *
 * LOCK (SDM Vol. 2 LOCK): allowed only on ADD ADC AND OR SBB SUB XOR NOT NEG
 * INC DEC CMPXCHG XADD (and BTS/BTR/BTC, XCHG elsewhere) with a memory destination;
 * any other use is #UD. With one CPU, the locked RMW is atomic trivially.
 */
import type { Cpu } from '../cpu.ts';
import { ADD, SUB, getCF, setArithFlags, setLazy, szpOf } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { FLAG_AF, FLAG_CF, FLAG_OF } from '../regs.ts';
import { ALU16, INCDEC16 } from './alu16.ts';
import { ALU32, INCDEC32 } from './alu32.ts';
import { ALU64, INCDEC64 } from './alu64.ts';
import { ALU8, INCDEC8 } from './alu8.ts';
import { eIsReg, eLa, immOf, opSize, readE, readEForUpdate, readG, readReg, writeE, writeG, writeReg } from './rmw.ts';

const F_RM_R = 0, F_M_R = 1, F_R_RM = 2, F_R_M = 3, F_RM_I = 4, F_M_I = 5;
const OP_ADC = 2, OP_SBB = 3, OP_CMP = 7, OP_TEST = 8;

function table(size: number): readonly (Handler | undefined)[] {
  return size === 1 ? ALU8 : size === 2 ? ALU16 : size === 4 ? ALU32 : ALU64;
}
function incdecTable(size: number): readonly Handler[] {
  return size === 1 ? INCDEC8 : size === 2 ? INCDEC16 : size === 4 ? INCDEC32 : INCDEC64;
}

export function bind(i: Insn): Handler | undefined {
  const op = i.op;
  if (i.map === 1) {
    if (i.lock && i.regForm) return undefined;
    if (op === 0xb0 || op === 0xb1) return cmpxchg;
    if (op === 0xc0 || op === 0xc1) return xadd;
    return undefined;
  }
  const size = opSize(i);
  if (op < 0x40) {
    const k = op >> 3, enc = op & 7;
    if (enc >= 6) return undefined;
    // Only "E, G" forms with a memory destination may be locked, and not CMP.
    if (i.lock && (enc > 1 || i.regForm || k === OP_CMP)) return undefined;
    const form = enc <= 1 ? (i.regForm ? F_RM_R : F_M_R) : enc <= 3 ? (i.regForm ? F_R_RM : F_R_M) : F_RM_I;
    return aluHandler(k, size, form);
  }
  switch (op) {
    case 0x80: case 0x81: case 0x83:
      if (i.lock && (i.regForm || i.digit === OP_CMP)) return undefined;
      return aluHandler(i.digit, size, i.regForm ? F_RM_I : F_M_I);
    case 0x84: case 0x85:
      return i.lock ? undefined : aluHandler(OP_TEST, size, i.regForm ? F_RM_R : F_M_R);
    case 0xa8: case 0xa9:
      return i.lock ? undefined : aluHandler(OP_TEST, size, F_RM_I);
    case 0xf6: case 0xf7:
      if (i.digit <= 1) return i.lock ? undefined : aluHandler(OP_TEST, size, i.regForm ? F_RM_I : F_M_I);
      if (i.lock && i.regForm) return undefined;
      return i.digit === 2 ? not : i.digit === 3 ? neg : undefined;
    case 0xfe: case 0xff:
      if (i.digit > 1 || (i.lock && i.regForm)) return undefined;
      return incdecTable(size)[i.digit * 2 + (i.regForm ? 0 : 1)];
  }
  return undefined;
}

function aluHandler(k: number, size: number, form: number): Handler | undefined {
  if (k === OP_ADC || k === OP_SBB) {
    const sub = k === OP_SBB;
    if (form === F_RM_R || form === F_M_R) return sub ? sbbEG : adcEG;
    if (form === F_R_RM || form === F_R_M) return sub ? sbbGE : adcGE;
    return sub ? sbbEI : adcEI;
  }
  return table(size)[k * 6 + form];
}

// ---- ADC / SBB (SDM Vol. 2 ADC, SBB): eager flags; CF and OF include the carry-in.

let resHi = 0;
let resFlags = 0;

/**
 * dst + src + c (sub = false) or dst − (src + c) (sub = true) at `size` bytes.
 * Returns the low half; the high half is in resHi, the six flags in resFlags.
 */
function carryArith(size: number, sub: boolean, dl: number, dh: number, sl: number, sh: number, c: number): number {
  let lo: number, hi = 0, cf: boolean, of: boolean;
  if (size === 8) {
    const a = (dl >>> 0) + (sub ? -(sl >>> 0) - c : (sl >>> 0) + c);
    const k = a < 0 ? -1 : a > 0xffffffff ? 1 : 0; // carry/borrow out of the low half
    lo = a | 0;
    const b = (dh >>> 0) + (sub ? -(sh >>> 0) + k : (sh >>> 0) + k);
    hi = b | 0;
    cf = sub ? b < 0 : b > 0xffffffff;
    of = ((sub ? (dh ^ sh) & (dh ^ hi) : (dh ^ hi) & (sh ^ hi)) & 0x80000000) !== 0;
  } else {
    const bits = size * 8, sign = size === 4 ? 0x80000000 : 1 << (bits - 1);
    const d = size === 4 ? dl >>> 0 : dl, s = size === 4 ? sl >>> 0 : sl;
    const a = sub ? d - s - c : d + s + c;
    lo = size === 4 ? a | 0 : a & (size === 2 ? 0xffff : 0xff);
    cf = sub ? a < 0 : a > (size === 4 ? 0xffffffff : sign * 2 - 1);
    of = ((sub ? (d ^ s) & (d ^ lo) : (d ^ lo) & (s ^ lo)) & sign) !== 0;
  }
  resHi = hi;
  resFlags = szpOf(size * 8, lo, hi) | (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0) | ((dl ^ sl ^ lo) & FLAG_AF);
  return lo;
}

function carryOp(cpu: Cpu, i: Insn, sub: boolean, form: number): void {
  const size = opSize(i);
  const la = eLa(cpu, i);
  let dl: number, dh: number, sl: number, sh: number;
  if (form === F_R_RM) {
    sl = readE(cpu, i, size, la);
    sh = cpu.mmu.hi;
    dl = readG(cpu, i, size);
    dh = cpu.mmu.hi;
  } else {
    dl = readEForUpdate(cpu, i, size, la);
    dh = cpu.mmu.hi;
    if (form === F_RM_I) {
      sl = immOf(i, size);
      sh = i.immHi;
    } else {
      sl = readG(cpu, i, size);
      sh = cpu.mmu.hi;
    }
  }
  const lo = carryArith(size, sub, dl, dh, sl, sh, getCF(cpu.fl) ? 1 : 0);
  if (form === F_R_RM) writeG(cpu, i, size, lo, resHi);
  else writeE(cpu, i, size, la, lo, resHi);
  setArithFlags(cpu.fl, resFlags);
}

// Forms: E,G (memory or register destination), G,E, and E,imm (incl. AL/rAX,imm).
const adcEG: Handler = (cpu, i) => carryOp(cpu, i, false, F_RM_R);
const adcGE: Handler = (cpu, i) => carryOp(cpu, i, false, F_R_RM);
const adcEI: Handler = (cpu, i) => carryOp(cpu, i, false, F_RM_I);
const sbbEG: Handler = (cpu, i) => carryOp(cpu, i, true, F_RM_R);
const sbbGE: Handler = (cpu, i) => carryOp(cpu, i, true, F_R_RM);
const sbbEI: Handler = (cpu, i) => carryOp(cpu, i, true, F_RM_I);

// ---- NOT / NEG (F6/F7 /2 /3)

/** NOT (SDM Vol. 2 NOT): no flags affected. */
function not(cpu: Cpu, i: Insn): void {
  const size = opSize(i), la = eLa(cpu, i);
  const lo = readEForUpdate(cpu, i, size, la), hi = cpu.mmu.hi;
  writeE(cpu, i, size, la, size === 1 ? ~lo & 0xff : size === 2 ? ~lo & 0xffff : ~lo, ~hi);
}

/** NEG (SDM Vol. 2 NEG): 0 − dst; CF = (dst ≠ 0), the rest as SUB — recorded as a lazy SUB with dst 0. */
function neg(cpu: Cpu, i: Insn): void {
  const size = opSize(i), la = eLa(cpu, i);
  const sl = readEForUpdate(cpu, i, size, la), sh = size === 8 ? cpu.mmu.hi : 0;
  const lo = size === 1 ? -sl & 0xff : size === 2 ? -sl & 0xffff : -sl | 0;
  const hi = size === 8 ? (-sh - (sl !== 0 ? 1 : 0)) | 0 : 0;
  writeE(cpu, i, size, la, lo, hi);
  setLazy(cpu.fl, SUB, size * 8, lo, hi, 0, 0, sl, sh);
}

// ---- CMPXCHG / XADD

/** dst − src at `size` (for the lazy SUB record); high half in resHi. */
function subSized(size: number, dl: number, dh: number, sl: number, sh: number): number {
  if (size === 8) {
    resHi = (dh - sh - (dl >>> 0 < sl >>> 0 ? 1 : 0)) | 0;
    return (dl - sl) | 0;
  }
  resHi = 0;
  return size === 1 ? (dl - sl) & 0xff : size === 2 ? (dl - sl) & 0xffff : (dl - sl) | 0;
}
function addSized(size: number, dl: number, dh: number, sl: number, sh: number): number {
  const lo = size === 1 ? (dl + sl) & 0xff : size === 2 ? (dl + sl) & 0xffff : (dl + sl) | 0;
  resHi = size === 8 ? (dh + sh + (lo >>> 0 < dl >>> 0 ? 1 : 0)) | 0 : 0;
  return lo;
}

/**
 * CMPXCHG (SDM Vol. 2 CMPXCHG): compare the accumulator with DEST (flags as
 * CMP acc, DEST). Equal: ZF = 1, DEST ← SRC (the accumulator is not written).
 * Not equal: ZF = 0, acc ← DEST. A memory DEST always sees a write cycle (a
 * read-only page faults even when the compare fails); a register DEST is
 * left untouched on failure — a 32-bit one is not zero-extended, although
 * the SDM's pseudo-code reads "DEST := TEMP". That is what the real CPU does
 * (found by the differential test on AMD; FEX, VEX and remill model it so too).
 */
function cmpxchg(cpu: Cpu, i: Insn): void {
  const size = opSize(i), la = eLa(cpu, i);
  const dl = readEForUpdate(cpu, i, size, la), dh = size === 8 ? cpu.mmu.hi : 0;
  const al = readReg(cpu, size, 0), ah = size === 8 ? cpu.mmu.hi : 0;
  const sl = readG(cpu, i, size), sh = size === 8 ? cpu.mmu.hi : 0;
  if (dl === al && dh === ah) {
    writeE(cpu, i, size, la, sl, sh);
  } else {
    if (!eIsReg(i)) writeE(cpu, i, size, la, dl, dh);
    writeReg(cpu, size, 0, dl, dh);
  }
  const lo = subSized(size, al, ah, dl, dh);
  setLazy(cpu.fl, SUB, size * 8, lo, resHi, al, ah, dl, dh);
}

/** XADD (SDM Vol. 2 XADD): TEMP ← SRC + DEST; SRC ← DEST; DEST ← TEMP; flags as ADD. */
function xadd(cpu: Cpu, i: Insn): void {
  const size = opSize(i), la = eLa(cpu, i);
  const dl = readEForUpdate(cpu, i, size, la), dh = size === 8 ? cpu.mmu.hi : 0;
  const sl = readG(cpu, i, size), sh = size === 8 ? cpu.mmu.hi : 0;
  const lo = addSized(size, dl, dh, sl, sh), hi = resHi;
  if (eIsReg(i)) {
    writeG(cpu, i, size, dl, dh);
    writeE(cpu, i, size, la, lo, hi);
  } else {
    writeE(cpu, i, size, la, lo, hi); // the store may fault: registers change only after it
    writeG(cpu, i, size, dl, dh);
  }
  setLazy(cpu.fl, ADD, size * 8, lo, hi, dl, dh, sl, sh);
}
