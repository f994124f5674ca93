/**
 * BMI1 and BMI2, the VEX-encoded general-purpose instructions (SDM Vol. 2
 * ANDN, BEXTR, BLSI, BLSMSK, BLSR, BZHI, MULX, PDEP, PEXT, RORX, SARX/SHLX/
 * SHRX). VEX.W selects the 64-bit operand size, else 32 (the decoder checks
 * VEX.L = 0 and vvvv = 1111b where no operand is named). Values travel as
 * (lo, hi) int32 halves; hi is 0 at 32 bits. Every operand is read (so a
 * memory fault comes first) before any register or flag is written.
 * The flags the SDM leaves undefined (AF, PF of ANDN, BEXTR, BLSI/BLSMSK/BLSR, BZHI, SF of
 * BEXTR) are AF = 0 and PF, SF from the result here; the differential test
 * masks them.
 */
import type { Cpu } from '../cpu.ts';
import { setArithFlags, szpOf } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { readRmSized, setRegSized } from '../operands.ts';
import { FLAG_CF, FLAG_ZF, RDX } from '../regs.ts';
import { P, mulu64 } from './mul64.ts';

let srcHi = 0;
/** The r/m operand at the operand size: returns lo, hi in srcHi (0 at 32 bits). */
function readSrc(cpu: Cpu, i: Insn): number {
  const lo = readRmSized(cpu, i, i.osz);
  srcHi = i.osz === 8 ? cpu.mmu.hi : 0;
  return lo;
}
const vLo = (cpu: Cpu, i: Insn) => cpu.r[2 * i.vvvv];
const vHi = (cpu: Cpu, i: Insn) => (i.osz === 8 ? cpu.r[2 * i.vvvv + 1] : 0);

/** ZF/SF (and PF) of a result, CF as given, OF = 0. */
function logicFlags(cpu: Cpu, sz: number, lo: number, hi: number, cf: boolean): void {
  setArithFlags(cpu.fl, szpOf(sz, lo, hi) | (cf ? FLAG_CF : 0));
}

// ---- BMI1
const andn: Handler = (cpu, i) => {
  const sl = readSrc(cpu, i), sh = srcHi;
  const lo = ~vLo(cpu, i) & sl, hi = i.osz === 8 ? ~vHi(cpu, i) & sh : 0;
  setRegSized(cpu, i.osz, i.reg, lo, hi);
  logicFlags(cpu, i.osz * 8, lo, hi, false);
};

/** BLSR /1, BLSMSK /2, BLSI /3: vvvv := f(src). CF: BLSI src ≠ 0, the others src = 0. */
const blsx: Handler = (cpu, i) => {
  const sl = readSrc(cpu, i), sh = srcHi;
  const w = i.osz === 8;
  const zero = sl === 0 && sh === 0;
  let lo: number, hi: number;
  if (i.digit === 3) { // BLSI: -src & src
    lo = -sl & sl;
    hi = w ? (sl === 0 ? -sh : ~sh) & sh : 0;
  } else {
    const ml = (sl - 1) | 0, mh = w ? (sl === 0 ? (sh - 1) | 0 : sh) : 0; // src - 1
    lo = i.digit === 1 ? ml & sl : ml ^ sl;
    hi = i.digit === 1 ? mh & sh : mh ^ sh;
  }
  setRegSized(cpu, i.osz, i.vvvv, lo, hi);
  const szp = szpOf(i.osz * 8, lo, hi);
  const cf = i.digit === 3 ? !zero : zero;
  setArithFlags(cpu.fl, (i.digit === 2 ? szp & ~FLAG_ZF : szp) | (cf ? FLAG_CF : 0)); // BLSMSK clears ZF
};

/** Bits [start, start + len) of (lo, hi) at `bits`, as halves (hi in srcHi). */
function field(lo: number, hi: number, bits: number, start: number, len: number): number {
  if (start >= bits || len === 0) {
    srcHi = 0;
    return 0;
  }
  // shift right by start
  let rl: number, rh: number;
  if (start === 0) { rl = lo; rh = hi; }
  else if (start < 32) { rl = (lo >>> start) | (hi << (32 - start)); rh = hi >>> start; }
  else { rl = hi >>> (start - 32); rh = 0; }
  if (len < 32) {
    rl &= ((1 << len) - 1) | 0;
    rh = 0;
  } else if (len < 64) {
    rh &= len === 32 ? 0 : ((1 << (len - 32)) - 1) | 0;
  }
  srcHi = rh | 0;
  return rl | 0;
}

const bextr: Handler = (cpu, i) => {
  const sl = readSrc(cpu, i), sh = srcHi;
  const ctl = vLo(cpu, i);
  const bits = i.osz * 8;
  const lo = field(sl, sh, bits, ctl & 0xff, (ctl >>> 8) & 0xff), hi = srcHi;
  setRegSized(cpu, i.osz, i.reg, lo, hi);
  logicFlags(cpu, bits, lo, hi, false);
};

// ---- BMI2
const bzhi: Handler = (cpu, i) => {
  const sl = readSrc(cpu, i), sh = srcHi;
  const n = vLo(cpu, i) & 0xff, bits = i.osz * 8;
  const lo = n >= bits ? sl : field(sl, sh, bits, 0, n), hi = n >= bits ? sh : srcHi;
  setRegSized(cpu, i.osz, i.reg, lo, hi);
  logicFlags(cpu, bits, lo, hi, n > bits - 1);
};

/** PDEP (deposit src's low bits at mask's set bits) and PEXT (gather the bits under mask), bit by bit. */
function depositOrExtract(cpu: Cpu, i: Insn, deposit: boolean): void {
  const ml = readSrc(cpu, i), mh = srcHi; // the mask is r/m
  const sl = vLo(cpu, i), sh = vHi(cpu, i);
  let rl = 0, rh = 0, k = 0;
  for (let m = 0; m < i.osz * 8; m++) {
    const maskBit = m < 32 ? (ml >>> m) & 1 : (mh >>> (m - 32)) & 1;
    if (maskBit === 0) continue;
    const from = deposit ? k : m, to = deposit ? m : k;
    const b = from < 32 ? (sl >>> from) & 1 : (sh >>> (from - 32)) & 1;
    if (to < 32) rl |= b << to;
    else rh |= b << (to - 32);
    k++;
  }
  setRegSized(cpu, i.osz, i.reg, rl, rh);
}
const pdep: Handler = (cpu, i) => depositOrExtract(cpu, i, true);
const pext: Handler = (cpu, i) => depositOrExtract(cpu, i, false);

/** MULX: reg:vvvv := RDX × r/m, unsigned, flags untouched; when reg = vvvv the high half is what remains. */
const mulx: Handler = (cpu, i) => {
  const sl = readSrc(cpu, i), sh = srcHi;
  const r = cpu.r;
  if (i.osz === 8) {
    mulu64(r[2 * RDX], r[2 * RDX + 1], sl, sh);
    setRegSized(cpu, 8, i.vvvv, P[0], P[1]);
    setRegSized(cpu, 8, i.reg, P[2], P[3]);
  } else {
    mulu64(r[2 * RDX], 0, sl, 0);
    setRegSized(cpu, 4, i.vvvv, P[0], 0);
    setRegSized(cpu, 4, i.reg, P[1], 0);
  }
};

/** SHLX/SHRX/SARX reg := r/m shifted by vvvv (masked to 5 or 6 bits); RORX by imm8. Flags untouched. */
function shiftHalves(kind: number, lo: number, hi: number, bits: number, n: number): number {
  srcHi = hi;
  if (n === 0) return lo;
  if (bits === 32) {
    srcHi = 0;
    switch (kind) {
      case 0: return lo << n;
      case 1: return (lo >>> n) | 0;
      case 2: return lo >> n;
      default: return (lo >>> n) | (lo << (32 - n));
    }
  }
  let rl: number, rh: number;
  if (kind === 3) { // rotate right 64 = (x >> n) | (x << (64 - n))
    if (n === 32) { rl = hi; rh = lo; }
    else if (n < 32) { rl = (lo >>> n) | (hi << (32 - n)); rh = (hi >>> n) | (lo << (32 - n)); }
    else { const m = n - 32; rl = (hi >>> m) | (lo << (32 - m)); rh = (lo >>> m) | (hi << (32 - m)); }
  } else if (kind === 0) {
    if (n < 32) { rh = (hi << n) | (lo >>> (32 - n)); rl = lo << n; } else { rh = lo << (n - 32); rl = 0; }
  } else {
    const fill = kind === 2 ? hi >> 31 : 0;
    if (n < 32) { rl = (lo >>> n) | (hi << (32 - n)); rh = kind === 2 ? hi >> n : hi >>> n; }
    else { rl = kind === 2 ? hi >> (n - 32) : hi >>> (n - 32); rh = fill; }
  }
  srcHi = rh | 0;
  return rl | 0;
}
function shiftx(kind: number): Handler {
  return (cpu, i) => {
    const sl = readSrc(cpu, i), sh = srcHi;
    const bits = i.osz * 8;
    const n = (kind === 3 ? i.imm : vLo(cpu, i)) & (bits - 1);
    const lo = shiftHalves(kind, sl, sh, bits, n);
    setRegSized(cpu, i.osz, i.reg, lo, srcHi);
  };
}
const SHIFTX = [shiftx(0), shiftx(1), shiftx(2), shiftx(3)]; // shlx, shrx, sarx, rorx

export function bind(i: Insn): Handler | undefined {
  const row = i.row;
  if (row === undefined || !i.vex) return undefined;
  switch (row.mnemonic) {
    case 'andn': return andn;
    case 'grp17': return blsx;
    case 'bextr': return bextr;
    case 'bzhi': return bzhi;
    case 'pdep': return pdep;
    case 'pext': return pext;
    case 'mulx': return mulx;
    case 'shlx': return SHIFTX[0];
    case 'shrx': return SHIFTX[1];
    case 'sarx': return SHIFTX[2];
    case 'rorx': return SHIFTX[3];
  }
  return undefined;
}
