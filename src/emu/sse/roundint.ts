/**
 * ROUNDSS/ROUNDSD/ROUNDPS/ROUNDPD (SDM Vol. 2 ROUNDPD, Table 4-18): round to
 * an integral value in the same format. imm8[1:0] is the rounding mode
 * unless imm8[2] = 1 (then MXCSR.RC); imm8[3] = 1 suppresses the precision
 * exception. Only an SNaN signals IE (the result is it, quieted); there is
 * no DE, and a denormal under DAZ rounds as zero.
 */
import { type Fmt, C_INF, C_QNAN, C_SNAN, classOf, operand, quietLane, writeLane } from './fpbits.ts';
import { type SseState, MX_IE, MX_PE } from './mxcsr.ts';
import { roundToIntegral } from './round.ts';

/** Element b rounded to element d; the mode comes from st.imm (the driver's imm8). */
export function roundLane(st: SseState, f: Fmt, d: number, b: number): void {
  const c = classOf(st.x, f, b);
  if (c >= C_QNAN) {
    if (c === C_SNAN) st.pre |= MX_IE;
    return quietLane(st.x, f, d, b);
  }
  const v = operand(st, f, b, c);
  if (c === C_INF) return writeLane(st.x, f, d, v);
  const imm = st.imm;
  const r = roundToIntegral(v, imm & 4 ? st.rc : imm & 3);
  if (r !== v && !(imm & 8)) st.post |= MX_PE;
  writeLane(st.x, f, d, r);
}
