/**
 * What the code generator asks of an instruction's flags and faults: the
 * condition a Jcc/CMOVcc/SETcc reads, whether an instruction can fault (it
 * then records its index for the fault handler), a shift's masked count.
 * Flag liveness (box64's per-instruction use/set masks, blink's
 * GetNeededFlags): within a block, a record whose flags are all overwritten
 * before anything reads them is not emitted. The lazy words are a cache of
 * EFLAGS (flags.ts canonicalFlags), so only EFLAGS must come out exact, and
 * only where something can observe it: a condition, an instruction that can
 * fault or leave the region (its exception frame, the interpreter taking
 * over), a handler call, the end of the block (the next block's budget exit).
 */
import { ARITH_FLAGS, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from '../regs.ts';
import { K_ALU, K_CMOV, K_IMUL, K_INCDEC, K_JCC, K_JMP, K_LEA, K_MOV, K_MOVX, K_NEG, K_NOP, K_NOT, K_SETCC, K_SHIFT } from './classify.ts';
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
    case K_ALU: case K_INCDEC: case K_MOV: case K_MOVX: case K_CMOV: case K_SETCC: case K_IMUL: case K_NEG: case K_NOT:
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

/** Flags an instruction's record sets in full (INC/DEC keep CF, IMUL keeps PF: they read it to keep it). */
function flagDefs(r: RegionInsn): number {
  switch (r.kind) {
    case K_ALU: case K_NEG: return ARITH_FLAGS;
    case K_INCDEC: return ARITH_FLAGS & ~FLAG_CF;
    case K_IMUL: return ARITH_FLAGS & ~FLAG_PF;
    case K_SHIFT: return shiftCount(r) === 0 ? 0 : ARITH_FLAGS;
    default: return 0;
  }
}

function flagUses(r: RegionInsn): number {
  switch (r.kind) {
    case K_JCC: case K_CMOV: case K_SETCC: return ccUses(ccOf(r));
    case K_INCDEC: return FLAG_CF;
    case K_IMUL: return FLAG_PF;
    default: return 0;
  }
}

/**
 * For each instruction of a block, whether the flags it records are dead:
 * none of them is read before the next record of them, and no point where
 * EFLAGS can be observed comes between (see the header).
 */
export function deadRecords(insns: readonly RegionInsn[]): boolean[] {
  const dead = new Array<boolean>(insns.length).fill(false);
  let live = ARITH_FLAGS; // after the last instruction: the block's end
  for (let k = insns.length - 1; k >= 0; k--) {
    const r = insns[k];
    const observable = mayFault(r);
    if (observable) live = ARITH_FLAGS; // an exit after it (cpu.slow), or its own fault
    const defs = flagDefs(r);
    // INC/DEC keep CF and IMUL keeps PF by copying them: their record is needed while that flag is live.
    dead[k] = defs !== 0 && (live & (defs | flagUses(r))) === 0;
    live = (live & ~defs) | flagUses(r);
    if (observable) live = ARITH_FLAGS;
  }
  return dead;
}
