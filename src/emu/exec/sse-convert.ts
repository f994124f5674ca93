/**
 * CVT* handlers between XMM, general registers and memory (SDM Vol. 2
 * CVTDQ2PD … CVTTSS2SI): the operand forms around src/emu/sse/convert.ts.
 * REX.W selects the 64-bit integer of CVTSI2SS/SD and CVT(T)SS/SD2SI.
 */
import type { Cpu } from '../cpu.ts';
import type { Handler, Insn } from '../insn.ts';
import { readRm32, readRm64, setReg32, setReg64 } from '../operands.ts';
import { PC_66, PC_F2, PC_F3, PC_NONE } from '../opcodes/row.ts';
import { cvtPackedFp, cvtScalarFp, cvtdq2fp, cvtfp2dq, cvtfp2si, cvtsi2fp } from '../sse/convert.ts';
import { type Fmt, F32, F64 } from '../sse/fpbits.ts';
import { M128A, M32, M64, type SseEntry, at, simdFault, src, sseCheck, xreg } from './sse-access.ts';

/** CVTSI2SS/CVTSI2SD xmm, r/m32|r/m64. */
const si2fp = (to: Fmt): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  let lo: number, hi: number;
  if (i.rexW) {
    lo = readRm64(cpu, i);
    hi = cpu.mmu.hi;
  } else {
    lo = readRm32(cpu, i);
    hi = lo >> 31;
  }
  if (cvtsi2fp(cpu.sse, to, xreg(i), lo, hi)) simdFault(cpu);
};

/** CVT(T)SS2SI/CVT(T)SD2SI r32|r64, xmm/m32|m64. */
const fp2si = (from: Fmt, truncate: boolean): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const st = cpu.sse;
  if (cvtfp2si(st, from, src(cpu, i, from.single ? M32 : M64), i.rexW, truncate)) simdFault(cpu);
  if (i.rexW) setReg64(cpu, i.reg, st.ilo, st.ihi);
  else setReg32(cpu, i.reg, st.ilo);
};

type Conv = (cpu: Cpu, dst: number, s: number) => boolean;
const conv = (size: number, op: Conv): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (op(cpu, xreg(i), src(cpu, i, size))) simdFault(cpu);
};

export const CONVERT_HANDLERS: readonly SseEntry[] = [
  at(1, PC_F3, 0x2a, si2fp(F32)),
  at(1, PC_F2, 0x2a, si2fp(F64)),
  at(1, PC_F3, 0x2c, fp2si(F32, true)),
  at(1, PC_F2, 0x2c, fp2si(F64, true)),
  at(1, PC_F3, 0x2d, fp2si(F32, false)),
  at(1, PC_F2, 0x2d, fp2si(F64, false)),
  at(1, PC_NONE, 0x5a, conv(M64, (c, d, s) => cvtPackedFp(c.sse, F32, d, s))), // CVTPS2PD
  at(1, PC_66, 0x5a, conv(M128A, (c, d, s) => cvtPackedFp(c.sse, F64, d, s))), // CVTPD2PS
  at(1, PC_F3, 0x5a, conv(M32, (c, d, s) => cvtScalarFp(c.sse, F32, d, s))), // CVTSS2SD
  at(1, PC_F2, 0x5a, conv(M64, (c, d, s) => cvtScalarFp(c.sse, F64, d, s))), // CVTSD2SS
  at(1, PC_NONE, 0x5b, conv(M128A, (c, d, s) => cvtdq2fp(c.sse, F32, d, s))), // CVTDQ2PS
  at(1, PC_66, 0x5b, conv(M128A, (c, d, s) => cvtfp2dq(c.sse, F32, d, s, false))), // CVTPS2DQ
  at(1, PC_F3, 0x5b, conv(M128A, (c, d, s) => cvtfp2dq(c.sse, F32, d, s, true))), // CVTTPS2DQ
  at(1, PC_66, 0xe6, conv(M128A, (c, d, s) => cvtfp2dq(c.sse, F64, d, s, true))), // CVTTPD2DQ
  at(1, PC_F3, 0xe6, conv(M64, (c, d, s) => cvtdq2fp(c.sse, F64, d, s))), // CVTDQ2PD
  at(1, PC_F2, 0xe6, conv(M128A, (c, d, s) => cvtfp2dq(c.sse, F64, d, s, false))), // CVTPD2DQ
];
