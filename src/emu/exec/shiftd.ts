/**
 * SHLD / SHRD (0F A4/A5, 0F AC/AD; SDM Vol. 2 SHLD, SHRD): shift DEST
 * left/right by imm8 or CL, filling from SRC (ModRM.reg). The count is
 * masked to 5 bits (6 with REX.W). A masked count of 0 changes no flags; the
 * destination is still written (32-bit register zero-extended, memory gets a
 * write cycle — measured on the host). CF = last bit shifted out of DEST;
 * SF/ZF/PF from the result; AF (undefined) = 1 and OF (defined for 1-bit
 * shifts: sign change) for all counts as the AMD host computes it: SHLD
 * OF = bit n−1 ^ bit n−2 of the original DEST, SHRD OF = bit n−1 ^ bit n−2
 * of the result (both equal "sign changed" for a 1-bit shift).
 *
 * 16-bit operands with a count of 17–31: result and flags are undefined
 * (SDM). We follow the AMD host: SHLD shifts the 48-bit DEST:SRC:SRC and SHRD
 * the 48-bit SRC:SRC:DEST (Intel CPUs are reported to use DEST:SRC:DEST
 * instead). CF is the last bit shifted out of that 48-bit value — the host
 * gave CF = 0 in every such case we measured, so CF may differ there.
 */
import type { Cpu } from '../cpu.ts';
import { setArithFlags, szpOf } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { FLAG_AF } from '../regs.ts';
import { eIsReg, eLa, readEForUpdate, readG, writeE } from './rmw.ts';

export const shldImm: Handler = (cpu, i) => shiftd(cpu, i, true, i.imm);
export const shldCl: Handler = (cpu, i) => shiftd(cpu, i, true, cpu.r[2]);
export const shrdImm: Handler = (cpu, i) => shiftd(cpu, i, false, i.imm);
export const shrdCl: Handler = (cpu, i) => shiftd(cpu, i, false, cpu.r[2]);

let rHi = 0;
let rFlags = 0;

function shiftd(cpu: Cpu, i: Insn, left: boolean, raw: number): void {
  const size = i.osz, la = eLa(cpu, i);
  const dl = readEForUpdate(cpu, i, size, la), dh = cpu.mmu.hi;
  const sl = readG(cpu, i, size), sh = cpu.mmu.hi;
  const n = raw & (size === 8 ? 63 : 31);
  if (n === 0) {
    if (!eIsReg(i) || size === 4) writeE(cpu, i, size, la, dl, dh);
    return;
  }
  const lo = size === 8 ? shiftd64(left, dl, dh, sl, sh, n) : size === 4 ? shiftd32(left, dl, sl, n) : shiftd16(left, dl, sl, n);
  writeE(cpu, i, size, la, lo, rHi);
  setArithFlags(cpu.fl, rFlags);
}

function flags(bits: number, lo: number, hi: number, cf: number, of: number): number {
  return szpOf(bits, lo, hi) | FLAG_AF | cf | ((of & 1) << 11);
}

function shiftd32(left: boolean, d: number, s: number, n: number): number {
  rHi = 0;
  if (left) {
    const v = (d << n) | (s >>> (32 - n));
    rFlags = flags(32, v, 0, (d >>> (32 - n)) & 1, (d >>> 31) ^ (d >>> 30));
    return v;
  }
  const v = (d >>> n) | (s << (32 - n));
  rFlags = flags(32, v, 0, (d >>> (n - 1)) & 1, (v >>> 31) ^ (v >>> 30));
  return v;
}

function shiftd16(left: boolean, d: number, s: number, n: number): number {
  rHi = 0;
  const ss = ((s << 16) | s) >>> 0; // SRC:SRC (see the header for counts above 16)
  if (left) {
    // Bits 47−n … 32−n of DEST:SRC:SRC.
    const v = ((d << n) | (ss >>> (32 - n))) & 0xffff;
    const cf = n <= 16 ? (d >>> (16 - n)) & 1 : (ss >>> (48 - n)) & 1;
    rFlags = flags(16, v, 0, cf, (d >>> 15) ^ (d >>> 14));
    return v;
  }
  // Bits n+15 … n of SRC:SRC:DEST.
  const v = (n <= 16 ? (d >>> n) | (ss << (16 - n)) : ss >>> (n - 16)) & 0xffff;
  const cf = n <= 16 ? (d >>> (n - 1)) & 1 : (ss >>> (n - 17)) & 1;
  rFlags = flags(16, v, 0, cf, (v >>> 15) ^ (v >>> 14));
  return v;
}

/** 64-bit SHLD/SHRD on halves, n = 1–63: low half returned, high in rHi. */
function shiftd64(left: boolean, dl: number, dh: number, sl: number, sh: number, n: number): number {
  let vl: number, vh: number, cf: number;
  if (left) {
    // (DEST << n) | (SRC >> (64 − n))
    if (n < 32) {
      vh = (dh << n) | (dl >>> (32 - n));
      vl = (dl << n) | (sh >>> (32 - n));
      cf = (dh >>> (32 - n)) & 1;
    } else if (n === 32) {
      vh = dl;
      vl = sh;
      cf = dh & 1;
    } else {
      const m = n - 32;
      vh = (dl << m) | (sh >>> (32 - m));
      vl = (sh << m) | (sl >>> (32 - m));
      cf = (dl >>> (32 - m)) & 1;
    }
    rHi = vh;
    rFlags = flags(64, vl, vh, cf, (dh >>> 31) ^ (dh >>> 30));
    return vl;
  }
  // (DEST >> n) | (SRC << (64 − n))
  if (n < 32) {
    vl = (dl >>> n) | (dh << (32 - n));
    vh = (dh >>> n) | (sl << (32 - n));
    cf = (dl >>> (n - 1)) & 1;
  } else if (n === 32) {
    vl = dh;
    vh = sl;
    cf = dl >>> 31;
  } else {
    const m = n - 32;
    vl = (dh >>> m) | (sl << (32 - m));
    vh = (sl >>> m) | (sh << (32 - m));
    cf = (dh >>> (m - 1)) & 1;
  }
  rHi = vh;
  rFlags = flags(64, vl, vh, cf, (vh >>> 31) ^ (vh >>> 30));
  return vl;
}
