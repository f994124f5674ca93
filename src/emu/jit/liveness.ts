/**
 * What the code generator asks of an instruction's flags and faults: the
 * condition a Jcc/CMOVcc/SETcc reads, whether an instruction can fault (it
 * then records its index for the fault handler), a shift's masked count.
 * There is no dead-flag elimination: the raw lazy-flag words are machine
 * state (time travel compares them), so every record is emitted as the
 * interpreter makes it, and V8 drops the local stores nothing reads.
 */
import { FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from '../regs.ts';
import { K_ALU, K_CMOV, K_IMUL, K_INCDEC, K_JCC, K_JMP, K_LEA, K_MOV, K_MOVX, K_NOP, K_SETCC, K_SHIFT } from './classify.ts';
import type { RegionInsn } from './region.ts';

/** Flags condition code cc reads (SDM Vol. 1 Appendix B). */
export function ccUses(cc: number): number {
  switch (cc >> 1) {
    case 0: return FLAG_OF;
    case 1: return FLAG_CF;
    case 2: return FLAG_ZF;
    case 3: return FLAG_CF | FLAG_ZF;
    case 4: return FLAG_SF;
    case 5: return FLAG_PF;
    case 6: return FLAG_SF | FLAG_OF;
    default: return FLAG_ZF | FLAG_SF | FLAG_OF;
  }
}

/** The condition code of a Jcc/CMOVcc/SETcc. */
export function ccOf(r: RegionInsn): number {
  return r.i.op & 15;
}

/** Can this instruction raise an exception (or leave the region mid-block)? */
export function mayFault(r: RegionInsn): boolean {
  const i = r.i;
  switch (r.kind) {
    case K_ALU: case K_INCDEC: case K_MOV: case K_MOVX: case K_CMOV: case K_SETCC: case K_IMUL:
      return i.hasModrm && !i.regForm; // a memory operand
    case K_LEA: case K_JCC: case K_JMP: case K_SHIFT: case K_NOP:
      return false;
    default:
      return true; // push/pop/call/ret (stack), handler calls
  }
}

/** Shift count after masking (C1 imm8, D1 by one). */
export function shiftCount(r: RegionInsn): number {
  const n = r.i.op === 0xd1 ? 1 : r.i.imm & 0xff;
  return n & (r.i.osz === 8 ? 63 : 31);
}
