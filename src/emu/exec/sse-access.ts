/**
 * What every SSE handler shares (SDM Vol. 2 §2.4 / Vol. 3 §13.1, the
 * "Exceptions Type" tables 2-19 … 2-22 of legacy SSE): the availability
 * checks, the XMM register numbers of the ModRM fields, and the memory
 * operand moved through the XMM_SRC slot (docs/sse.md "Wiring an instruction").
 *
 *   #UD  CR0.EM = 1 or CR4.OSFXSR = 0 (checked first: SDM Table 6-2 lists
 *        invalid opcode before device-not-available)
 *   #NM  CR0.TS = 1
 *   #GP(0) an m128 operand of an aligned form not on a 16-byte boundary
 *        (checked before the access, so before any #PF)
 *   #XM / #UD an unmasked SIMD floating-point exception (simdFaultVector)
 */
import type { Cpu } from '../cpu.ts';
import { GP, GuestFault, NM, UD } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea } from '../operands.ts';
import { CR0_EM, CR0_TS, CR4_OSFXSR } from '../regs.ts';
import { simdFaultVector } from '../sse/mxcsr.ts';
import { XMM_SRC } from '../sse/xmm.ts';

/** A handler for one (opcode map, prefix class, opcode): exec/sse.ts indexes them by `sseKey`. */
export type SseEntry = readonly [key: number, h: Handler];
export const sseKey = (map: number, pc: number, op: number): number => (map << 10) | (pc << 8) | op;
export const at = (map: number, pc: number, op: number, h: Handler): SseEntry => [sseKey(map, pc, op), h];

/** Memory operand sizes of the SSE forms; M128A must be 16-byte aligned. */
export const M8 = 1, M16 = 2, M32 = 4, M64 = 8, M128 = 16, M128A = 17;

/** The SSE unit is usable: else #UD (EM, no OSFXSR) or #NM (TS). */
export function sseCheck(cpu: Cpu): void {
  if ((cpu.cr0 & CR0_EM) !== 0 || (cpu.cr4 & CR4_OSFXSR) === 0) throw new GuestFault(UD);
  if ((cpu.cr0 & CR0_TS) !== 0) throw new GuestFault(NM);
}

/**
 * XMM register of ModRM.reg. REX.R extends it to XMM8–15; the decoder's
 * REX2.R4 bit (APX) does not name a vector register in legacy encodings.
 */
export const xreg = (i: Insn): number => i.reg & 15;
/** XMM register of ModRM.rm (register form). */
export const xrm = (i: Insn): number => i.rm & 15;

/** Raise the SIMD floating-point exception of an instruction whose driver reported one. */
export function simdFault(cpu: Cpu): never {
  throw new GuestFault(simdFaultVector(cpu.cr4));
}

/** Linear address of an m128 operand; #GP(0) when `aligned` and it is not 16-byte aligned. */
export function ea128(cpu: Cpu, i: Insn, aligned: boolean): number {
  const la = ea(cpu, i);
  if (aligned && (la & 15) !== 0) throw new GuestFault(GP, 0);
  return la;
}

/** Load `size` bytes at `la` into the low bytes of XMM_SRC (the rest zeroed). */
export function loadSrc(cpu: Cpu, la: number, size: number): void {
  const u = cpu.sse.x.i32, m = cpu.mmu, s = XMM_SRC * 4;
  u[s + 1] = u[s + 2] = u[s + 3] = 0;
  switch (size) {
    case M8: u[s] = m.read8(la); break;
    case M16: u[s] = m.read16(la); break;
    case M32: u[s] = m.read32(la); break;
    case M64: u[s] = m.read64(la); u[s + 1] = m.hi; break;
    default: {
      const lo = m.read64(la), hi = m.hi;
      u[s + 2] = m.read64(la + 8);
      u[s + 3] = m.hi;
      u[s] = lo;
      u[s + 1] = hi;
    }
  }
}

/**
 * The source operand of ModRM.rm: its register number, or XMM_SRC after
 * loading the memory operand (`size` one of M8 … M128A).
 */
export function src(cpu: Cpu, i: Insn, size: number): number {
  if (i.regForm) return i.rm & 15;
  loadSrc(cpu, size >= M128 ? ea128(cpu, i, size === M128A) : ea(cpu, i), size);
  return XMM_SRC;
}

/**
 * Store the low `size` bytes of XMM register r at `la`. A 16-byte store
 * checks every page it touches first, so a fault leaves memory unchanged.
 */
export function storeXmm(cpu: Cpu, la: number, r: number, size: number): void {
  const u = cpu.sse.x.i32, m = cpu.mmu, s = r * 4;
  switch (size) {
    case M8: m.write8(la, u[s] & 0xff); break;
    case M16: m.write16(la, u[s] & 0xffff); break;
    case M32: m.write32(la, u[s]); break;
    case M64: m.write64(la, u[s], u[s + 1]); break;
    default:
      m.checkWritable(la);
      m.checkWritable(la + 15);
      m.write64(la, u[s], u[s + 1]);
      m.write64(la + 8, u[s + 2], u[s + 3]);
  }
}

/** Zero bytes from..15 of XMM register r (from a multiple of 4). */
export function zeroFrom(cpu: Cpu, r: number, from: number): void {
  const u = cpu.sse.x.u32;
  for (let k = from >> 2; k < 4; k++) u[r * 4 + k] = 0;
}
