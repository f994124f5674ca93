/**
 * Operations that combine elements across a register (SDM Vol. 2 HADDPS,
 * HADDPD, HSUBPS, HSUBPD, ADDSUBPS, ADDSUBPD, DPPS, DPPD). Every step is an
 * ordinary rounded SSE add/multiply (arith.ts), in the SDM's order, so NaN
 * propagation, DAZ/FTZ and flags follow the same rules; the steps' flags
 * accumulate into the one instruction's MXCSR update.
 */
import { addLane, mulDivLane } from './arith.ts';
import { type Fmt, copyLane, writeLane } from './fpbits.ts';
import { type SseState, beginFp, endFp } from './mxcsr.ts';
import { XMM_RES, XMM_TMP } from './xmm.ts';

/**
 * End of one DPPS/DPPD step: its flags reach MXCSR under the usual rules
 * (endFp); true when it had an unmasked exception — the instruction stops
 * there, later steps report nothing (host-verified, e.g. masked OE/PE of the
 * multiplies stay reported when an add then signals an unmasked IE).
 */
function stepFaults(st: SseState): boolean {
  if (endFp(st)) return true;
  st.pre = st.post = 0;
  return false;
}

function commit(st: SseState, dst: number): boolean {
  if (endFp(st)) return true;
  st.x.copy(dst, XMM_RES);
  return false;
}

/**
 * HADDPS/HSUBPS/HADDPD/HSUBPD dst, src: the low half of the result pairs up
 * dst's elements (e0 op e1, e2 op e3), the high half src's.
 */
export function horizontalOp(st: SseState, f: Fmt, dst: number, src: number, sub: boolean): boolean {
  beginFp(st);
  const n = f.single ? 4 : 2, half = n / 2, r = XMM_RES * n;
  for (let k = 0; k < n; k++) {
    const from = (k < half ? dst : src) * n + 2 * (k % half);
    addLane(st, f, r + k, from, from + 1, sub);
  }
  return commit(st, dst);
}

/** ADDSUBPS/ADDSUBPD dst, src: even elements dst - src, odd elements dst + src. */
export function addSubOp(st: SseState, f: Fmt, dst: number, src: number): boolean {
  beginFp(st);
  const n = f.single ? 4 : 2, r = XMM_RES * n;
  for (let k = 0; k < n; k++) addLane(st, f, r + k, dst * n + k, src * n + k, (k & 1) === 0);
  return commit(st, dst);
}

/**
 * DPPS (f = F32) / DPPD (f = F64) dst, src, imm8: products of the elements
 * selected by imm8[7:4] (others +0.0), summed as (p0 + p1) + (p2 + p3) — for
 * DPPD p0 + p1 — each step rounded; the sum goes to the elements selected by
 * imm8[3:0], +0.0 elsewhere.
 */
export function dotProductOp(st: SseState, f: Fmt, dst: number, src: number, imm: number): boolean {
  beginFp(st);
  const n = f.single ? 4 : 2, t = XMM_TMP * n, r = XMM_RES * n;
  for (let k = 0; k < n; k++) {
    if (imm & (0x10 << k)) mulDivLane(st, f, t + k, dst * n + k, src * n + k, false);
    else writeLane(st.x, f, t + k, 0);
  }
  if (stepFaults(st)) return true;
  let sum = t;
  if (n === 4) {
    // Temp2 = p0 + p1 into element 0, Temp3 = p2 + p3 into element 1, Temp4 into element 2.
    addLane(st, f, t, t, t + 1, false);
    addLane(st, f, t + 1, t + 2, t + 3, false);
    if (stepFaults(st)) return true;
    addLane(st, f, t + 2, t, t + 1, false);
    sum = t + 2;
  } else addLane(st, f, t, t, t + 1, false);
  for (let k = 0; k < n; k++) {
    if (imm & (1 << k)) copyLane(st.x, f, r + k, sum);
    else writeLane(st.x, f, r + k, 0);
  }
  return commit(st, dst);
}

