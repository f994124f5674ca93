/** Instruction family: shift (to be written). */
import type { Handler, Insn } from '../insn.ts';

export function bind(i: Insn): Handler | undefined {
  void i;
  return undefined;
}
