/**
 * Native translations of the hot integer instructions, each mirroring its
 * interpreter handler (exec/alu32.ts, alu64.ts, mov.ts, movx.ts, lea.ts,
 * cmov.ts, shift.ts, muldiv.ts, stack.ts) value for value, with the same
 * order of effects: every access that can fault happens before any register
 * or flag local changes, so a fault leaves the locals as they were before the
 * instruction (compile.ts writes them back and rethrows).
 */
import { ADD, DEC, INC, LOGIC, SUB } from '../flags.ts';
import type { Insn } from '../insn.ts';
import { ARITH_FLAGS, FLAG_CF, FLAG_OF, FLAG_PF } from '../regs.ts';
import { K_ALU, K_CMOV, K_IMUL, K_INCDEC, K_LEA, K_MOV, K_MOVX, K_NEG, K_NOP, K_NOT, K_POP, K_PUSH, K_SETCC, K_SHIFT, aluForm } from './classify.ts';
import { condExpr, recordIncDec, recordLazy } from './emit-flags.ts';
import { emitEa, emitLoad, emitOffsetHalves, emitStackAddr, emitStore, setRsp } from './emit-mem.ts';
import type { Gen } from './gen.ts';
import { shiftCount } from './liveness.ts';
import type { RegionInsn } from './region.ts';

const OP_ADD = 0, OP_OR = 1, OP_AND = 4, OP_SUB = 5, OP_XOR = 6, OP_CMP = 7, OP_TEST = 8;
const F_M_R = 1, F_R_RM = 2, F_R_M = 3, F_RM_I = 4, F_M_I = 5;

/**
 * Emit a natively translated instruction; returns false if it has no native
 * form. Flag records are written as the interpreter makes them, except
 * those liveness.ts found dead (`g.deadFlags`), which are left out.
 */
export function emitNative(g: Gen, r: RegionInsn): boolean {
  const i = r.i, next = r.la + i.len;
  switch (r.kind) {
    case K_ALU: return emitAlu(g, i, next);
    case K_INCDEC: return emitIncDec(g, i, next);
    case K_NEG: case K_NOT: return emitNegNot(g, i, next, r.kind === K_NEG);
    case K_MOV: return emitMov(g, i, next);
    case K_LEA: return emitLea(g, i, next);
    case K_MOVX: return emitMovx(g, i, next);
    case K_CMOV: return emitCmov(g, i, next);
    case K_SETCC: return emitSetcc(g, i, next);
    case K_PUSH: return emitPush(g, i);
    case K_POP: return emitPop(g, i);
    case K_SHIFT: return shiftCount(r) === 0 ? emitShiftZero(g, i) : emitShiftFlags(g, i, shiftCount(r));
    case K_NOP: return true;
    case K_IMUL: return emitImul32(g, i, next);
  }
  return false;
}

// ---------------------------------------------------------------- ALU
function aluValue(k: number, d: string, s: string): string {
  switch (k) {
    case OP_ADD: return `(${d} + ${s}) | 0`;
    case OP_OR: return `${d} | ${s}`;
    case OP_AND: case OP_TEST: return `${d} & ${s}`;
    case OP_XOR: return `${d} ^ ${s}`;
    default: return `(${d} - ${s}) | 0`; // sub, cmp
  }
}
function lazyOp(k: number): number {
  return k === OP_ADD ? ADD : k === OP_SUB || k === OP_CMP ? SUB : LOGIC;
}

function emitAlu(g: Gen, i: Insn, next: number): boolean {
  const f = aluForm(i)!;
  const { k, size, form } = f;
  const writes = k !== OP_CMP && k !== OP_TEST;
  const mem = form === F_M_R || form === F_R_M || form === F_M_I;
  const la = mem ? emitEa(g, i, next) : '';
  // Destination and source, as (lo, hi) expressions, read before anything is written.
  let dl: string, dh: string, sl: string, sh: string;
  if (size === 1) return emitAlu8(g, i, k, form, la);
  if (form === F_M_R || form === F_M_I) {
    [dl, dh] = emitLoad(g, size, la, writes);
  } else {
    const dr = form === F_R_RM || form === F_R_M ? i.reg : i.rm;
    dl = g.lo(dr);
    dh = g.hi(dr);
  }
  if (form === F_R_M) [sl, sh] = emitLoad(g, size, la);
  else if (form === F_RM_I || form === F_M_I) [sl, sh] = [`${i.imm}`, `${i.immHi}`];
  else {
    const sr = form === F_R_RM ? i.rm : i.reg;
    [sl, sh] = [g.lo(sr), g.hi(sr)];
  }
  const d = g.fresh('d'), dH = g.fresh('dh'), s = g.fresh('s'), sH = g.fresh('sh'), v = g.fresh('w'), vH = g.fresh('wh');
  g.emit(`const ${d} = ${dl}, ${s} = ${sl};`);
  const logic = lazyOp(k) === LOGIC;
  if (size === 4) {
    g.emit(`const ${v} = ${aluValue(k, d, s)};`);
  } else {
    g.emit(`const ${dH} = ${dh}, ${sH} = ${sh};`);
    if (k === OP_ADD) {
      g.emit(`const ${v} = (${d} + ${s}) | 0, ${vH} = (${dH} + ${sH} + ((${v} >>> 0) < (${d} >>> 0) ? 1 : 0)) | 0;`);
    } else if (k === OP_SUB || k === OP_CMP) {
      g.emit(`const ${v} = (${d} - ${s}) | 0, ${vH} = (${dH} - ${sH} - ((${d} >>> 0) < (${s} >>> 0) ? 1 : 0)) | 0;`);
    } else {
      g.emit(`const ${v} = ${aluValue(k, d, s)}, ${vH} = ${aluValue(k, dH, sH)};`);
    }
  }
  if (writes) {
    if (mem && form !== F_R_M) emitStore(g, size, la, v, vH);
    else {
      const dr = form === F_R_RM || form === F_R_M ? i.reg : i.rm;
      if (size === 4) g.set32(dr, v);
      else g.set64(dr, v, vH);
    }
  }
  if (size === 4) recordLazy(g, lazyOp(k), 32, v, '', logic ? '0' : d, '', logic ? '0' : s, '');
  else recordLazy(g, lazyOp(k), 64, v, vH, logic ? '0' : d, logic ? '0' : dH, logic ? '0' : s, logic ? '0' : sH);
  return true;
}

/** Byte ALU (exec/alu8.ts): operands and results are zero-extended bytes, recorded with size 8. */
function emitAlu8(g: Gen, i: Insn, k: number, form: number, la: string): boolean {
  const writes = k !== OP_CMP && k !== OP_TEST;
  let dl: string, sl: string;
  if (form === F_M_R || form === F_M_I) dl = emitLoad(g, 1, la, writes)[0];
  else dl = g.get8(form === F_R_RM || form === F_R_M ? i.reg8 : i.rm8);
  if (form === F_R_M) sl = emitLoad(g, 1, la)[0];
  else if (form === F_RM_I || form === F_M_I) sl = `${i.imm & 0xff}`;
  else sl = g.get8(form === F_R_RM ? i.rm8 : i.reg8);
  const d = g.fresh('d'), s = g.fresh('s'), v = g.fresh('w');
  g.emit(`const ${d} = ${dl}, ${s} = ${sl};`);
  g.emit(`const ${v} = ${k === OP_ADD || k === OP_SUB || k === OP_CMP ? `(${aluValue(k, d, s)}) & 255` : aluValue(k, d, s)};`);
  if (writes) {
    if (form === F_M_R || form === F_M_I) emitStore(g, 1, la, v);
    else g.set8(form === F_R_RM || form === F_R_M ? i.reg8 : i.rm8, v);
  }
  const logic = lazyOp(k) === LOGIC;
  recordLazy(g, lazyOp(k), 8, v, '', logic ? '0' : d, '', logic ? '0' : s, '');
  return true;
}

function emitIncDec(g: Gen, i: Insn, next: number): boolean {
  const { k, size, form } = aluForm(i)!;
  const dec = k === 1;
  const mem = form === 1;
  const la = mem ? emitEa(g, i, next) : '';
  const [dl, dh] = mem ? emitLoad(g, size, la, true) : [g.lo(i.rm), g.hi(i.rm)];
  const d = g.fresh('d'), dH = g.fresh('dh'), v = g.fresh('w'), vH = g.fresh('wh');
  g.emit(`const ${d} = ${dl}, ${dH} = ${size === 8 ? dh : '0'};`);
  g.emit(`const ${v} = (${d} ${dec ? '-' : '+'} 1) | 0;`);
  if (size === 8) g.emit(`const ${vH} = ${dec ? `${d} === 0 ? (${dH} - 1) | 0` : `${v} === 0 ? (${dH} + 1) | 0`} : ${dH};`);
  else g.emit(`const ${vH} = 0;`);
  if (mem) emitStore(g, size, la, v, vH);
  else if (size === 4) g.set32(i.rm, v);
  else g.set64(i.rm, v, vH);
  recordIncDec(g, dec ? DEC : INC, size * 8, v, vH, d, dH);
  return true;
}

/** NEG/NOT r/m32, r/m64 (alu.ts neg/not): NEG records a lazy SUB from 0, NOT touches no flags. */
function emitNegNot(g: Gen, i: Insn, next: number, neg: boolean): boolean {
  const size = i.osz;
  const mem = !i.regForm;
  const la = mem ? emitEa(g, i, next) : '';
  const [sl, sh] = mem ? emitLoad(g, size, la, true) : [g.lo(i.rm), g.hi(i.rm)];
  const s = g.fresh('d'), sH = g.fresh('dh'), v = g.fresh('w'), vH = g.fresh('wh');
  g.emit(`const ${s} = ${sl}, ${sH} = ${size === 8 ? sh : '0'};`);
  if (neg) g.emit(`const ${v} = -${s} | 0, ${vH} = ${size === 8 ? `(-${sH} - (${s} !== 0 ? 1 : 0)) | 0` : '0'};`);
  else g.emit(`const ${v} = ~${s}, ${vH} = ${size === 8 ? `~${sH}` : '0'};`);
  if (mem) emitStore(g, size, la, v, vH);
  else if (size === 4) g.set32(i.rm, v);
  else g.set64(i.rm, v, vH);
  if (neg) {
    if (size === 4) recordLazy(g, SUB, 32, v, '', '0', '', s, '');
    else recordLazy(g, SUB, 64, v, vH, '0', '0', s, sH);
  }
  return true;
}

/**
 * IMUL r32, r/m32 (0F AF) and IMUL r32, r/m32, imm (69, 6B) (muldiv.ts
 * imul32): the truncated product; CF = OF = it did not fit; SF = ZF = AF = 0
 * and PF kept, as the host does.
 */
function emitImul32(g: Gen, i: Insn, next: number): boolean {
  const three = i.map === 0;
  const src = i.regForm ? g.lo(i.rm) : emitLoad(g, 4, emitEa(g, i, next))[0];
  const a = g.fresh('a'), b = g.fresh('b'), v = g.fresh('w');
  g.emit(`const ${a} = ${three ? src : g.lo(i.reg)}, ${b} = ${three ? `${i.imm}` : src}, ${v} = Math.imul(${a}, ${b});`);
  if (!g.deadFlags) {
    g.emit(`fe = ((fo === 0 ? fe : K.PARITY[fr & 255]) & ${FLAG_PF}) | (${a} * ${b} !== ${v} ? ${FLAG_CF | FLAG_OF} : 0); fo = 0;`);
  }
  g.known = null;
  g.set32(i.reg, v);
  return true;
}

// ---------------------------------------------------------------- moves
function emitMov(g: Gen, i: Insn, next: number): boolean {
  const op = i.op, size = op === 0x88 || op === 0x8a || op === 0xc6 ? 1 : i.osz;
  if (op >= 0xb8 && op <= 0xbf) { // B8+r: imm32 zero-extended, or imm64
    if (size === 4) g.set32(i.opReg, `${i.imm}`);
    else g.set64(i.opReg, `${i.imm}`, `${i.immHi}`);
    return true;
  }
  if (op === 0x8a || op === 0x8b) { // reg ← r/m
    let lo: string, hi: string;
    if (i.regForm) [lo, hi] = size === 1 ? [g.get8(i.rm8), '0'] : [g.lo(i.rm), g.hi(i.rm)];
    else [lo, hi] = emitLoad(g, size, emitEa(g, i, next));
    if (size === 1) g.set8(i.reg8, lo);
    else if (size === 4) g.set32(i.reg, lo);
    else if (size === 8) g.set64(i.reg, lo, hi);
    else return false;
    return true;
  }
  // r/m ← reg (88/89) or imm (C6/C7)
  const imm = op === 0xc6 || op === 0xc7;
  let lo: string, hi: string;
  if (imm) [lo, hi] = size === 1 ? [`${i.imm & 0xff}`, '0'] : [`${i.imm}`, `${i.imm >> 31}`];
  else [lo, hi] = size === 1 ? [g.get8(i.reg8), '0'] : [g.lo(i.reg), g.hi(i.reg)];
  if (size === 2) return false;
  if (!i.regForm) {
    const v = g.fresh('m'), vh = g.fresh('mh');
    g.emit(`const ${v} = ${lo}, ${vh} = ${hi};`);
    emitStore(g, size, emitEa(g, i, next), v, vh);
  } else if (size === 1) g.set8(i.rm8, lo);
  else if (size === 4) g.set32(i.rm, lo);
  else g.set64(i.rm, lo, hi);
  return true;
}

function emitLea(g: Gen, i: Insn, next: number): boolean {
  if (i.ripRel) {
    const t = next + i.disp;
    if (i.osz === 4) g.set32(i.reg, `${t | 0}`);
    else g.set64(i.reg, `${t | 0}`, `${Math.floor(t / 4294967296) | 0}`);
    return true;
  }
  const b = i.base, x = i.index;
  if (i.osz === 4) {
    const parts = [`${i.disp}`];
    if (b >= 0) parts.push(g.lo(b));
    if (x >= 0) parts.push(`(${g.lo(x)} << ${i.scale})`);
    g.set32(i.reg, `(${parts.join(' + ')}) | 0`);
    return true;
  }
  // 64-bit: base + index·scale + disp modulo 2^64 in halves.
  const [lo, hi] = emitOffsetHalves(g, i, 'a', 'ah');
  g.set64(i.reg, lo, hi);
  return true;
}

function emitMovx(g: Gen, i: Insn, next: number): boolean {
  const op = i.op;
  if (i.map === 0) { // 63 MOVSXD r64, r/m32
    const v = i.regForm ? g.lo(i.rm) : emitLoad(g, 4, emitEa(g, i, next))[0];
    const t = g.fresh('x');
    g.emit(`const ${t} = ${v};`);
    g.set64(i.reg, t, `${t} >> 31`);
    return true;
  }
  const byte = op === 0xb6 || op === 0xbe, signed = op === 0xbe || op === 0xbf;
  let v: string;
  if (i.regForm) v = byte ? g.get8(i.rm8) : `(${g.lo(i.rm)} & 65535)`;
  else v = emitLoad(g, byte ? 1 : 2, emitEa(g, i, next))[0];
  const t = g.fresh('x');
  g.emit(`const ${t} = ${signed ? (byte ? `(${v} << 24) >> 24` : `(${v} << 16) >> 16`) : v};`);
  if (signed && i.osz === 8) g.set64(i.reg, t, `${t} >> 31`);
  else g.set32(i.reg, t);
  return true;
}

function emitCmov(g: Gen, i: Insn, next: number): boolean {
  const [sl, sh] = i.regForm ? [g.lo(i.rm), g.hi(i.rm)] : emitLoad(g, i.osz, emitEa(g, i, next));
  const c = condExpr(g, i.op & 15);
  if (i.osz === 4) {
    const t = g.fresh('x');
    g.emit(`const ${t} = ${sl};`);
    g.emit(`if (${c}) ${g.lo(i.reg)} = ${t}; ${g.hi(i.reg)} = 0;`);
  } else {
    const t = g.fresh('x'), th = g.fresh('xh');
    g.emit(`const ${t} = ${sl}, ${th} = ${sh};`);
    g.emit(`if (${c}) { ${g.lo(i.reg)} = ${t}; ${g.hi(i.reg)} = ${th}; }`);
  }
  return true;
}

function emitSetcc(g: Gen, i: Insn, next: number): boolean {
  const v = `(${condExpr(g, i.op & 15)} ? 1 : 0)`;
  if (i.regForm) {
    g.set8(i.rm8, v);
    return true;
  }
  const t = g.fresh('x');
  const la = emitEa(g, i, next);
  g.emit(`const ${t} = ${v};`);
  emitStore(g, 1, la, t);
  return true;
}

// ---------------------------------------------------------------- stack
function emitPush(g: Gen, i: Insn): boolean {
  const n = i.opReg, v = g.fresh('x'), vh = g.fresh('xh');
  g.emit(`const ${v} = ${g.lo(n)}, ${vh} = ${g.hi(n)};`); // PUSH RSP pushes the old value
  const sp = emitStackAddr(g, -8);
  emitStore(g, 8, sp, v, vh);
  setRsp(g, sp);
  return true;
}

function emitPop(g: Gen, i: Insn): boolean {
  const sp = emitStackAddr(g, 0);
  const [lo, hi] = emitLoad(g, 8, sp);
  setRsp(g, sp, 8);
  g.set64(i.opReg, lo, hi); // POP RSP: the popped value wins
  return true;
}

/** Push a 64-bit constant (CALL's return address). */
export function emitPushConst(g: Gen, value: number): void {
  const sp = emitStackAddr(g, -8);
  emitStore(g, 8, sp, `${value | 0}`, `${Math.floor(value / 4294967296) | 0}`);
  setRsp(g, sp);
}

/** RET: pop the target (canonical, else #GP with nothing changed); returns the name holding it. */
export function emitRet(g: Gen): string {
  const t = g.fresh('rt');
  const sp = emitStackAddr(g, 0);
  const [lo, hi] = emitLoad(g, 8, sp);
  g.emit(`if (((${hi} << 16) >> 16) !== ${hi}) throw new GF(13, 0);`);
  g.emit(`const ${t} = ${hi} * 4294967296 + (${lo} >>> 0);`);
  setRsp(g, sp, 8);
  return t;
}

// ---------------------------------------------------------------- flag-free forms
/** SHL/SHR/SAR by a masked count of 0: no flags change; a 32-bit register is still zero-extended (shift.ts). */
function emitShiftZero(g: Gen, i: Insn): boolean {
  if (i.osz === 4) g.emit(`${g.hi(i.rm)} = 0;`);
  return true;
}

/** SHL/SHR/SAR reg by a constant 1–63: the interpreter's cores, flags stored eagerly (setArithFlags). */
function emitShiftFlags(g: Gen, i: Insn, n: number): boolean {
  const kind = i.digit === 5 ? 'shr' : i.digit === 7 ? 'sar' : 'shl';
  const x = i.rm;
  if (g.deadFlags) return emitShiftValue(g, i, kind, n);
  if (i.osz === 4) g.set32(x, `K.${kind}32(${g.lo(x)}, ${n})`);
  else {
    const v = g.fresh('s');
    g.emit(`const ${v} = K.${kind}64(${g.lo(x)}, ${g.hi(x)}, ${n});`);
    g.set64(x, v, 'K.hi()');
  }
  g.emit(`fo = 0; fe = K.flags() & ${ARITH_FLAGS};`);
  g.known = null;
  return true;
}

/** The value of SHL/SHR/SAR reg by a constant 1–63 alone (its flags are dead): shiftcore.ts inline. */
function emitShiftValue(g: Gen, i: Insn, kind: string, n: number): boolean {
  const x = i.rm, l = g.lo(x), h = g.hi(x);
  g.known = null;
  if (i.osz === 4) {
    g.set32(x, kind === 'shl' ? `${l} << ${n}` : kind === 'shr' ? `(${l} >>> ${n}) | 0` : `${l} >> ${n}`);
    return true;
  }
  let lo: string, hi: string;
  if (n < 32) {
    if (kind === 'shl') [lo, hi] = [`${l} << ${n}`, `(${h} << ${n}) | (${l} >>> ${32 - n})`];
    else [lo, hi] = [`(${l} >>> ${n}) | (${h} << ${32 - n})`, kind === 'shr' ? `(${h} >>> ${n}) | 0` : `${h} >> ${n}`];
  } else if (kind === 'shl') [lo, hi] = ['0', `${l} << ${n - 32}`];
  else [lo, hi] = [kind === 'shr' ? `(${h} >>> ${n - 32}) | 0` : `${h} >> ${n - 32}`, kind === 'shr' ? '0' : `${h} >> 31`];
  const a = g.fresh('s'), b = g.fresh('sh');
  g.emit(`const ${a} = ${lo}, ${b} = ${hi};`);
  g.set64(x, a, b);
  return true;
}
