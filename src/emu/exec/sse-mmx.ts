/**
 * The MMX forms (SDM Vol. 1 ch. 9, Vol. 2 each instruction's "NP 0F …"
 * encoding): the integer operations on MM0–MM7, the moves, EMMS, MOVQ2DQ/
 * MOVDQ2Q and the conversions with an MMX operand (CVTPI2PS/PD,
 * CVT(T)PS2PI, CVT(T)PD2PI).
 *
 * MMn is the significand of the x87 physical register Rn (§9.5). An MMX
 * instruction (not EMMS) sets TOP = 0 and every tag to valid; writing MMn
 * also sets Rn's sign and exponent to all ones (§9.5.1). Checks (the
 * "Protected Mode Exceptions" of each MMX instruction's page): #UD for
 * CR0.EM, #NM for CR0.TS, #MF for a pending unmasked x87 exception (FSW.ES).
 * REX.R/REX.B do not extend MM register numbers.
 *
 * The 64-bit operands are staged in the low quadword of the XMM scratch slots
 * XMM_TMP (destination) and XMM_TMP2 (source), so the element-wise XMM
 * operations (exec/sse-int.ts) compute the MMX result in the low quadword;
 * the cross-element ones get the operands laid out so that they do (`Stage`).
 */
import type { Cpu } from '../cpu.ts';
import { GuestFault, MF, NM, UD } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, linearAddress, readRm32, readRm64, setReg32, writeRmSized } from '../operands.ts';
import { PC_66, PC_F2, PC_F3, PC_NONE } from '../opcodes/row.ts';
import { CR0_EM, CR0_TS, RDI } from '../regs.ts';
import { fpToInt, intToFp } from '../sse/convert.ts';
import { F32, F64, type Fmt } from '../sse/fpbits.ts';
import { beginFp, endFp } from '../sse/mxcsr.ts';
import { pack, palignr, pshufb } from '../sse/int-shuffle.ts';
import { XMM_RES, XMM_SRC, XMM_TMP, XMM_TMP2 } from '../sse/xmm.ts';
import { M128A, M64, type SseEntry, at, loadSrc, simdFault, sseCheck, src, xreg, xrm } from './sse-access.ts';
import { type IntOp, MAP1_ELEMENTWISE, MAP2_ELEMENTWISE, MAP2_HORIZONTAL, shiftImm } from './sse-int.ts';
import { pshuf, unpack } from './sse-shuffle.ts';

const D = XMM_TMP, S = XMM_TMP2;

/** #UD (CR0.EM), #NM (CR0.TS), #MF (pending x87 exception), in that order. */
function mmxCheck(cpu: Cpu): void {
  if ((cpu.cr0 & CR0_EM) !== 0) throw new GuestFault(UD);
  if ((cpu.cr0 & CR0_TS) !== 0) throw new GuestFault(NM);
  if (cpu.x87.mfPending()) throw new GuestFault(MF);
}

/** The x87 → MMX transition: TOP = 0, all registers valid (SDM Vol. 1 §9.5.1). */
function enterMmx(cpu: Cpu): void {
  cpu.x87.top = 0;
  cpu.x87.full = 0xff;
}

/** MMn into quadword q (0 low, 1 high) of XMM slot `slot`. */
function readMm(cpu: Cpu, n: number, slot: number, q = 0): void {
  const u = cpu.sse.x.u32, sig = cpu.x87.sig, o = slot * 4 + 2 * q;
  u[o] = sig[2 * n + 1];
  u[o + 1] = sig[2 * n];
}

/** The low quadword of XMM slot `slot` into MMn (exponent and sign all ones). */
function writeMm(cpu: Cpu, n: number, slot: number): void {
  const u = cpu.sse.x.u32, x = cpu.x87;
  x.setPhys(n, 0xffff, u[slot * 4 + 1], u[slot * 4]);
}

function clear(cpu: Cpu, slot: number): void {
  cpu.sse.x.u32.fill(0, slot * 4, slot * 4 + 4);
}

/** The mm/m64 source into the low quadword of S (high quadword zero). */
function loadSource(cpu: Cpu, i: Insn): void {
  clear(cpu, S);
  if (i.regForm) return readMm(cpu, i.rm & 7, S);
  loadSrc(cpu, ea(cpu, i), M64);
  cpu.sse.x.copy(S, XMM_SRC);
}

/** How the operands are laid out before the XMM operation runs on D (and S). */
const LO = 0, HIGH_HALVES = 1, PAIR = 2, DUP = 3;

const mmxOp = (f: IntOp, stage = LO): Handler => (cpu: Cpu, i: Insn) => {
  mmxCheck(cpu);
  loadSource(cpu, i);
  const x = cpu.sse.x, u = x.u32, d = i.reg & 7;
  clear(cpu, D);
  readMm(cpu, d, D);
  enterMmx(cpu);
  switch (stage) {
    case HIGH_HALVES: // PUNPCKH: the low-unpack of the high dwords
      u[D * 4] = u[D * 4 + 1]; u[D * 4 + 1] = 0;
      u[S * 4] = u[S * 4 + 1]; u[S * 4 + 1] = 0;
      break;
    case PAIR: // PACK*, PHADD*/PHSUB*: dst then src in one register, whose low half of the result is the MMX result
      u[D * 4 + 2] = u[S * 4]; u[D * 4 + 3] = u[S * 4 + 1];
      f(x, D, D);
      return writeMm(cpu, d, D);
    case DUP: // PSHUFB: indexes 8–15 see the same bytes as 0–7 (the MMX form uses index bits 2:0)
      u[D * 4 + 2] = u[D * 4]; u[D * 4 + 3] = u[D * 4 + 1];
      break;
  }
  f(x, D, S);
  writeMm(cpu, d, D);
};

/** PALIGNR mm, mm/m64, imm8 (0F 3A 0F): dst:src shifted right by imm8 bytes — the low half of XMM PALIGNR on 0:(dst:src). */
const palignrMm: Handler = (cpu, i) => {
  mmxCheck(cpu);
  loadSource(cpu, i);
  const d = i.reg & 7;
  readMm(cpu, d, S, 1);
  clear(cpu, D);
  enterMmx(cpu);
  palignr(cpu.sse.x, D, S, i.imm & 0xff);
  writeMm(cpu, d, D);
};

/** MOVD/MOVQ mm, r/m32|64 (0F 6E): zero-extended. */
const movdToMm: Handler = (cpu, i) => {
  mmxCheck(cpu);
  const u = cpu.sse.x.i32;
  if (i.rexW) { u[D * 4] = readRm64(cpu, i); u[D * 4 + 1] = cpu.mmu.hi; } else { u[D * 4] = readRm32(cpu, i); u[D * 4 + 1] = 0; }
  enterMmx(cpu);
  writeMm(cpu, i.reg & 7, D);
};

/** MOVD/MOVQ r/m32|64, mm (0F 7E). */
const movdFromMm: Handler = (cpu, i) => {
  mmxCheck(cpu);
  readMm(cpu, i.reg & 7, D);
  enterMmx(cpu);
  const u = cpu.sse.x.i32;
  writeRmSized(cpu, i, i.rexW ? 8 : 4, u[D * 4], u[D * 4 + 1]);
};

/** MOVQ mm, mm/m64 (0F 6F). */
const movqLoad: Handler = (cpu, i) => {
  mmxCheck(cpu);
  loadSource(cpu, i);
  enterMmx(cpu);
  writeMm(cpu, i.reg & 7, S);
};

/** MOVQ mm/m64, mm (0F 7F); MOVNTQ m64, mm (0F E7). */
const movqStore: Handler = (cpu, i) => {
  mmxCheck(cpu);
  readMm(cpu, i.reg & 7, D);
  const u = cpu.sse.x.i32;
  if (!i.regForm) cpu.mmu.write64(ea(cpu, i), u[D * 4], u[D * 4 + 1]);
  enterMmx(cpu);
  if (i.regForm) writeMm(cpu, i.rm & 7, D);
};

/** PSxxW/D/Q mm, imm8 (0F 71–73 /2 /4 /6). */
const shiftImmMm = (size: 2 | 4 | 8): Handler => (cpu, i) => {
  mmxCheck(cpu);
  clear(cpu, D);
  readMm(cpu, i.rm & 7, D);
  enterMmx(cpu);
  shiftImm(cpu.sse.x, D, size, i.digit, i.imm & 0xff);
  writeMm(cpu, i.rm & 7, D);
};

/** PSHUFW mm, mm/m64, imm8 (0F 70): the low four words of PSHUFLW. */
const pshufwH: Handler = (cpu, i) => {
  mmxCheck(cpu);
  loadSource(cpu, i);
  enterMmx(cpu);
  pshuf('lw')(cpu.sse.x, D, S, i.imm & 0xff);
  writeMm(cpu, i.reg & 7, D);
};

/** PINSRW mm, r32/m16, imm8 (0F C4): word imm8[1:0]. */
const pinsrwMm: Handler = (cpu, i) => {
  mmxCheck(cpu);
  const v = i.regForm ? cpu.r[2 * i.rm] : cpu.mmu.read16(ea(cpu, i));
  readMm(cpu, i.reg & 7, D);
  enterMmx(cpu);
  cpu.sse.x.u16[D * 8 + (i.imm & 3)] = v;
  writeMm(cpu, i.reg & 7, D);
};

/** PEXTRW r32, mm, imm8 (0F C5); PMOVMSKB r32, mm (0F D7). */
const pextrwMm: Handler = (cpu, i) => {
  mmxCheck(cpu);
  readMm(cpu, i.rm & 7, D);
  enterMmx(cpu);
  setReg32(cpu, i.reg, cpu.sse.x.u16[D * 8 + (i.imm & 3)]);
};
const pmovmskbMm: Handler = (cpu, i) => {
  mmxCheck(cpu);
  readMm(cpu, i.rm & 7, D);
  enterMmx(cpu);
  const b = cpu.sse.x.u8;
  let m = 0;
  for (let k = 0; k < 8; k++) m |= (b[D * 16 + k] >> 7) << k;
  setReg32(cpu, i.reg, m);
};

/** MASKMOVQ mm1, mm2 (0F F7): the bytes of mm1 selected by mm2's top bits, stored at DS:RDI. */
const maskmovq: Handler = (cpu, i) => {
  mmxCheck(cpu);
  readMm(cpu, i.reg & 7, D);
  readMm(cpu, i.rm & 7, S);
  const r = cpu.r, b = cpu.sse.x.u8;
  const la = linearAddress(r[2 * RDI], i.asz === 4 ? 0 : r[2 * RDI + 1], i.seg >= 4 ? cpu.seg[i.seg].base : 0);
  for (let k = 0; k < 8; k++) if (b[S * 16 + k] & 0x80) cpu.mmu.checkWritable(la + k);
  enterMmx(cpu);
  for (let k = 0; k < 8; k++) if (b[S * 16 + k] & 0x80) cpu.mmu.write8(la + k, b[D * 16 + k]);
};

/** EMMS (0F 77): every x87 register empty (tags 11b). */
const emms: Handler = (cpu) => {
  mmxCheck(cpu);
  cpu.x87.full = 0;
};

/** MOVQ2DQ xmm, mm (F3 0F D6): zero-extended; MOVDQ2Q mm, xmm (F2 0F D6): the low quadword. */
const movq2dq: Handler = (cpu, i) => {
  sseCheck(cpu);
  mmxCheck(cpu);
  clear(cpu, D);
  readMm(cpu, i.rm & 7, D);
  enterMmx(cpu);
  cpu.sse.x.copy(xreg(i), D);
};
const movdq2q: Handler = (cpu, i) => {
  sseCheck(cpu);
  mmxCheck(cpu);
  enterMmx(cpu);
  writeMm(cpu, i.reg & 7, xrm(i));
};

/**
 * CVTPI2PS xmm, mm/m64 (rounded by MXCSR, high two lanes kept) and CVTPI2PD
 * xmm, mm/m64 (exact). Only the register form is an MMX instruction (#MF,
 * the transition); the m64 form is not.
 */
const cvtpi2fp = (to: Fmt): Handler => (cpu, i) => {
  sseCheck(cpu);
  if (i.regForm) mmxCheck(cpu);
  loadSource(cpu, i);
  if (i.regForm) enterMmx(cpu);
  const st = cpu.sse, n = to.single ? 4 : 2, v = st.x.i32;
  beginFp(st);
  for (let k = 0; k < 2; k++) intToFp(st, to, XMM_RES * n + k, v[S * 4 + k], v[S * 4 + k] >> 31);
  if (endFp(st)) simdFault(cpu);
  const d = xreg(i);
  if (to.single) { v[d * 4] = v[XMM_RES * 4]; v[d * 4 + 1] = v[XMM_RES * 4 + 1]; } else st.x.copy(d, XMM_RES);
};

/** CVT(T)PS2PI mm, xmm/m64 and CVT(T)PD2PI mm, xmm/m128: two int32 into mm (the integer indefinite on overflow). */
const cvtfp2pi = (from: Fmt, truncate: boolean): Handler => (cpu, i) => {
  sseCheck(cpu);
  mmxCheck(cpu);
  const s = src(cpu, i, from.single ? M64 : M128A);
  const st = cpu.sse, n = from.single ? 4 : 2, v = st.x.i32;
  // The transition happens even when the conversion then raises #XM (host-verified, test/emu/diff/sse.test.ts).
  enterMmx(cpu);
  beginFp(st);
  for (let k = 0; k < 2; k++) {
    fpToInt(st, from, s * n + k, false, truncate);
    v[XMM_RES * 4 + k] = st.ilo;
  }
  if (endFp(st)) simdFault(cpu);
  writeMm(cpu, i.reg & 7, XMM_RES);
};

const unpackOps: readonly [number, IntOp, number][] = [
  [0x60, unpack(1, false), LO], [0x61, unpack(2, false), LO], [0x62, unpack(4, false), LO],
  [0x68, unpack(1, false), HIGH_HALVES], [0x69, unpack(2, false), HIGH_HALVES], [0x6a, unpack(4, false), HIGH_HALVES],
  [0x63, (x, d, s) => pack(x, d, s, 2, false), PAIR], [0x67, (x, d, s) => pack(x, d, s, 2, true), PAIR],
  [0x6b, (x, d, s) => pack(x, d, s, 4, false), PAIR],
];

export const MMX_HANDLERS: readonly SseEntry[] = [
  ...MAP1_ELEMENTWISE.map(([op, f]) => at(1, PC_NONE, op, mmxOp(f))),
  ...unpackOps.map(([op, f, stage]) => at(1, PC_NONE, op, mmxOp(f, stage))),
  ...MAP2_ELEMENTWISE.map(([op, f]) => at(2, PC_NONE, op, mmxOp(f))),
  ...MAP2_HORIZONTAL.map(([op, f]) => at(2, PC_NONE, op, mmxOp(f, PAIR))),
  at(2, PC_NONE, 0x00, mmxOp(pshufb, DUP)),
  at(3, PC_NONE, 0x0f, palignrMm),
  at(1, PC_NONE, 0x6e, movdToMm), at(1, PC_NONE, 0x7e, movdFromMm),
  at(1, PC_NONE, 0x6f, movqLoad), at(1, PC_NONE, 0x7f, movqStore), at(1, PC_NONE, 0xe7, movqStore),
  at(1, PC_NONE, 0x70, pshufwH),
  at(1, PC_NONE, 0x71, shiftImmMm(2)), at(1, PC_NONE, 0x72, shiftImmMm(4)), at(1, PC_NONE, 0x73, shiftImmMm(8)),
  at(1, PC_NONE, 0xc4, pinsrwMm), at(1, PC_NONE, 0xc5, pextrwMm), at(1, PC_NONE, 0xd7, pmovmskbMm),
  at(1, PC_NONE, 0xf7, maskmovq), at(1, PC_NONE, 0x77, emms),
  at(1, PC_F3, 0xd6, movq2dq), at(1, PC_F2, 0xd6, movdq2q),
  at(1, PC_NONE, 0x2a, cvtpi2fp(F32)), at(1, PC_66, 0x2a, cvtpi2fp(F64)),
  at(1, PC_NONE, 0x2c, cvtfp2pi(F32, true)), at(1, PC_66, 0x2c, cvtfp2pi(F64, true)),
  at(1, PC_NONE, 0x2d, cvtfp2pi(F32, false)), at(1, PC_66, 0x2d, cvtfp2pi(F64, false)),
];
