/**
 * What every x87 instruction does around its operation:
 *  - #NM when CR0.EM or CR0.TS is set (SDM Vol. 3 Table 2-2; WAIT/FWAIT only
 *    when CR0.MP and CR0.TS are both set);
 *  - #MF before a *waiting* instruction while an unmasked exception is
 *    pending (FSW.ES, SDM Vol. 1 8.6–8.7) and CR0.NE = 1. With CR0.NE = 0 the
 *    PC-style FERR# → IRQ13 path would apply (SDM Vol. 1 8.7.1, D.2); this
 *    machine has no FERR# line, so it behaves as with IGNNE# asserted: the
 *    instruction runs and the exception stays pending (FSW.ES) until the
 *    guest clears it or sets CR0.NE;
 *  - the last-instruction pointers FOP/FIP and, for memory operands, FDP
 *    (SDM Vol. 1 8.1.8–8.1.9), recorded once the memory operand has been
 *    read without a fault (a fault leaves the x87 state unchanged).
 */
import type { Cpu } from '../cpu.ts';
import { GuestFault, MF, NM } from '../fault.ts';
import { SEG_FS, type Insn } from '../insn.ts';
import { ACCESS_WRITE } from '../mmu.ts';
import { CR0_EM, CR0_MP, CR0_NE, CR0_TS } from '../regs.ts';

/** #NM for an x87 instruction (SDM Vol. 3 Table 2-2: EM = 1 or TS = 1). */
export function x87Available(cpu: Cpu): void {
  if (cpu.cr0 & (CR0_EM | CR0_TS)) throw new GuestFault(NM);
}

/** The pending-#MF check of a waiting x87 instruction (and of WAIT/FWAIT). */
export function x87Wait(cpu: Cpu): void {
  if (cpu.x87.mfPending() && cpu.cr0 & CR0_NE) throw new GuestFault(MF);
}

/** WAIT/FWAIT: #NM only when CR0.MP and CR0.TS are both 1 (SDM Vol. 3 Table 2-2), then the #MF check. */
export function fwait(cpu: Cpu): void {
  if ((cpu.cr0 & (CR0_MP | CR0_TS)) === (CR0_MP | CR0_TS)) throw new GuestFault(NM);
  x87Wait(cpu);
}

/** FOP: bits 2–0 of the opcode, then the ModRM byte (SDM Vol. 1 8.1.9). */
function fopOf(i: Insn): number {
  return ((i.op & 7) << 8) | i.modrm;
}

/**
 * Record a register-only non-control instruction: FOP and FIP; FDP keeps the
 * last memory operand's. FCS and FDS read as 0 in 64-bit mode, as on the
 * reference CPU (and on Intel parts that deprecate them, CPUID.7:EBX[13]).
 */
export function noteReg(cpu: Cpu, i: Insn): void {
  const s = cpu.x87;
  s.noteInstruction(fopOf(i), cpu.rip - i.len, 0, s.fdp, 0);
}

/** Record a memory-operand non-control instruction at linear address `la`: FDP is the operand's offset (the FS/GS base taken off). */
export function noteMem(cpu: Cpu, i: Insn, la: number): void {
  const off = i.seg >= SEG_FS ? canonicalOffset(la - cpu.seg[i.seg].base) : la;
  cpu.x87.noteInstruction(fopOf(i), cpu.rip - i.len, 0, off, 0);
}

/** An offset modulo 2^64 as the state keeps 64-bit pointers: a signed number (exact below 2^53). */
function canonicalOffset(x: number): number {
  return Number(BigInt.asIntN(64, BigInt(x)));
}

/**
 * Check that the `size` bytes at `la` can be written, page by page, before
 * anything is stored or any x87 state changes (a #PF reports the first
 * page that cannot be written, as a page-crossing store does).
 */
export function probeWrite(cpu: Cpu, la: number, size: number): void {
  let p = la;
  const end = la + size;
  while (p < end) {
    cpu.mmu.translate(p, ACCESS_WRITE);
    p = p - (p & 0xfff) + 4096;
  }
}

/** Read `n` bytes at `la` into `out` (faults before the caller changes anything). */
export function readBytes(cpu: Cpu, la: number, out: Uint8Array, n: number): void {
  for (let k = 0; k < n; k++) out[k] = cpu.mmu.read8(la + k);
}

/** Write `n` bytes from `src` at `la` (probe first where a partial store must not happen). */
export function writeBytes(cpu: Cpu, la: number, src: Uint8Array, n: number): void {
  for (let k = 0; k < n; k++) cpu.mmu.write8(la + k, src[k]);
}
