/**
 * The 'x87' family: D8–DF and WAIT/FWAIT (9B). Picks the handler by form:
 * register forms (x87-reg.ts), data memory forms (x87-mem.ts), environment
 * and control-word memory forms (x87-env.ts). The arithmetic itself is the
 * 80-bit soft-float in fpu/.
 */
import type { Handler, Insn } from '../insn.ts';
import { bindX87Env } from './x87-env.ts';
import { fwait } from './x87-gate.ts';
import { bindX87Mem } from './x87-mem.ts';
import { bindX87Reg } from './x87-reg.ts';

export function bind(i: Insn): Handler | undefined {
  if (i.op === 0x9b) return fwait;
  if (i.regForm) return bindX87Reg(i);
  return bindX87Env(i) ?? bindX87Mem(i);
}
