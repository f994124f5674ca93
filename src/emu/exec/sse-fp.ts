/**
 * SSE … SSE4.1 floating-point arithmetic handlers: ADD/SUB/MUL/DIV/MIN/MAX/
 * SQRT, RCP/RSQRT, CMPcc, (U)COMISS/SD, HADD/HSUB, ADDSUB, ROUND*, DPPS/DPPD
 * (SDM Vol. 2 pages of each). The arithmetic is src/emu/sse's; here only the
 * operand forms: packed m128 (aligned), scalar m32/m64.
 */
import type { Cpu } from '../cpu.ts';
import { setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { PC_66, PC_F2, PC_F3, PC_NONE } from '../opcodes/row.ts';
import { type Lane2, packedOp, scalarOp } from '../sse/drive.ts';
import { type Fmt, F32, F64 } from '../sse/fpbits.ts';
import { comiOp } from '../sse/compare.ts';
import { addSubOp, dotProductOp, horizontalOp } from '../sse/horizontal.ts';
import { ADD, CMP, DIV, MAX, MIN, MUL, RCP, ROUND, RSQRT, SQRT, SUB } from '../sse/ops.ts';
import { M128A, M32, M64, type SseEntry, at, simdFault, src, sseCheck, xreg } from './sse-access.ts';

const packed = (f: Fmt, op: Lane2, imm = false): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (packedOp(cpu.sse, f, op, xreg(i), src(cpu, i, M128A), imm ? i.imm : 0)) simdFault(cpu);
};
const scalar = (f: Fmt, op: Lane2, imm = false): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (scalarOp(cpu.sse, f, op, xreg(i), src(cpu, i, f.single ? M32 : M64), imm ? i.imm : 0)) simdFault(cpu);
};

/** The four forms NP/66/F3/F2 of a map-1 arithmetic opcode: PS, PD, SS, SD. */
function four(op: number, lane: Lane2, imm = false): SseEntry[] {
  return [
    at(1, PC_NONE, op, packed(F32, lane, imm)), at(1, PC_66, op, packed(F64, lane, imm)),
    at(1, PC_F3, op, scalar(F32, lane, imm)), at(1, PC_F2, op, scalar(F64, lane, imm)),
  ];
}

/** COMISS/COMISD (signaling) and UCOMISS/UCOMISD: ZF PF CF from the comparison, OF SF AF cleared. */
const comi = (f: Fmt, signaling: boolean): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const fl = comiOp(cpu.sse, f, xreg(i), src(cpu, i, f.single ? M32 : M64), signaling);
  if (fl < 0) simdFault(cpu);
  setArithFlags(cpu.fl, fl);
};

type Whole = (st: Cpu['sse'], f: Fmt, dst: number, src: number) => boolean;
const whole = (f: Fmt, op: Whole): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (op(cpu.sse, f, xreg(i), src(cpu, i, M128A))) simdFault(cpu);
};
const dot = (f: Fmt): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (dotProductOp(cpu.sse, f, xreg(i), src(cpu, i, M128A), i.imm)) simdFault(cpu);
};

export const FP_HANDLERS: readonly SseEntry[] = [
  ...four(0x51, SQRT),
  at(1, PC_NONE, 0x52, packed(F32, RSQRT)), at(1, PC_F3, 0x52, scalar(F32, RSQRT)),
  at(1, PC_NONE, 0x53, packed(F32, RCP)), at(1, PC_F3, 0x53, scalar(F32, RCP)),
  ...four(0x58, ADD),
  ...four(0x59, MUL),
  ...four(0x5c, SUB),
  ...four(0x5d, MIN),
  ...four(0x5e, DIV),
  ...four(0x5f, MAX),
  ...four(0xc2, CMP, true),
  at(1, PC_NONE, 0x2e, comi(F32, false)), at(1, PC_66, 0x2e, comi(F64, false)),
  at(1, PC_NONE, 0x2f, comi(F32, true)), at(1, PC_66, 0x2f, comi(F64, true)),
  // SSE3
  at(1, PC_66, 0x7c, whole(F64, (st, f, d, s) => horizontalOp(st, f, d, s, false))),
  at(1, PC_F2, 0x7c, whole(F32, (st, f, d, s) => horizontalOp(st, f, d, s, false))),
  at(1, PC_66, 0x7d, whole(F64, (st, f, d, s) => horizontalOp(st, f, d, s, true))),
  at(1, PC_F2, 0x7d, whole(F32, (st, f, d, s) => horizontalOp(st, f, d, s, true))),
  at(1, PC_66, 0xd0, whole(F64, addSubOp)),
  at(1, PC_F2, 0xd0, whole(F32, addSubOp)),
  // SSE4.1 (66 0F 3A)
  at(3, PC_66, 0x08, packed(F32, ROUND, true)),
  at(3, PC_66, 0x09, packed(F64, ROUND, true)),
  at(3, PC_66, 0x0a, scalar(F32, ROUND, true)),
  at(3, PC_66, 0x0b, scalar(F64, ROUND, true)),
  at(3, PC_66, 0x40, dot(F32)),
  at(3, PC_66, 0x41, dot(F64)),
];
