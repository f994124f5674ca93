/**
 * Instruction-level x87 transcendentals on an X87State (Intel SDM Vol. 2
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1): stack faults,
 * C2 (out of range), the push of FSINCOS/FPTAN and the pop of FPATAN/FYL2X/
 * FYL2XP1; the values come from f80-transc.ts.
 */
import { type F80Ctx, C1, C2, INDEF_HI, INDEF_SE, classify, isNaNClass } from './f80.ts';
import { COS, SIN, TAN, f2xm1, fpatan, ftrig, fyl2x, fyl2xp1 } from './f80-transc.ts';
import { commit, unarySt, underflow } from './x87-arith-ops.ts';
import type { X87State } from './x87-state.ts';

/** FSIN (f = SIN) / FCOS (f = COS): ST(0) ← f(ST(0)); |ST(0)| ≥ 2^63: C2 = 1, C1 = 0, ST(0) unchanged. */
export function ftrigSt(s: X87State, f: number): void {
  if (s.isEmpty(0)) {
    s.fsw &= ~C2; // C2 = 0 with the stack fault (host)
    underflow(s, 0, false);
    return;
  }
  const c = s.ctx;
  c.cw = s.fcw;
  ftrig(c, f, s.stSe(0), s.stHi(0), s.stLo(0));
  if (outOfRange(s, c)) return;
  commit(s, 0, false);
}

/** C2 = 1 and C1 = 0 when the operand was out of range (nothing else changes); otherwise C2 = 0. */
function outOfRange(s: X87State, c: F80Ctx): boolean {
  if (c.flags & C2) {
    s.fsw = (s.fsw & ~C1) | C2;
    return true;
  }
  s.fsw &= ~C2;
  return false;
}

/**
 * The two-result forms' stack faults (ST(0) empty: underflow, C1 = 0;
 * ST(7) full: overflow, C1 = 1): masked, ST(0) and the pushed register
 * both become the real indefinite (measured on the host, as FXTRACT).
 * Returns true when one happened.
 */
function pushFault(s: X87State): boolean {
  const empty = s.isEmpty(0);
  if (!empty && s.isEmpty(7)) return false;
  s.fsw &= ~C2; // C2 = 0 with the stack fault (host)
  if (s.stackFault(empty ? 0 : C1)) return true;
  s.setSt(0, INDEF_SE, INDEF_HI, 0);
  s.top = (s.top - 1) & 7;
  s.setSt(0, INDEF_SE, INDEF_HI, 0);
  return true;
}

/** ST(0) ← first, then push second; a NaN result (a NaN operand, masked #IA) is both. */
function twoResults(s: X87State, seA: number, hiA: number, loA: number, seB: number, hiB: number, loB: number): void {
  if (isNaNClass(classify(seA, hiA, loA))) {
    seB = seA; hiB = hiA; loB = loA;
  }
  s.setSt(0, seA, hiA, loA);
  s.top = (s.top - 1) & 7;
  s.setSt(0, seB, hiB, loB);
}

/** FPTAN: ST(0) ← tan ST(0), then push 1.0. */
export function fptanSt(s: X87State): void {
  if (pushFault(s)) return;
  const c = s.ctx;
  c.cw = s.fcw;
  ftrig(c, TAN, s.stSe(0), s.stHi(0), s.stLo(0));
  if (outOfRange(s, c)) return;
  s.fsw = (s.fsw & ~C1) | (c.flags & C1);
  s.signal(c.flags);
  if (!c.store) return;
  twoResults(s, c.se, c.hi, c.lo, 0x3fff, 0x80000000, 0);
}

/** FSINCOS: ST(0) ← sin ST(0), then push cos ST(0). */
export function fsincosSt(s: X87State): void {
  if (pushFault(s)) return;
  const c = s.ctx;
  c.cw = s.fcw;
  const se = s.stSe(0), hi = s.stHi(0), lo = s.stLo(0);
  ftrig(c, SIN, se, hi, lo);
  if (outOfRange(s, c)) return;
  const sinFlags = c.flags, sinStore = c.store, sSe = c.se, sHi = c.hi, sLo = c.lo;
  ftrig(c, COS, se, hi, lo);
  const flags = sinFlags | c.flags;
  s.fsw = (s.fsw & ~C1) | (sinFlags & C1); // C1 tells about the sine (host)
  s.signal(flags);
  if (!sinStore || !c.store) return;
  twoResults(s, sSe, sHi, sLo, c.se, c.hi, c.lo);
}

/** F2XM1: ST(0) ← 2^ST(0) − 1. */
export function f2xm1St(s: X87State): void {
  unarySt(s, f2xm1);
}

export const OP_PATAN = 0, OP_YL2X = 1, OP_YL2XP1 = 2;
const BINARY = [fpatan, fyl2x, fyl2xp1];

/** FPATAN / FYL2X / FYL2XP1: ST(1) ← op(ST(1), ST(0)), then pop. */
export function fbinTranscSt(s: X87State, op: number): void {
  if ((s.isEmpty(0) || s.isEmpty(1)) && underflow(s, 1, true)) return;
  const c = s.ctx;
  c.cw = s.fcw;
  BINARY[op](c, s.stSe(1), s.stHi(1), s.stLo(1), s.stSe(0), s.stHi(0), s.stLo(0));
  commit(s, 1, true);
}

export { COS, SIN };
