/**
 * SSE data movement (SDM Vol. 2 MOVAPS … MOVDQU, MOVSS/MOVSD, MOVLPS/MOVHPS,
 * MOVHLPS/MOVLHPS, MOVD/MOVQ, MOVNT*, LDDQU, MOVDDUP/MOVSLDUP/MOVSHDUP,
 * MASKMOVDQU, MOVMSKPS/PD, PMOVMSKB). Aligned forms (MOVAPS, MOVAPD,
 * MOVDQA, MOVNTPS/PD, MOVNTDQ, MOVNTDQA, MOVSLDUP, MOVSHDUP) #GP(0) on a
 * misaligned m128; MOVUPS/MOVUPD/MOVDQU/LDDQU do not.
 */
import type { Cpu } from '../cpu.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, linearAddress, readRm32, readRm64, setReg32, writeRmSized } from '../operands.ts';
import { PC_66, PC_F2, PC_F3, PC_NONE } from '../opcodes/row.ts';
import { RDI } from '../regs.ts';
import { XMM_RES } from '../sse/xmm.ts';
import {
  M128, M128A, M32, M64, type SseEntry, at, ea128, src, sseCheck, storeXmm, xreg, xrm, zeroFrom,
} from './sse-access.ts';

/** Whole-register load: MOVAPS/MOVUPS/MOVDQA/MOVDQU/LDDQU/MOVNTDQA xmm, xmm/m128. */
const load128 = (size: number): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  cpu.sse.x.copy(xreg(i), src(cpu, i, size));
};

/** Whole-register store: MOVAPS/MOVUPS/MOVDQA/MOVDQU/MOVNT* xmm/m128, xmm. */
const store128 = (aligned: boolean): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (i.regForm) cpu.sse.x.copy(xrm(i), xreg(i));
  else storeXmm(cpu, ea128(cpu, i, aligned), xreg(i), M128);
};

/** MOVSS/MOVSD xmm, xmm/m32|m64: a register source moves the low element only; memory zeroes the rest. */
const loadScalar = (size: number): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const u = cpu.sse.x.u32, d = xreg(i) * 4, s = src(cpu, i, size) * 4;
  u[d] = u[s];
  if (size === M64) u[d + 1] = u[s + 1];
  if (!i.regForm) zeroFrom(cpu, xreg(i), size);
};

/** MOVSS/MOVSD xmm/m32|m64, xmm; also MOVLPS/MOVLPD m64, xmm and MOVQ xmm/m64, xmm (66 0F D6, which zeroes the high qword of a register). */
const storeLow = (size: number, zeroHigh: boolean): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  if (!i.regForm) return storeXmm(cpu, ea(cpu, i), xreg(i), size);
  const u = cpu.sse.x.u32, d = xrm(i) * 4, s = xreg(i) * 4;
  u[d] = u[s];
  if (size === M64) u[d + 1] = u[s + 1];
  if (zeroHigh) u[d + 2] = u[d + 3] = 0;
};

/** Copy qword `from` (0 low, 1 high) of register s into qword `to` of register d. */
function moveQword(cpu: Cpu, d: number, to: number, s: number, from: number): void {
  const u = cpu.sse.x.u32, a = d * 4 + 2 * to, b = s * 4 + 2 * from;
  u[a] = u[b];
  u[a + 1] = u[b + 1];
}

/**
 * 0F 12 / 0F 16 without prefix: MOVLPS/MOVHPS xmm, m64 (into the low/high
 * qword), or with a register MOVHLPS (low ← src high) / MOVLHPS (high ← src low).
 * 66 0F 12 / 66 0F 16 (MOVLPD/MOVHPD) have only the memory form (the rows say so).
 */
const loadHalf = (high: boolean): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const s = src(cpu, i, M64);
  moveQword(cpu, xreg(i), high ? 1 : 0, s, i.regForm ? (high ? 0 : 1) : 0);
};

/** MOVHPS/MOVHPD m64, xmm: the high qword. */
const storeHigh: Handler = (cpu, i) => {
  sseCheck(cpu);
  const u = cpu.sse.x.i32, s = xreg(i) * 4;
  cpu.mmu.write64(ea(cpu, i), u[s + 2], u[s + 3]);
};

/** MOVDDUP (qword 0 twice, m64), MOVSLDUP (dwords 0 0 2 2), MOVSHDUP (1 1 3 3). */
const dup = (size: number, pick: readonly number[]): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const u = cpu.sse.x.u32, s = src(cpu, i, size) * 4, r = XMM_RES * 4;
  for (let k = 0; k < 4; k++) u[r + k] = u[s + pick[k]];
  cpu.sse.x.copy(xreg(i), XMM_RES);
};

/** MOVD/MOVQ xmm, r/m32|r/m64 (66 0F 6E): zero-extended to 128 bits. */
const movdToXmm: Handler = (cpu, i) => {
  sseCheck(cpu);
  const u = cpu.sse.x.i32, d = xreg(i) * 4;
  if (i.rexW) {
    u[d] = readRm64(cpu, i);
    u[d + 1] = cpu.mmu.hi;
  } else {
    u[d] = readRm32(cpu, i);
    u[d + 1] = 0;
  }
  u[d + 2] = u[d + 3] = 0;
};

/** MOVD/MOVQ r/m32|r/m64, xmm (66 0F 7E). */
const movdFromXmm: Handler = (cpu, i) => {
  sseCheck(cpu);
  const u = cpu.sse.x.i32, s = xreg(i) * 4;
  writeRmSized(cpu, i, i.rexW ? 8 : 4, u[s], u[s + 1]);
};

/** MOVQ xmm, xmm/m64 (F3 0F 7E): the low qword, high qword zeroed. */
const movqLoad: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M64);
  moveQword(cpu, xreg(i), 0, s, 0);
  zeroFrom(cpu, xreg(i), 8);
};

/** MOVMSKPS/MOVMSKPD r32, xmm; PMOVMSKB r32, xmm: the elements' sign bits, zero-extended. */
const signMask = (size: 1 | 4 | 8): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const b = cpu.sse.x.u8, s = xrm(i) * 16;
  let m = 0;
  for (let k = 0; k < 16 / size; k++) m |= (b[s + k * size + size - 1] >> 7) << k;
  setReg32(cpu, i.reg, m);
};

/**
 * MASKMOVDQU xmm1, xmm2 (66 0F F7): the bytes of xmm1 whose xmm2 byte has
 * its top bit set are stored at DS:RDI (EDI with 67). The selected bytes'
 * pages are checked before anything is stored.
 */
const maskmovdqu: Handler = (cpu, i) => {
  sseCheck(cpu);
  const r = cpu.r, x = cpu.sse.x.u8, d = xreg(i) * 16, m = xrm(i) * 16;
  const lo = r[2 * RDI], hi = i.asz === 4 ? 0 : r[2 * RDI + 1];
  const la = linearAddress(lo, hi, i.seg >= 4 ? cpu.seg[i.seg].base : 0);
  for (let k = 0; k < 16; k++) if (x[m + k] & 0x80) cpu.mmu.checkWritable(la + k);
  for (let k = 0; k < 16; k++) if (x[m + k] & 0x80) cpu.mmu.write8(la + k, x[d + k]);
};

/** MOVNTDQA needs an aligned m128 like MOVDQA; its register form does not exist (row M_MEM). */
const aligned = load128(M128A);

export const MOVE_HANDLERS: readonly SseEntry[] = [
  at(1, PC_NONE, 0x10, load128(M128)), at(1, PC_66, 0x10, load128(M128)),
  at(1, PC_F3, 0x10, loadScalar(M32)), at(1, PC_F2, 0x10, loadScalar(M64)),
  at(1, PC_NONE, 0x11, store128(false)), at(1, PC_66, 0x11, store128(false)),
  at(1, PC_F3, 0x11, storeLow(M32, false)), at(1, PC_F2, 0x11, storeLow(M64, false)),
  at(1, PC_NONE, 0x12, loadHalf(false)), at(1, PC_66, 0x12, loadHalf(false)),
  at(1, PC_F3, 0x12, dup(M128A, [0, 0, 2, 2])), at(1, PC_F2, 0x12, dup(M64, [0, 1, 0, 1])),
  at(1, PC_NONE, 0x13, storeLow(M64, false)), at(1, PC_66, 0x13, storeLow(M64, false)),
  at(1, PC_NONE, 0x16, loadHalf(true)), at(1, PC_66, 0x16, loadHalf(true)),
  at(1, PC_F3, 0x16, dup(M128A, [1, 1, 3, 3])),
  at(1, PC_NONE, 0x17, storeHigh), at(1, PC_66, 0x17, storeHigh),
  at(1, PC_NONE, 0x28, aligned), at(1, PC_66, 0x28, aligned),
  at(1, PC_NONE, 0x29, store128(true)), at(1, PC_66, 0x29, store128(true)),
  at(1, PC_NONE, 0x2b, store128(true)), at(1, PC_66, 0x2b, store128(true)),
  at(1, PC_NONE, 0x50, signMask(4)), at(1, PC_66, 0x50, signMask(8)),
  at(1, PC_66, 0x6e, movdToXmm),
  at(1, PC_66, 0x6f, aligned), at(1, PC_F3, 0x6f, load128(M128)),
  at(1, PC_66, 0x7e, movdFromXmm), at(1, PC_F3, 0x7e, movqLoad),
  at(1, PC_66, 0x7f, store128(true)), at(1, PC_F3, 0x7f, store128(false)),
  at(1, PC_66, 0xd6, storeLow(M64, true)),
  at(1, PC_66, 0xd7, signMask(1)),
  at(1, PC_66, 0xe7, store128(true)),
  at(1, PC_F2, 0xf0, load128(M128)),
  at(1, PC_66, 0xf7, maskmovdqu),
  at(2, PC_66, 0x2a, aligned),
];
