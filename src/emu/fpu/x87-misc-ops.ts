/**
 * Instruction-level x87 compares and one-register operations on an X87State
 * (Intel SDM Vol. 2 FCOM/FUCOM/FCOMI/FUCOMI/FTST/FXAM, FCHS/FABS, FRNDINT,
 * FSCALE, FXTRACT, FPREM/FPREM1, FXCH, FFREE, FINCSTP/FDECSTP).
 */
import { C1, C2, DENORMAL, INDEF_HI, INDEF_SE, FXAM_EMPTY, classify, fabs, fchs, fxamFlags, isNaNClass } from './f80.ts';
import { CMP_CC, CMP_EFLAGS, CMP_UNORDERED, fcompare } from './f80-compare.ts';
import { fprem, frndint, fscale, fxtract } from './f80-misc.ts';
import { commit, unarySt, underflow } from './x87-arith-ops.ts';
import type { X87State } from './x87-state.ts';

/**
 * FCOM/FCOMP/FCOMPP/FUCOM… of ST(0) with (se, hi, lo) (ST(i) or a widened
 * memory operand): C3 C2 C0 ← the result, C1 ← 0, then `pops` pops (0–2),
 * unless an unmasked exception stopped the instruction.
 */
export function fcomValue(s: X87State, se: number, hi: number, lo: number, unordered: boolean, pops: number): void {
  const c = s.ctx;
  c.cw = s.fcw;
  const r = fcompare(c, s.stSe(0), s.stHi(0), s.stLo(0), se, hi, lo, unordered);
  s.signal(c.flags);
  s.setCC(CMP_CC[r]); // set even when an unmasked #IA/#D is flagged (reference hardware)
  if (!c.store) return;
  for (let k = 0; k < pops; k++) s.pop();
}

/**
 * Stack underflow of a compare (SDM Vol. 1 8.5.1.1): the result is
 * "unordered" (set even when unmasked, as FCOMI's RFLAGS are on the reference
 * hardware); masked, the pops happen. Returns true when it happened.
 */
function compareUnderflow(s: X87State, i: number, pops: number): boolean {
  if (!s.isEmpty(0) && !s.isEmpty(i)) return false;
  const unmasked = s.stackFault(0);
  s.setCC(CMP_CC[CMP_UNORDERED]);
  if (!unmasked) for (let k = 0; k < pops; k++) s.pop();
  return true;
}

/** FCOM/FCOMP/FCOMPP/FUCOM/FUCOMP/FUCOMPP ST(i). */
export function fcomSt(s: X87State, i: number, unordered: boolean, pops: number): void {
  if (compareUnderflow(s, i, pops)) return;
  fcomValue(s, s.stSe(i), s.stHi(i), s.stLo(i), unordered, pops);
}

/**
 * FCOM/FCOMP m32fp/m64fp, FICOM/FICOMP m16int/m32int: the operand already
 * widened in s.ctx (widenF32/widenF64/intToF80) with its source class; a
 * denormal source raises #D as a denormal register operand would (an
 * unmasked #D still sets C3 C2 C0 but skips the pops, like hardware).
 */
export function fcomMem(s: X87State, srcClass: number, pops: number): void {
  const c = s.ctx;
  const se = c.se, hi = c.hi, lo = c.lo;
  if (s.isEmpty(0)) {
    compareUnderflow(s, 0, pops);
    return;
  }
  c.memDenormal = srcClass === DENORMAL;
  fcomValue(s, se, hi, lo, false, pops);
  c.memDenormal = false;
}

/** FTST: compare ST(0) with +0.0. */
export function ftst(s: X87State): void {
  if (compareUnderflow(s, 0, 0)) return;
  fcomValue(s, 0, 0, 0, false, 0);
}

/**
 * FCOMI/FCOMIP/FUCOMI/FUCOMIP ST(0), ST(i): returns the new ZF|PF|CF bits
 * (OF, SF, AF become 0).
 */
export function fcomi(s: X87State, i: number, unordered: boolean, pop: boolean): number {
  // C1 is left as it was (reference hardware; the SDM says 0).
  if (s.isEmpty(0) || s.isEmpty(i)) {
    // RFLAGS say "unordered" even when the stack fault is unmasked (reference hardware); only the pop is skipped.
    if (!s.stackFault(0) && pop) s.pop();
    return CMP_EFLAGS[CMP_UNORDERED];
  }
  const c = s.ctx;
  c.cw = s.fcw;
  const r = fcompare(c, s.stSe(0), s.stHi(0), s.stLo(0), s.stSe(i), s.stHi(i), s.stLo(i), unordered);
  s.signal(c.flags);
  if (c.store && pop) s.pop();
  return CMP_EFLAGS[r]; // RFLAGS are set even when an unmasked #IA/#D is flagged (reference hardware)
}

/** FXAM: classify ST(0) into C3 C2 C1 C0 (never faults). */
export function fxam(s: X87State): void {
  const cc = fxamFlags(s.stSe(0), s.stHi(0), s.stLo(0));
  s.setCC(s.isEmpty(0) ? FXAM_EMPTY | (cc & C1) : cc);
}

/** FCHS (neg = true) / FABS on ST(0). */
export function fchsAbs(s: X87State, neg: boolean): void {
  if (s.isEmpty(0) && underflow(s, 0, false)) return;
  const c = s.ctx;
  (neg ? fchs : fabs)(c, s.stSe(0), s.stHi(0), s.stLo(0));
  commit(s, 0, false);
}

/** FRNDINT */
export function frndintSt(s: X87State): void {
  unarySt(s, frndint);
}

/** FSCALE: ST(0) ← ST(0) × 2^trunc(ST(1)). */
export function fscaleSt(s: X87State): void {
  if ((s.isEmpty(0) || s.isEmpty(1)) && underflow(s, 0, false)) return;
  const c = s.ctx;
  c.cw = s.fcw;
  fscale(c, s.stSe(0), s.stHi(0), s.stLo(0), s.stSe(1), s.stHi(1), s.stLo(1));
  commit(s, 0, false);
}

/** FPREM (nearest = false) / FPREM1: ST(0) ← partial remainder of ST(0) by ST(1); C0–C3 as f80-misc.ts's fprem. */
export function fpremSt(s: X87State, nearest: boolean): void {
  if (s.isEmpty(0) || s.isEmpty(1)) {
    underflow(s, 0, false);
    s.fsw &= ~C2; // C1 = 0 (underflow) and C2 = 0 too: "complete" (reference hardware)
    return;
  }
  const c = s.ctx;
  c.cw = s.fcw;
  fprem(c, s.stSe(0), s.stHi(0), s.stLo(0), s.stSe(1), s.stHi(1), s.stLo(1), nearest);
  s.signal(c.flags);
  // No result (an unmasked exception) or a NaN one (a NaN operand, the masked #IA's indefinite):
  // C1 and C2 cleared, C0 and C3 left as they were (reference hardware).
  if (!c.store || isNaNClass(classify(c.se, c.hi, c.lo))) s.fsw &= ~(C1 | C2);
  if (!c.store) return;
  if (!isNaNClass(classify(c.se, c.hi, c.lo))) s.setCC(c.flags);
  s.storeCtx(0);
}

/** FXTRACT: ST(0) ← exponent, then push the significand. */
export function fxtractSt(s: X87State): void {
  if (s.isEmpty(0)) {
    // Underflow (C1 = 0), masked: both results the indefinite — no second (overflow) fault for the push.
    if (s.stackFault(0)) return;
    s.setSt(0, INDEF_SE, INDEF_HI, 0);
    s.top = (s.top - 1) & 7;
    s.setSt(0, INDEF_SE, INDEF_HI, 0);
    return;
  }
  if (!s.isEmpty(7)) {
    // no room for the significand: a stack overflow (C1 = 1), masked: both results the indefinite
    if (s.stackFault(C1)) return;
    s.setSt(0, INDEF_SE, INDEF_HI, 0);
    s.top = (s.top - 1) & 7;
    s.setSt(0, INDEF_SE, INDEF_HI, 0);
    return;
  }
  const c = s.ctx;
  c.cw = s.fcw;
  fxtract(c, s.stSe(0), s.stHi(0), s.stLo(0));
  s.fsw &= ~C1;
  s.signal(c.flags);
  if (!c.store) return;
  s.setSt(0, c.se2, c.hi2, c.lo2);
  s.push(c.se, c.hi, c.lo);
}

/** FXCH ST(i): empty operands are a stack underflow; masked, they become the indefinite first. */
export function fxch(s: X87State, i: number): void {
  if (s.isEmpty(0) || s.isEmpty(i)) {
    if (s.stackFault(0)) return;
    if (s.isEmpty(0)) s.setSt(0, INDEF_SE, INDEF_HI, 0);
    if (s.isEmpty(i)) s.setSt(i, INDEF_SE, INDEF_HI, 0);
  } else s.fsw &= ~C1;
  const se = s.stSe(0), hi = s.stHi(0), lo = s.stLo(0);
  s.setSt(0, s.stSe(i), s.stHi(i), s.stLo(i));
  s.setSt(i, se, hi, lo);
}

/** FFREE ST(i): tag it empty; TOP unchanged. */
export function ffree(s: X87State, i: number): void {
  s.free(i);
}

/** FINCSTP (delta 1) / FDECSTP (delta −1): rotate TOP; tags and contents stay; C1 ← 0. */
export function fincDecStp(s: X87State, delta: number): void {
  s.top = (s.top + delta) & 7;
  s.fsw &= ~C1;
}
