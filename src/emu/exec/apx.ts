/**
 * Instruction family: APX-only legacy-map instructions. So far JMPABS
 * (REX2.M0=0 REX2.W=0 A1 imm64: RIP = imm64, #GP(0) if not canonical), per
 * the Intel APX architecture specification. The decoder (decode.ts) has
 * already turned W=1 and the 66/67/F0/F2/F3 prefixes into #UD, and the REX2
 * gate raises #UD while XCR0.APX is clear.
 */
import type { Cpu } from '../cpu.ts';
import type { Handler, Insn } from '../insn.ts';
import { jumpTo } from '../operands.ts';

function jmpabs(cpu: Cpu, i: Insn): void {
  jumpTo(cpu, i.imm, i.immHi);
}

export function bind(i: Insn): Handler | undefined {
  if (i.map === 0 && i.op === 0xa1 && i.rex2) return jmpabs;
  return undefined;
}
