/**
 * MIN/MAX, CMPPS/CMPPD/CMPSS/CMPSD and COMIS/UCOMIS (SDM Vol. 2 pages of
 * those instructions; Vol. 1 §11.4.1, Table 11-1). Element indices as in
 * arith.ts.
 */
import {
  type Fmt, C_DENORM, C_QNAN, C_SNAN, classOf, copyLane, denormalCheck, operand, writeLane,
} from './fpbits.ts';
import { type SseState, MX_IE, beginFp, endFp } from './mxcsr.ts';

/**
 * MINSS … MAXPD: dst = a < b ? a : b (a > b for max). Not IEEE minNum: a NaN
 * in either operand, or two zeros of any sign, give the second operand
 * unchanged (an SNaN stays signaling), and any NaN signals IE. A DAZ
 * operand is delivered as the zero it was read as.
 */
export function minMaxLane(st: SseState, f: Fmt, d: number, a: number, b: number, max: boolean): void {
  const x = st.x, ca = classOf(x, f, a), cb = classOf(x, f, b);
  if (ca >= C_QNAN || cb >= C_QNAN) {
    st.pre |= MX_IE;
    // The second operand as is — after DAZ (host-verified: a denormal becomes ±0).
    if (cb === C_DENORM && st.daz) return writeLane(x, f, d, operand(st, f, b, cb));
    return copyLane(x, f, d, b);
  }
  denormalCheck(st, ca, cb);
  const va = operand(st, f, a, ca), vb = operand(st, f, b, cb);
  writeLane(x, f, d, (max ? va > vb : va < vb) ? va : vb);
}

/**
 * CMPccPS/PD/SS/SD with predicate imm8[2:0] (Table 3-1 of CMPPS, the SSE
 * subset): 0 EQ_OQ, 1 LT_OS, 2 LE_OS, 3 UNORD_Q, 4 NEQ_UQ, 5 NLT_US,
 * 6 NLE_US, 7 ORD_Q. The element becomes all ones when true. The signaling
 * predicates (1, 2, 5, 6) raise IE for a QNaN too; every predicate for an SNaN.
 */
export function cmpLane(st: SseState, f: Fmt, d: number, a: number, b: number, pred: number): void {
  const x = st.x, ca = classOf(x, f, a), cb = classOf(x, f, b);
  let r: boolean;
  if (ca >= C_QNAN || cb >= C_QNAN) {
    if (ca === C_SNAN || cb === C_SNAN || (pred & 3) === 1 || (pred & 3) === 2) st.pre |= MX_IE;
    r = pred >= 3 && pred <= 6; // unordered: UNORD, NEQ, NLT, NLE are true
  } else {
    denormalCheck(st, ca, cb);
    const va = operand(st, f, a, ca), vb = operand(st, f, b, cb);
    switch (pred & 7) {
      case 0: r = va === vb; break;
      case 1: r = va < vb; break;
      case 2: r = va <= vb; break;
      case 3: r = false; break;
      case 4: r = va !== vb; break;
      case 5: r = !(va < vb); break;
      case 6: r = !(va <= vb); break;
      default: r = true;
    }
  }
  const v = r ? 0xffffffff : 0;
  if (f.single) x.u32[d] = v;
  else {
    x.u32[2 * d] = v;
    x.u32[2 * d + 1] = v;
  }
}

// RFLAGS bits written by COMIS/UCOMIS (SDM Vol. 2 COMISD "Operation").
const CF = 1, PF = 4, ZF = 0x40;

/**
 * COMISS/COMISD (signaling = true: a QNaN operand raises IE too) and
 * UCOMISS/UCOMISD (IE for an SNaN only) of element 0 of registers dst and
 * src. Returns the new ZF/PF/CF (OF, SF, AF are cleared), or -1 when an
 * unmasked exception occurred (RFLAGS must then stay unchanged).
 */
export function comiOp(st: SseState, f: Fmt, dst: number, src: number, signaling: boolean): number {
  beginFp(st);
  const n = f.single ? 4 : 2, a = dst * n, b = src * n;
  const x = st.x, ca = classOf(x, f, a), cb = classOf(x, f, b);
  let fl: number;
  if (ca >= C_QNAN || cb >= C_QNAN) {
    if (signaling || ca === C_SNAN || cb === C_SNAN) st.pre |= MX_IE;
    fl = ZF | PF | CF;
  } else {
    denormalCheck(st, ca, cb);
    const va = operand(st, f, a, ca), vb = operand(st, f, b, cb);
    fl = va > vb ? 0 : va < vb ? CF : ZF;
  }
  return endFp(st) ? -1 : fl;
}
