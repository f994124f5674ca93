/**
 * Operand access shared by the instruction handlers: effective addresses,
 * sized register reads/writes (32-bit writes zero the high half, 8/16-bit
 * writes merge — SDM Vol. 1 §3.4.1.1), r/m operands and the stack.
 * 64-bit values travel as (lo, hi) int32 pairs; a 64-bit read returns lo and
 * leaves hi in `cpu.mmu.hi`.
 */
import type { Cpu } from './cpu.ts';
import { GP, GuestFault, SS } from './fault.ts';
import { HIGH_BYTE, SEG_FS, type Insn } from './insn.ts';
import { RBP, RSP } from './regs.ts';

const TWO32 = 4294967296;

/**
 * Linear address of the memory operand (canonical, else #GP(0), or #SS(0)
 * when RSP/RBP-based). Fast path: with 64-bit addressing, no FS/GS and
 * canonical base/index registers, base + index*scale + disp stays below 2^51
 * in magnitude, so the sum in doubles is exact; anything else (or a result
 * that is not canonical) takes the exact path in halves.
 */
export function ea(cpu: Cpu, i: Insn): number {
  if (i.asz === 8 && i.seg < SEG_FS && !i.ripRel) {
    const r = cpu.r;
    let la = i.disp;
    const b = i.base;
    if (b >= 0) {
      const hi = r[2 * b + 1];
      if ((hi << 16) >> 16 !== hi) return eaExact(cpu, i);
      la += hi * TWO32 + (r[2 * b] >>> 0);
    }
    const x = i.index;
    if (x >= 0) {
      const hi = r[2 * x + 1];
      if ((hi << 16) >> 16 !== hi) return eaExact(cpu, i);
      la += (hi * TWO32 + (r[2 * x] >>> 0)) * (1 << i.scale);
    }
    if (la >= -(2 ** 47) && la < 2 ** 47) return la;
  }
  return eaExact(cpu, i);
}

function eaExact(cpu: Cpu, i: Insn): number {
  if (i.ripRel) {
    // RIP already points at the next instruction.
    let la = cpu.rip + i.disp;
    if (i.asz === 4) la = ((la % TWO32) + TWO32) % TWO32;
    if (i.seg >= SEG_FS) la += cpu.seg[i.seg].base;
    if (la < -(2 ** 47) || la >= 2 ** 47) throw new GuestFault(GP, 0);
    return la;
  }
  const lo = offsetHalves(cpu, i);
  const b = i.base;
  return linearAddress(lo, i.asz === 4 ? 0 : offsetHi, i.seg >= SEG_FS ? cpu.seg[i.seg].base : 0, b === RSP || b === RBP ? SS : GP);
}

/** High half of the last offsetHalves result. */
export let offsetHi = 0;

/**
 * The offset base + index·scale + disp of a memory operand (not RIP-relative)
 * modulo 2^64, in halves: returns the low half, the high half is left in
 * `offsetHi`. LEA's result, and the start of every effective address.
 */
export function offsetHalves(cpu: Cpu, i: Insn): number {
  const r = cpu.r;
  let lo = i.disp, hi = i.disp >> 31;
  const b = i.base;
  if (b >= 0) {
    const s = (lo >>> 0) + (r[2 * b] >>> 0);
    hi = (hi + r[2 * b + 1] + (s > 0xffffffff ? 1 : 0)) | 0;
    lo = s | 0;
  }
  const x = i.index;
  if (x >= 0) {
    const sc = i.scale;
    let xlo = r[2 * x], xhi = r[2 * x + 1];
    if (sc !== 0) {
      xhi = (xhi << sc) | (xlo >>> (32 - sc));
      xlo <<= sc;
    }
    const s = (lo >>> 0) + (xlo >>> 0);
    hi = (hi + xhi + (s > 0xffffffff ? 1 : 0)) | 0;
    lo = s | 0;
  }
  offsetHi = hi;
  return lo;
}

/**
 * Linear address of a 64-bit offset (lo, hi) plus a segment base (FS/GS, or
 * 0): the sum modulo 2^64 must be canonical, else `vector`(0) (#GP, or #SS
 * for stack references).
 */
export function linearAddress(lo: number, hi: number, base: number, vector = GP): number {
  if (base !== 0) {
    const blo = ((base % TWO32) + TWO32) % TWO32; // the base's low 32 bits, unsigned
    const sum = (lo >>> 0) + blo;
    hi = (hi + Math.floor((base - blo) / TWO32) + (sum > 0xffffffff ? 1 : 0)) | 0;
    lo = sum | 0;
  }
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(vector, 0);
  return hi * TWO32 + (lo >>> 0);
}

// ---- registers by size
export function getReg8(cpu: Cpu, code: number): number {
  return code & HIGH_BYTE ? (cpu.r[2 * (code & 3)] >> 8) & 0xff : cpu.r[2 * code] & 0xff;
}
export function setReg8(cpu: Cpu, code: number, v: number): void {
  if (code & HIGH_BYTE) {
    const k = 2 * (code & 3);
    cpu.r[k] = (cpu.r[k] & ~0xff00) | ((v & 0xff) << 8);
  } else {
    cpu.r[2 * code] = (cpu.r[2 * code] & ~0xff) | (v & 0xff);
  }
}
export function getReg16(cpu: Cpu, n: number): number {
  return cpu.r[2 * n] & 0xffff;
}
export function setReg16(cpu: Cpu, n: number, v: number): void {
  cpu.r[2 * n] = (cpu.r[2 * n] & ~0xffff) | (v & 0xffff);
}
/** A 32-bit register write zero-extends into the full 64-bit register. */
export function setReg32(cpu: Cpu, n: number, v: number): void {
  cpu.r[2 * n] = v;
  cpu.r[2 * n + 1] = 0;
}
export function setReg64(cpu: Cpu, n: number, lo: number, hi: number): void {
  cpu.r[2 * n] = lo;
  cpu.r[2 * n + 1] = hi;
}

/** Write a value of `size` bytes (1, 2, 4, 8) to GPR n (byte code for size 1). */
export function setRegSized(cpu: Cpu, size: number, n: number, lo: number, hi: number): void {
  if (size === 8) setReg64(cpu, n, lo, hi);
  else if (size === 4) setReg32(cpu, n, lo);
  else if (size === 2) setReg16(cpu, n, lo);
  else setReg8(cpu, n, lo);
}

// ---- r/m operands by size (memory or register form)
export function readRm8(cpu: Cpu, i: Insn): number {
  return i.regForm ? getReg8(cpu, i.rm8) : cpu.mmu.read8(ea(cpu, i));
}
export function readRm16(cpu: Cpu, i: Insn): number {
  return i.regForm ? cpu.r[2 * i.rm] & 0xffff : cpu.mmu.read16(ea(cpu, i));
}
export function readRm32(cpu: Cpu, i: Insn): number {
  return i.regForm ? cpu.r[2 * i.rm] : cpu.mmu.read32(ea(cpu, i));
}
/** Returns lo; hi is left in cpu.mmu.hi. */
export function readRm64(cpu: Cpu, i: Insn): number {
  if (i.regForm) {
    cpu.mmu.hi = cpu.r[2 * i.rm + 1];
    return cpu.r[2 * i.rm];
  }
  return cpu.mmu.read64(ea(cpu, i));
}
/** Read r/m of `size` bytes; for size 8 the high half is in cpu.mmu.hi. */
export function readRmSized(cpu: Cpu, i: Insn, size: number): number {
  switch (size) {
    case 1: return readRm8(cpu, i);
    case 2: return readRm16(cpu, i);
    case 4: return readRm32(cpu, i);
    default: return readRm64(cpu, i);
  }
}
export function writeRmSized(cpu: Cpu, i: Insn, size: number, lo: number, hi: number): void {
  if (i.regForm) {
    setRegSized(cpu, size, size === 1 ? i.rm8 : i.rm, lo, hi);
    return;
  }
  const la = ea(cpu, i);
  switch (size) {
    case 1: cpu.mmu.write8(la, lo); break;
    case 2: cpu.mmu.write16(la, lo); break;
    case 4: cpu.mmu.write32(la, lo); break;
    default: cpu.mmu.write64(la, lo, hi);
  }
}

// ---- the stack (64-bit mode: RSP, no segment base)
export function rspLinear(cpu: Cpu): number {
  return cpu.r[2 * RSP + 1] * TWO32 + (cpu.r[2 * RSP] >>> 0);
}
function setRsp(cpu: Cpu, v: number): void {
  cpu.r[2 * RSP] = v | 0;
  cpu.r[2 * RSP + 1] = Math.floor(v / TWO32) | 0;
}
function stackAddr(v: number): number {
  if (v < -(2 ** 47) || v >= 2 ** 47) throw new GuestFault(SS, 0);
  return v;
}

/** Push a qword; RSP changes only after the store succeeded. */
export function push64(cpu: Cpu, lo: number, hi: number): void {
  const sp = stackAddr(rspLinear(cpu) - 8);
  cpu.mmu.write64(sp, lo, hi);
  setRsp(cpu, sp);
}
export function push16(cpu: Cpu, v: number): void {
  const sp = stackAddr(rspLinear(cpu) - 2);
  cpu.mmu.write16(sp, v);
  setRsp(cpu, sp);
}
/** Pop a qword: returns lo, hi in cpu.mmu.hi. */
export function pop64(cpu: Cpu): number {
  const sp = stackAddr(rspLinear(cpu));
  const lo = cpu.mmu.read64(sp);
  setRsp(cpu, sp + 8);
  return lo;
}
export function pop16(cpu: Cpu): number {
  const sp = stackAddr(rspLinear(cpu));
  const v = cpu.mmu.read16(sp);
  setRsp(cpu, sp + 2);
  return v;
}
/** Add a signed amount to RSP (RET imm16, LEAVE, ENTER …). */
export function adjustRsp(cpu: Cpu, delta: number): void {
  setRsp(cpu, rspLinear(cpu) + delta);
}

/** Jump to a 64-bit target given as halves: #GP(0) if it is not canonical. */
export function jumpTo(cpu: Cpu, lo: number, hi: number): void {
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(GP, 0);
  cpu.rip = hi * TWO32 + (lo >>> 0);
}
/** Relative branch from the next RIP. */
export function jumpRel(cpu: Cpu, disp: number): void {
  const t = cpu.rip + disp;
  if (t < -(2 ** 47) || t >= 2 ** 47) throw new GuestFault(GP, 0);
  cpu.rip = t;
}
