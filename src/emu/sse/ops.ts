/**
 * The element operations in the Lane2 shape that drive.ts runs, one per
 * instruction family (format chosen by the driver call).
 */
import { addLane, mulDivLane, sqrtLane } from './arith.ts';
import { approxLane } from './approx.ts';
import { cmpLane, minMaxLane } from './compare.ts';
import type { Lane2 } from './drive.ts';
import { roundLane } from './roundint.ts';

export const ADD: Lane2 = (st, f, d, a, b) => addLane(st, f, d, a, b, false);
export const SUB: Lane2 = (st, f, d, a, b) => addLane(st, f, d, a, b, true);
export const MUL: Lane2 = (st, f, d, a, b) => mulDivLane(st, f, d, a, b, false);
export const DIV: Lane2 = (st, f, d, a, b) => mulDivLane(st, f, d, a, b, true);
/** SQRT dst, src: the first operand is ignored. */
export const SQRT: Lane2 = (st, f, d, _a, b) => sqrtLane(st, f, d, b);
export const MIN: Lane2 = (st, f, d, a, b) => minMaxLane(st, f, d, a, b, false);
export const MAX: Lane2 = (st, f, d, a, b) => minMaxLane(st, f, d, a, b, true);
/** CMPPS/CMPPD/CMPSS/CMPSD: the predicate is the driver's imm8. */
export const CMP: Lane2 = (st, f, d, a, b) => cmpLane(st, f, d, a, b, st.imm & 7);
/** ROUNDPS/PD/SS/SD: the mode is the driver's imm8. */
export const ROUND: Lane2 = (st, f, d, _a, b) => roundLane(st, f, d, b);
/** RCPPS/RCPSS and RSQRTPS/RSQRTSS (binary32 only: pass F32). */
export const RCP: Lane2 = (st, _f, d, _a, b) => approxLane(st, d, b, false);
export const RSQRT: Lane2 = (st, _f, d, _a, b) => approxLane(st, d, b, true);
