/**
 * Instruction-level x87 arithmetic on an X87State: operand fetch from the
 * stack, stack-underflow faults, the f80 core operation, and the commit rule
 * (flags into FSW, C1, result stored and stack popped unless an unmasked
 * exception suppressed the result). Intel SDM Vol. 1 8.5, Vol. 2 FADD…FDIVR.
 *
 * Decoder mapping: `op` is the ModRM reg field of the D8 forms and of the
 * memory forms (D8/DC/DA/DE /r): 0 ADD, 1 MUL, 4 SUB, 5 SUBR, 6 DIV, 7 DIVR.
 * The register forms DC /r and DE /r with destination ST(i) swap 4↔5 and
 * 6↔7 (DC E8+i is FSUB ST(i), ST(0)): pass op ^ 1 for those.
 */
import { type F80Ctx, C1, DENORMAL, INDEF_HI, INDEF_SE, NORMAL } from './f80.ts';
import { widenF32, widenF64 } from './f80-convert.ts';
import { intToF80 } from './f80-int.ts';
import { fadd, fmul, fsub } from './f80-arith.ts';
import { fdiv, fsqrt } from './f80-divsqrt.ts';
import type { X87State } from './x87-state.ts';

export const OP_ADD = 0, OP_MUL = 1, OP_SUB = 4, OP_SUBR = 5, OP_DIV = 6, OP_DIVR = 7;

/** c ← a op b for one of the OP_ codes (SUBR/DIVR: b − a, b ÷ a). */
export function arith(c: F80Ctx, op: number, aSe: number, aHi: number, aLo: number, bSe: number, bHi: number, bLo: number): void {
  switch (op) {
    case OP_ADD: return fadd(c, aSe, aHi, aLo, bSe, bHi, bLo);
    case OP_MUL: return fmul(c, aSe, aHi, aLo, bSe, bHi, bLo);
    case OP_SUB: return fsub(c, aSe, aHi, aLo, bSe, bHi, bLo);
    case OP_SUBR: return fsub(c, bSe, bHi, bLo, aSe, aHi, aLo);
    case OP_DIV: return fdiv(c, aSe, aHi, aLo, bSe, bHi, bLo);
    case OP_DIVR: return fdiv(c, bSe, bHi, bLo, aSe, aHi, aLo);
    default: throw new RangeError(`x87 arith op ${op}`);
  }
}

/**
 * Stack underflow on a source (SDM Vol. 1 8.5.1.1): IE + SF, C1 = 0. Masked,
 * ST(dst) gets the real indefinite and a popping form still pops; unmasked,
 * nothing changes. Returns true (the instruction is done) for convenience.
 */
export function underflow(s: X87State, dst: number, pop: boolean): true {
  if (!s.stackFault(0)) {
    s.setSt(dst, INDEF_SE, INDEF_HI, 0);
    if (pop) s.pop();
  }
  return true;
}

/**
 * Finish an operation whose result is in s.ctx: exception flags into FSW,
 * C1 from the operation (round-up), and, unless the operation suppressed its
 * result, ST(dst) ← result and an optional pop.
 */
export function commit(s: X87State, dst: number, pop: boolean): void {
  const c = s.ctx;
  s.fsw = (s.fsw & ~C1) | (c.flags & C1);
  s.signal(c.flags);
  if (!c.store) return;
  s.storeCtx(dst);
  if (pop) s.pop();
}

/** FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR ST(dst), ST(src) [and pop: the …P forms]. One of dst/src is 0. */
export function arithSt(s: X87State, op: number, dst: number, src: number, pop: boolean): void {
  if ((s.isEmpty(dst) || s.isEmpty(src)) && underflow(s, dst, pop)) return;
  const c = s.ctx, pd = s.phys(dst), ps = s.phys(src);
  c.cw = s.fcw;
  arith(c, op, s.se[pd], s.sig[2 * pd], s.sig[2 * pd + 1], s.se[ps], s.sig[2 * ps], s.sig[2 * ps + 1]);
  commit(s, dst, pop);
}

/**
 * ST(0) ← ST(0) op m for a memory operand already in s.ctx as 80 bits
 * (widenF32/widenF64/intToF80) whose source class was `srcClass`: a denormal
 * binary32/64 source raises #D as a denormal register operand would.
 */
export function arithMem(s: X87State, op: number, srcClass: number): void {
  const c = s.ctx, p = s.top;
  const se = c.se, hi = c.hi, lo = c.lo;
  if (s.isEmpty(0) && underflow(s, 0, false)) return;
  c.cw = s.fcw;
  c.memDenormal = srcClass === DENORMAL;
  arith(c, op, s.se[p], s.sig[2 * p], s.sig[2 * p + 1], se, hi, lo);
  c.memDenormal = false;
  commit(s, 0, false);
}

/** FADD/FMUL/FSUB/FSUBR/FDIV/FDIVR m32fp. */
export function arithM32(s: X87State, op: number, bits: number): void {
  arithMem(s, op, widenF32(s.ctx, bits));
}

/** … m64fp (hi:lo dwords). */
export function arithM64(s: X87State, op: number, hi: number, lo: number): void {
  arithMem(s, op, widenF64(s.ctx, hi, lo));
}

/** FIADD/FIMUL/FISUB/FISUBR/FIDIV/FIDIVR m16int/m32int: the integer sign-extended to lo/hi. */
export function arithMInt(s: X87State, op: number, lo: number, hi: number): void {
  intToF80(s.ctx, lo, hi);
  arithMem(s, op, NORMAL);
}

/** ST(0) ← op(ST(0)) for a one-operand f80 operation (FSQRT, FRNDINT, F2XM1): stack underflow, then the commit rule. */
export function unarySt(s: X87State, op: (c: F80Ctx, se: number, hi: number, lo: number) => void): void {
  if (s.isEmpty(0) && underflow(s, 0, false)) return;
  const c = s.ctx;
  c.cw = s.fcw;
  op(c, s.stSe(0), s.stHi(0), s.stLo(0));
  commit(s, 0, false);
}

/** FSQRT: ST(0) ← √ST(0). */
export function sqrtSt(s: X87State): void {
  unarySt(s, fsqrt);
}
