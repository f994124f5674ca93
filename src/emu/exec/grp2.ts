/**
 * grp2 (C0/C1, D0/D1, D2/D3) for every size and form with a runtime operand
 * size: all rotates, byte/word shifts and memory operands. The hot register
 * SHL/SHR/SAR cases are in shift.ts; flag rules are described there.
 *
 * Rotates (SDM Vol. 2 RCL/RCR/ROL/ROR) change only CF and OF. ROL/ROR rotate
 * by (count mod width) but set CF whenever the masked count is non-zero (ROL:
 * CF = LSB(result), ROR: CF = MSB(result)); RCL/RCR rotate through CF by the
 * masked count mod 9 (8-bit) or 17 (16-bit). OF, defined for 1-bit rotates,
 * uses the 1-bit formula for every count (as the AMD host does): ROL/RCL
 * OF = MSB(result) ^ CF; ROR/RCR OF = the top two result bits XORed.
 */
import type { Cpu } from '../cpu.ts';
import { arithFlags, getCF, setArithFlags, szpOf } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { FLAG_AF, FLAG_CF, FLAG_OF } from '../regs.ts';
import { eIsReg, eLa, opSize, readEForUpdate, writeE } from './rmw.ts';
import { flagsOut, hiOut, sar32, sar64, shl32, shl64, shr32, shr64 } from './shiftcore.ts';

export const grp2Imm: Handler = (cpu, i) => grp2(cpu, i, i.imm);
export const grp2One: Handler = (cpu, i) => grp2(cpu, i, 1);
export const grp2Cl: Handler = (cpu, i) => grp2(cpu, i, cpu.r[2]);

let vHi = 0;
let vFlags = 0;

function grp2(cpu: Cpu, i: Insn, raw: number): void {
  const size = opSize(i), la = eLa(cpu, i);
  const dl = readEForUpdate(cpu, i, size, la), dh = cpu.mmu.hi;
  const n = raw & (size === 8 ? 63 : 31);
  if (n === 0) {
    // No flags change; the operand is still written (see shift.ts).
    if (!eIsReg(i) || size === 4) writeE(cpu, i, size, la, dl, dh);
    return;
  }
  const lo = i.digit >= 4 ? shiftOp(i.digit, size, dl, dh, n) : rotateOp(cpu, i.digit, size, dl, dh, n);
  writeE(cpu, i, size, la, lo, vHi);
  setArithFlags(cpu.fl, vFlags);
}

/** SHL (/4, /6), SHR (/5), SAR (/7) at any size; n ≥ 1. */
function shiftOp(op: number, size: number, dl: number, dh: number, n: number): number {
  let v: number;
  if (size === 8) {
    v = op === 5 ? shr64(dl, dh, n) : op === 7 ? sar64(dl, dh, n) : shl64(dl, dh, n);
    vHi = hiOut;
    vFlags = flagsOut;
    return v;
  }
  vHi = 0;
  if (size === 4) {
    v = op === 5 ? shr32(dl, n) : op === 7 ? sar32(dl, n) : shl32(dl, n);
    vFlags = flagsOut;
    return v;
  }
  const b = size * 8, m = size === 1 ? 0xff : 0xffff;
  let cf: number, of: number;
  if (op === 5) {
    v = dl >>> n;
    cf = (dl >>> (n - 1)) & 1;
    of = ((v >>> (b - 1)) ^ (v >>> (b - 2))) & 1;
  } else if (op === 7) {
    const sd = (dl << (32 - b)) >> (32 - b);
    v = (sd >> n) & m;
    cf = (sd >> (n - 1)) & 1;
    of = 0;
  } else {
    v = (dl << n) & m;
    cf = n <= b ? (dl >>> (b - n)) & 1 : 0;
    of = ((v >>> (b - 1)) ^ cf) & 1;
  }
  vFlags = szpOf(b, v, 0) | FLAG_AF | cf | (of << 11);
  return v;
}

/** ROL (/0), ROR (/1), RCL (/2), RCR (/3); n is the masked count, ≥ 1. */
function rotateOp(cpu: Cpu, op: number, size: number, dl: number, dh: number, n: number): number {
  const keep = arithFlags(cpu.fl) & ~(FLAG_CF | FLAG_OF);
  const b = size * 8;
  let lo: number, hi = 0, cf: number;
  if (op <= 1) {
    if (size === 8) {
      lo = rot64(op === 0, dl, dh, n);
      hi = vHi;
    } else {
      lo = rotSmall(op === 0, b, dl, n % b);
    }
    const top = size === 8 ? hi : lo << (32 - b);
    cf = op === 0 ? lo & 1 : top >>> 31;
  } else {
    const t = size === 1 ? n % 9 : size === 2 ? n % 17 : n;
    cf = getCF(cpu.fl) ? 1 : 0;
    lo = dl;
    hi = dh;
    for (let k = 0; k < t; k++) {
      let out: number;
      if (op === 2) {
        // RCL: CF ← MSB; DEST ← DEST·2 + CF
        if (size === 8) {
          out = hi >>> 31;
          hi = (hi << 1) | (lo >>> 31);
        } else {
          out = (lo >>> (b - 1)) & 1;
        }
        lo = (lo << 1) | cf;
      } else {
        // RCR: CF ← LSB; DEST ← DEST/2 + CF·2^(width−1)
        out = lo & 1;
        if (size === 8) {
          lo = (lo >>> 1) | (hi << 31);
          hi = (hi >>> 1) | (cf << 31);
        } else {
          lo = (lo >>> 1) | (cf << (b - 1));
        }
      }
      cf = out;
    }
    if (size < 4) lo &= (1 << b) - 1;
  }
  const top = size === 8 ? hi : lo << (32 - b); // result's MSB in bit 31
  const of = op === 0 || op === 2 ? (top >>> 31) ^ cf : ((top >>> 31) ^ (top >>> 30)) & 1;
  vHi = hi;
  vFlags = keep | cf | (of << 11);
  return lo;
}

/** ROL/ROR of an 8/16/32-bit value by r (0 ≤ r < width). */
function rotSmall(left: boolean, b: number, d: number, r: number): number {
  if (r === 0) return d;
  const v = left ? (d << r) | (d >>> (b - r)) : (d >>> r) | (d << (b - r));
  return b === 32 ? v | 0 : v & ((1 << b) - 1);
}

/** ROL/ROR of a 64-bit value by n (1–63): low half returned, high in vHi. */
function rot64(left: boolean, lo: number, hi: number, n: number): number {
  let r = n;
  if (r >= 32) {
    const t = lo;
    lo = hi;
    hi = t;
    r -= 32;
  }
  if (r === 0) {
    vHi = hi;
    return lo;
  }
  if (left) {
    vHi = (hi << r) | (lo >>> (32 - r));
    return (lo << r) | (hi >>> (32 - r));
  }
  vHi = (hi >>> r) | (lo << (32 - r));
  return (lo >>> r) | (hi << (32 - r));
}
