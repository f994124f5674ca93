/**
 * Arithmetic-flag liveness over a region (blink's GetNeededFlags, box64's
 * per-instruction use/set masks): which of CF PF AF ZF SF OF are read after
 * each instruction before being written again. Everything is live at a region
 * exit (the interpreter may read any flag) and before any instruction that can
 * fault or that runs the interpreter's handler: a precise exception must see
 * the flags exactly as the interpreter would have left them; so must the
 * interpreter taking over at a block boundary (flagLiveness).
 */
import { ARITH_FLAGS, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from '../regs.ts';
import { K_ALU, K_CMOV, K_IMUL, K_INCDEC, K_JCC, K_JMP, K_LEA, K_MOV, K_MOVX, K_NOP, K_SETCC, K_SHIFT } from './classify.ts';
import type { Region, RegionInsn } from './region.ts';

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

function uses(r: RegionInsn): number {
  if (mayFault(r)) return ARITH_FLAGS;
  switch (r.kind) {
    case K_JCC: case K_CMOV: case K_SETCC: return ccUses(ccOf(r));
    case K_IMUL: return FLAG_PF; // PF is kept (muldiv.ts mulFlags)
  }
  return 0;
}

function defs(r: RegionInsn): number {
  switch (r.kind) {
    case K_ALU: return ARITH_FLAGS;
    case K_INCDEC: return ARITH_FLAGS & ~FLAG_CF;
    case K_IMUL: return ARITH_FLAGS & ~FLAG_PF;
    case K_SHIFT: return shiftCount(r) === 0 ? 0 : ARITH_FLAGS;
  }
  return 0;
}

/**
 * Flags live after each instruction, by RegionInsn.id. Every block end is
 * treated as an exit: the budget check at the start of the next block may
 * hand the state to the interpreter there, so what is live across blocks is
 * everything, and the analysis is a backward scan of each block.
 */
export function flagLiveness(region: Region): Int32Array {
  const liveOut = new Int32Array(region.insns.length);
  for (const blk of region.blocks) {
    let live = ARITH_FLAGS;
    for (let k = blk.insns.length - 1; k >= 0; k--) {
      const r = blk.insns[k];
      liveOut[r.id] = live;
      live = (live & ~defs(r)) | uses(r);
    }
  }
  return liveOut;
}
