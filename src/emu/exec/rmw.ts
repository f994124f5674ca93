/**
 * Sized operand access for the runtime-size (rare) handlers of the arithmetic
 * families: the r/m operand E (register, memory, or — for the short
 * accumulator forms without ModRM — rAX/AL), the ModRM.reg operand G and the
 * immediate. Sizes are in bytes (1, 2, 4, 8). Values travel as int32 halves:
 * 8/16-bit zero-extended, 32-bit as int32, 64-bit as lo with the high half
 * left in `cpu.mmu.hi` (the operands.ts convention). The hot handlers do not
 * use these; they are specialised per size and form (alu8…alu64.ts).
 */
import type { Cpu } from '../cpu.ts';
import type { Insn } from '../insn.ts';
import { ea, getReg8, setReg16, setReg32, setReg8 } from '../operands.ts';

/** Operand size of the usual byte/full-size opcode pairs (even = byte, odd = 16/32/64). */
export function opSize(i: Insn): number {
  return (i.op & 1) === 0 ? 1 : i.osz;
}

/** E is a register: ModRM.mod = 3, or a short form with no ModRM (rm = 0 = AL/rAX). */
export function eIsReg(i: Insn): boolean {
  return i.regForm || !i.hasModrm;
}

/** Linear address of E, computed once per instruction (0 when E is a register). */
export function eLa(cpu: Cpu, i: Insn): number {
  return eIsReg(i) ? 0 : ea(cpu, i);
}

/** Read GPR n (byte-register code for size 1). */
export function readReg(cpu: Cpu, size: number, n: number): number {
  const r = cpu.r;
  switch (size) {
    case 1: return getReg8(cpu, n);
    case 2: return r[2 * n] & 0xffff;
    case 4: return r[2 * n];
    default:
      cpu.mmu.hi = r[2 * n + 1];
      return r[2 * n];
  }
}

export function writeReg(cpu: Cpu, size: number, n: number, lo: number, hi: number): void {
  switch (size) {
    case 1: setReg8(cpu, n, lo); break;
    case 2: setReg16(cpu, n, lo); break;
    case 4: setReg32(cpu, n, lo); break;
    default:
      cpu.r[2 * n] = lo;
      cpu.r[2 * n + 1] = hi;
  }
}

export function readE(cpu: Cpu, i: Insn, size: number, la: number): number {
  if (eIsReg(i)) return readReg(cpu, size, size === 1 ? i.rm8 : i.rm);
  const m = cpu.mmu;
  switch (size) {
    case 1: return m.read8(la);
    case 2: return m.read16(la);
    case 4: return m.read32(la);
    default: return m.read64(la);
  }
}

/**
 * Read E for an instruction that writes it back: a memory operand is
 * translated with write intent (mmu.rmw*), so a fault reports a write and the
 * store that follows cannot fault.
 */
export function readEForUpdate(cpu: Cpu, i: Insn, size: number, la: number): number {
  if (eIsReg(i)) return readReg(cpu, size, size === 1 ? i.rm8 : i.rm);
  return cpu.mmu.rmwSized(la, size);
}

export function writeE(cpu: Cpu, i: Insn, size: number, la: number, lo: number, hi: number): void {
  if (eIsReg(i)) {
    writeReg(cpu, size, size === 1 ? i.rm8 : i.rm, lo, hi);
    return;
  }
  const m = cpu.mmu;
  switch (size) {
    case 1: m.write8(la, lo); break;
    case 2: m.write16(la, lo); break;
    case 4: m.write32(la, lo); break;
    default: m.write64(la, lo, hi);
  }
}

export function readG(cpu: Cpu, i: Insn, size: number): number {
  return readReg(cpu, size, size === 1 ? i.reg8 : i.reg);
}

export function writeG(cpu: Cpu, i: Insn, size: number, lo: number, hi: number): void {
  writeReg(cpu, size, size === 1 ? i.reg8 : i.reg, lo, hi);
}

/** The immediate truncated to `size` (its high half for size 8 is `i.immHi`). */
export function immOf(i: Insn, size: number): number {
  return size === 1 ? i.imm & 0xff : size === 2 ? i.imm & 0xffff : i.imm;
}

/** Truncate a value to `size` bytes (8/16 zero-extended, 32/64 as int32 low half). */
export function trunc(size: number, v: number): number {
  return size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v | 0;
}
