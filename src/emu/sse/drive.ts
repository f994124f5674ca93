/**
 * Running element operations over XMM registers with the SIMD exception
 * rules of SDM Vol. 1 §11.5.2: the result is built in XMM_RES and reaches
 * the destination only when no unmasked exception occurred. Every driver
 * returns true for "unmasked exception: raise simdFaultVector(cr4), leave
 * the destination unwritten" (MXCSR flags are already updated).
 *
 *   ADDPD xmm1, xmm2/m128  →  packedOp(st, F64, ADD, 1, src)
 *   ADDSS xmm1, xmm2/m32   →  scalarOp(st, F32, ADD, 1, src)
 * with src a register number, or XMM_SRC after the handler loaded the
 * memory operand there (m32/m64 into its low element). `imm` is the
 * instruction's imm8 where it has one (CMPPS predicate, ROUNDPS mode).
 */
import { type Fmt, copyLane } from './fpbits.ts';
import { type SseState, beginFp, endFp } from './mxcsr.ts';
import { XMM_RES } from './xmm.ts';

/** An element operation: d, a, b are element indices in the format's view. */
export type Lane2 = (st: SseState, f: Fmt, d: number, a: number, b: number) => void;

export function lanesOf(f: Fmt): number {
  return f.single ? 4 : 2;
}

/** OPPS/OPPD dst, src: dst[k] = op(dst[k], src[k]) for every element. */
export function packedOp(st: SseState, f: Fmt, op: Lane2, dst: number, src: number, imm = 0): boolean {
  beginFp(st);
  st.imm = imm;
  const n = lanesOf(f), r = XMM_RES * n, a = dst * n, b = src * n;
  for (let k = 0; k < n; k++) op(st, f, r + k, a + k, b + k);
  if (endFp(st)) return true;
  st.x.copy(dst, XMM_RES);
  return false;
}

/** OPSS/OPSD dst, src: element 0 only; the other elements of dst are kept. */
export function scalarOp(st: SseState, f: Fmt, op: Lane2, dst: number, src: number, imm = 0): boolean {
  beginFp(st);
  st.imm = imm;
  const n = lanesOf(f);
  op(st, f, XMM_RES * n, dst * n, src * n);
  if (endFp(st)) return true;
  copyLane(st.x, f, dst * n, XMM_RES * n);
  return false;
}
