/**
 * Instruction-level x87 loads and stores on an X87State (Intel SDM Vol. 2
 * FLD, FILD, FBLD, FLD1…FLDZ, FST/FSTP, FIST/FISTP, FISTTP, FBSTP): the
 * pushes and pops, stack faults (SDM Vol. 1 8.5.1.1) and the commit of the
 * conversion's flags. Stores leave the bytes to write in s.ctx and return
 * whether to write them (false: an unmasked exception suppressed the store);
 * memory access itself stays with the caller.
 */
import { C1, INDEF_HI, INDEF_SE } from './f80.ts';
import { loadF32, loadF64, storeF32, storeF64 } from './f80-convert.ts';
import { bcdToF80, f80ToBcd, f80ToInt, intToF80, loadConstant } from './f80-int.ts';
import type { X87State } from './x87-state.ts';

/** Push the value in s.ctx after a conversion, unless an unmasked exception suppressed it. */
function pushCtx(s: X87State): void {
  const c = s.ctx;
  s.fsw &= ~C1;
  s.signal(c.flags);
  if (c.store) s.push(c.se, c.hi, c.lo);
}

/** FLD m80fp: the value as is, no exception but stack overflow. */
export function fldF80(s: X87State, se: number, hi: number, lo: number): void {
  s.fsw &= ~C1;
  s.push(se, hi, lo);
}

/** FLD ST(i): push a copy of ST(i); an empty ST(i) is a stack underflow (masked: push the indefinite). */
export function fldSt(s: X87State, i: number): void {
  if (s.isEmpty(i)) {
    // An empty source is an underflow (C1 = 0) even when the push also overflows (reference hardware).
    if (s.stackFault(0)) return;
    s.top = (s.top - 1) & 7;
    s.setSt(0, INDEF_SE, INDEF_HI, 0);
    return;
  }
  if (!s.pushCheck()) return;
  fldF80(s, s.stSe(i), s.stHi(i), s.stLo(i));
}

/** FLD m32fp */
export function fldF32(s: X87State, bits: number): void {
  if (!s.pushCheck()) return;
  s.ctx.cw = s.fcw;
  loadF32(s.ctx, bits);
  pushCtx(s);
}

/** FLD m64fp (hi:lo dwords) */
export function fldF64(s: X87State, hi: number, lo: number): void {
  if (!s.pushCheck()) return;
  s.ctx.cw = s.fcw;
  loadF64(s.ctx, hi, lo);
  pushCtx(s);
}

/** FILD m16int/m32int/m64int: the integer sign-extended to 64 bits as lo/hi. */
export function fild(s: X87State, lo: number, hi: number): void {
  if (!s.pushCheck()) return;
  intToF80(s.ctx, lo, hi);
  pushCtx(s);
}

/** FBLD m80bcd */
export function fbld(s: X87State, m: Uint8Array, off: number): void {
  if (!s.pushCheck()) return;
  bcdToF80(s.ctx, m, off);
  pushCtx(s);
}

/** FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ: `which` is one of f80-int.ts's K_ constants. */
export function fldConst(s: X87State, which: number): void {
  if (!s.pushCheck()) return;
  s.ctx.cw = s.fcw;
  loadConstant(s.ctx, which);
  pushCtx(s);
}

/**
 * Stack underflow on a store's source (ST(0) empty): masked, the store writes
 * the format's indefinite (`setIndef` puts it in s.ctx) and FSTP pops; returns
 * whether memory is to be written.
 */
function storeUnderflow(s: X87State, pop: boolean, setIndef: () => void): boolean {
  if (s.stackFault(0)) return false;
  setIndef();
  if (pop) s.pop();
  return true;
}

/** Commit a store's conversion flags; pop if asked and the store happens. Returns whether to write memory. */
function finishStore(s: X87State, pop: boolean): boolean {
  const c = s.ctx;
  s.fsw = (s.fsw & ~C1) | (c.flags & C1);
  s.signal(c.flags);
  if (!c.store) return false;
  if (pop) s.pop();
  return true;
}

/** FST/FSTP m32fp: writes s.ctx.lo. */
export function fstF32(s: X87State, pop: boolean): boolean {
  const c = s.ctx;
  if (s.isEmpty(0)) return storeUnderflow(s, pop, () => { c.lo = 0xffc00000; });
  c.cw = s.fcw;
  storeF32(c, s.stSe(0), s.stHi(0), s.stLo(0));
  return finishStore(s, pop);
}

/** FST/FSTP m64fp: writes s.ctx.hi:lo. */
export function fstF64(s: X87State, pop: boolean): boolean {
  const c = s.ctx;
  if (s.isEmpty(0)) return storeUnderflow(s, pop, () => { c.hi = 0xfff80000; c.lo = 0; });
  c.cw = s.fcw;
  storeF64(c, s.stSe(0), s.stHi(0), s.stLo(0));
  return finishStore(s, pop);
}

/** FSTP m80fp: writes s.ctx.se/hi/lo, ST(0) unchanged in form (no exception but underflow). */
export function fstF80(s: X87State): boolean {
  const c = s.ctx;
  if (s.isEmpty(0)) return storeUnderflow(s, true, () => { c.se = INDEF_SE; c.hi = INDEF_HI; c.lo = 0; });
  c.se = s.stSe(0); c.hi = s.stHi(0); c.lo = s.stLo(0);
  s.fsw &= ~C1;
  s.pop();
  return true;
}

/** FST/FSTP ST(i): ST(i) ← ST(0) [and pop]. */
export function fstSt(s: X87State, i: number, pop: boolean): void {
  if (s.isEmpty(0)) {
    if (s.stackFault(0)) return;
    s.setSt(i, INDEF_SE, INDEF_HI, 0);
  } else {
    s.fsw &= ~C1;
    s.setSt(i, s.stSe(0), s.stHi(0), s.stLo(0));
  }
  if (pop) s.pop();
}

/** FIST/FISTP (truncate false) and FISTTP (truncate true, always pops) to a `bits`-bit integer: writes s.ctx.lo (and hi for 64). */
export function fist(s: X87State, bits: number, pop: boolean, truncate: boolean): boolean {
  const c = s.ctx;
  if (s.isEmpty(0)) return storeUnderflow(s, pop, () => { c.lo = bits === 64 ? 0 : 2 ** (bits - 1); c.hi = bits === 64 ? 0x80000000 : 0; });
  c.cw = s.fcw;
  f80ToInt(c, s.stSe(0), s.stHi(0), s.stLo(0), bits, truncate);
  return finishStore(s, pop);
}

/** FBSTP m80bcd: writes out[off..off+9] itself (only when it returns true). */
export function fbstp(s: X87State, out: Uint8Array, off: number): boolean {
  const c = s.ctx;
  if (s.isEmpty(0)) {
    return storeUnderflow(s, true, () => { out.fill(0, off, off + 7); out[off + 7] = 0xc0; out[off + 8] = 0xff; out[off + 9] = 0xff; });
  }
  c.cw = s.fcw;
  f80ToBcd(c, s.stSe(0), s.stHi(0), s.stLo(0), out, off);
  return finishStore(s, true);
}
