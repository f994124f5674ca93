/**
 * INS/OUTS (6C–6F; SDM Vol. 2 INS/INSB/INSW/INSD, OUTS/OUTSB/OUTSW/OUTSD):
 * string I/O between port DX and ES:[RDI] (INS) or [RSI] with its segment
 * override (OUTS), 8/16/32 bits, REP (F2 or F3) with RCX, 67 for
 * ESI/EDI/ECX, DF for the direction. CPL > IOPL is #GP(0) (no I/O bitmap).
 *
 * With I/O exiting (`ctl.io`) every element is one VM-exit (EXIT_IO, count 1,
 * `exit.stringIo` set): the memory operand is checked first (OUTS reads the
 * element, INS probes the store), so completing cannot fault; the hypervisor
 * then calls `completeStringIo` with the port's value, which performs the
 * element's store and pointer/count updates and says whether the instruction
 * is done (a REP with RCX left re-executes, exiting for the next element).
 * Without exiting, the elements go through `cpu.io`, a REP in one call up to
 * the same limits as the other string instructions (string.ts).
 */
import type { Cpu } from '../cpu.ts';
import { EXIT_IO } from '../exits.ts';
import { GP, GuestFault } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { FLAG_TF, RDI, RDX, RSI } from '../regs.ts';
import { CHUNK, advance, countZero, decCount, srcBase, stepOf, strLa } from './string.ts';

function read(cpu: Cpu, la: number, size: number): number {
  return size === 1 ? cpu.mmu.read8(la) : size === 2 ? cpu.mmu.read16(la) : cpu.mmu.read32(la);
}
function write(cpu: Cpu, la: number, size: number, v: number): void {
  if (size === 1) cpu.mmu.write8(la, v);
  else if (size === 2) cpu.mmu.write16(la, v);
  else cpu.mmu.write32(la, v);
}

/** After one element: move the pointer, count down under REP; true when the instruction is done. */
function stepDone(cpu: Cpu, i: Insn, size: number, out: boolean): boolean {
  advance(cpu, out ? RSI : RDI, i.asz, stepOf(cpu, size));
  if (i.rep === 0) return true;
  decCount(cpu, i.asz);
  return countZero(cpu, i.asz);
}

function stringIo(cpu: Cpu, i: Insn, size: number, out: boolean): void {
  if (cpu.cpl > ((cpu.flagsOther >> 12) & 3)) throw new GuestFault(GP, 0);
  if (i.rep !== 0 && countZero(cpu, i.asz)) return;
  const port = cpu.r[2 * RDX] & 0xffff;
  let left = (cpu.flagsOther & FLAG_TF) !== 0 ? 1 : CHUNK;
  for (;;) {
    let v = 0, la: number;
    if (out) {
      la = strLa(cpu, RSI, i.asz, srcBase(cpu, i));
      v = read(cpu, la, size);
    } else {
      la = strLa(cpu, RDI, i.asz, 0);
      cpu.mmu.checkWritable(la);
      if ((la & 0xfff) + size > 4096) cpu.mmu.checkWritable(la + size - 1);
    }
    if (cpu.ctl.io) {
      const exit = cpu.exit;
      exit.port = port;
      exit.size = size;
      exit.out = out;
      exit.value = v;
      exit.count = 1;
      exit.stringIo = i;
      cpu.vmexit(EXIT_IO);
    }
    if (out) cpu.io.out(port, size, v);
    else write(cpu, la, size, cpu.io.in(port, size));
    if (stepDone(cpu, i, size, out)) return;
    if (--left === 0 || (cpu.dbg.hits !== 0 && cpu.dbg.data !== 0)) {
      cpu.rip -= i.len; // resume this instruction next time (not retired yet)
      cpu.icount--;
      return;
    }
  }
}

/**
 * Complete the element an INS/OUTS exit stopped at (RIP still at the
 * instruction): INS stores `value` (the port's data) at ES:[RDI]. Returns
 * true when the instruction is finished and RIP must move past it.
 */
export function completeStringIo(cpu: Cpu, i: Insn, value: number): boolean {
  const size = (i.op & 1) === 0 ? 1 : i.opsizePrefix ? 2 : 4;
  const out = (i.op & 2) !== 0;
  if (!out) write(cpu, strLa(cpu, RDI, i.asz, 0), size, value);
  return stepDone(cpu, i, size, out);
}

/** 6C INSB, 6D INSW/INSD, 6E OUTSB, 6F OUTSW/OUTSD: 16 bits with 66, else 32 (REX.W does not make 64). */
export function bindStringIo(i: Insn): Handler | undefined {
  const size = (i.op & 1) === 0 ? 1 : i.opsizePrefix ? 2 : 4;
  const out = (i.op & 2) !== 0;
  return (cpu, insn) => stringIo(cpu, insn, size, out);
}
