/**
 * SSE2 … SSE4.1 integer handlers on XMM registers (66-prefixed forms): the
 * per-element one-liners — PADD/PSUB (wrapping and saturating), PMIN/PMAX,
 * PCMPEQ/PCMPGT, PMULLW, PAND/PANDN/POR/PXOR and ANDPS … XORPD — and the
 * src/emu/sse integer helpers (PMADDWD … PCMPGTQ, PTEST, PCLMULQDQ), plus the shifts
 * (SDM Vol. 2, each instruction's page). No exceptions beyond the
 * availability checks and the aligned m128 #GP.
 */
import type { Cpu } from '../cpu.ts';
import { setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { PC_66, PC_NONE } from '../opcodes/row.ts';
import {
  mpsadbw, pabs, pavg, pcmpgtq, phaddsub, phminposuw, pmaddubsw, pmaddwd, pmuldq, pmulhrsw, pmulhw, pmulld, psadbw, psign,
} from '../sse/int-arith.ts';
import { SHIFT_ARITH, SHIFT_LEFT, SHIFT_RIGHT, pbyteShift, pshift, xmmCount } from '../sse/int-shift.ts';
import { ptest } from '../sse/int-shuffle.ts';
import { pclmulqdq } from '../sse/clmul.ts';
import type { XmmFile } from '../sse/xmm.ts';
import { M128A, type SseEntry, at, src, sseCheck, xreg, xrm } from './sse-access.ts';

type View = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32';
const BYTES: Record<View, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4 };

/** An integer operation on registers (XMM numbers, or the scratch slots the MMX forms stage into). */
export type IntOp = (x: XmmFile, dst: number, src: number) => void;

/** dst[k] = f(dst[k], src[k]) over the elements of a view; the view's store wraps the result. */
const lanes = (view: View, f: (a: number, b: number) => number): IntOp => {
  const n = 16 / BYTES[view];
  return (x, dst, src) => {
    const s = src * n, d = dst * n, v = x[view];
    for (let k = 0; k < n; k++) v[d + k] = f(v[d + k], v[s + k]);
  };
};

/** The handler of an IntOp on xmm, xmm/m128 (aligned). */
const helper = (f: IntOp): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A);
  f(cpu.sse.x, xreg(i), s);
};

const clamp = (lo: number, hi: number) => (v: number) => (v < lo ? lo : v > hi ? hi : v);
const satS8 = clamp(-128, 127), satU8 = clamp(0, 255), satS16 = clamp(-32768, 32767), satU16 = clamp(0, 65535);
const add = (a: number, b: number) => a + b;
const sub = (a: number, b: number) => a - b;
const min = (a: number, b: number) => (a < b ? a : b);
const max = (a: number, b: number) => (a > b ? a : b);
const eq = (a: number, b: number) => (a === b ? -1 : 0);
const gt = (a: number, b: number) => (a > b ? -1 : 0);

/** PADDQ/PSUBQ: 64-bit lanes as int32 halves with the carry/borrow. */
const addsubQ = (neg: boolean): IntOp => (x, dst, src) => {
  const s = src * 4, d = dst * 4, u = x.u32;
  for (let k = 0; k < 4; k += 2) {
    const a = u[d + k], b = u[s + k];
    const lo = neg ? a - b : a + b;
    const carry = neg ? (a < b ? -1 : 0) : lo > 0xffffffff ? 1 : 0;
    u[d + k] = lo;
    u[d + k + 1] = (neg ? u[d + k + 1] - u[s + k + 1] : u[d + k + 1] + u[s + k + 1]) + carry;
  }
};

/** PCMPEQQ: 64-bit lanes equal → all ones. */
const pcmpeqq: IntOp = (x, dst, src) => {
  const s = src * 4, d = dst * 4, u = x.u32;
  for (let k = 0; k < 4; k += 2) u[d + k] = u[d + k + 1] = u[d + k] === u[s + k] && u[d + k + 1] === u[s + k + 1] ? 0xffffffff : 0;
};

/** PTEST xmm1, xmm2/m128: ZF, CF; AF OF PF SF cleared. */
const ptestH: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A);
  setArithFlags(cpu.fl, ptest(cpu.sse.x, xreg(i), s));
};

/** PSxxW/D/Q xmm, xmm/m128 (count from the source's low quadword). */
const shiftByReg = (size: 2 | 4 | 8, kind: number): IntOp => (x, dst, src) => pshift(x, dst, xmmCount(x, src), size, kind);

/**
 * 0F 71/72/73 /digit, imm8 on register r: /2 PSRL, /4 PSRA, /6 PSLL (W, D, Q
 * by opcode); 73 /3 PSRLDQ and /7 PSLLDQ. The rows admit only those digits.
 */
export function shiftImm(x: XmmFile, r: number, size: 2 | 4 | 8, digit: number, imm: number): void {
  switch (digit) {
    case 2: return pshift(x, r, imm, size, SHIFT_RIGHT);
    case 4: return pshift(x, r, imm, size, SHIFT_ARITH);
    case 6: return pshift(x, r, imm, size, SHIFT_LEFT);
    case 3: return pbyteShift(x, r, imm, false);
    default: return pbyteShift(x, r, imm, true);
  }
}
const shiftImmH = (size: 2 | 4 | 8): Handler => (cpu, i) => {
  sseCheck(cpu);
  shiftImm(cpu.sse.x, xrm(i), size, i.digit, i.imm & 0xff);
};

const and = lanes('u32', (a, b) => a & b);
const andn = lanes('u32', (a, b) => ~a & b);
const or = lanes('u32', (a, b) => a | b);
const xor = lanes('u32', (a, b) => a ^ b);

/**
 * 0F op → element-wise operation of the 66 (XMM) form; the same operation is
 * the no-prefix MMX form on MM registers (exec/sse-mmx.ts stages them), for
 * every opcode listed here.
 */
export const MAP1_ELEMENTWISE: readonly [number, IntOp][] = [
  [0x64, lanes('i8', gt)], [0x65, lanes('i16', gt)], [0x66, lanes('i32', gt)],
  [0x74, lanes('u8', eq)], [0x75, lanes('u16', eq)], [0x76, lanes('u32', eq)],
  [0xd1, shiftByReg(2, SHIFT_RIGHT)], [0xd2, shiftByReg(4, SHIFT_RIGHT)], [0xd3, shiftByReg(8, SHIFT_RIGHT)],
  [0xd4, addsubQ(false)], [0xd5, lanes('i16', Math.imul)],
  [0xd8, lanes('u8', (a, b) => satU8(a - b))], [0xd9, lanes('u16', (a, b) => satU16(a - b))],
  [0xda, lanes('u8', min)], [0xdb, and], [0xdc, lanes('u8', (a, b) => satU8(a + b))],
  [0xdd, lanes('u16', (a, b) => satU16(a + b))], [0xde, lanes('u8', max)], [0xdf, andn],
  [0xe0, (x, d, s) => pavg(x, d, s, 1)], [0xe1, shiftByReg(2, SHIFT_ARITH)], [0xe2, shiftByReg(4, SHIFT_ARITH)],
  [0xe3, (x, d, s) => pavg(x, d, s, 2)], [0xe4, (x, d, s) => pmulhw(x, d, s, false)],
  [0xe5, (x, d, s) => pmulhw(x, d, s, true)],
  [0xe8, lanes('i8', (a, b) => satS8(a - b))], [0xe9, lanes('i16', (a, b) => satS16(a - b))],
  [0xea, lanes('i16', min)], [0xeb, or], [0xec, lanes('i8', (a, b) => satS8(a + b))],
  [0xed, lanes('i16', (a, b) => satS16(a + b))], [0xee, lanes('i16', max)], [0xef, xor],
  [0xf1, shiftByReg(2, SHIFT_LEFT)], [0xf2, shiftByReg(4, SHIFT_LEFT)], [0xf3, shiftByReg(8, SHIFT_LEFT)],
  [0xf4, (x, d, s) => pmuldq(x, d, s, false)], [0xf5, pmaddwd], [0xf6, psadbw],
  [0xf8, lanes('u8', sub)], [0xf9, lanes('u16', sub)], [0xfa, lanes('u32', sub)], [0xfb, addsubQ(true)],
  [0xfc, lanes('u8', add)], [0xfd, lanes('u16', add)], [0xfe, lanes('u32', add)],
];

/** 0F 38 op → element-wise SSSE3 operation (66: XMM; no prefix: MMX, like MAP1_ELEMENTWISE). */
export const MAP2_ELEMENTWISE: readonly [number, IntOp][] = [
  [0x04, pmaddubsw],
  [0x08, (x, d, s) => psign(x, d, s, 1)], [0x09, (x, d, s) => psign(x, d, s, 2)],
  [0x0a, (x, d, s) => psign(x, d, s, 4)], [0x0b, pmulhrsw],
  [0x1c, (x, d, s) => pabs(x, d, s, 1)], [0x1d, (x, d, s) => pabs(x, d, s, 2)], [0x1e, (x, d, s) => pabs(x, d, s, 4)],
];

/** PHADDW/D/SW and PHSUBW/D/SW (0F 38 01–03, 05–07): dst pairs then src pairs. */
export const MAP2_HORIZONTAL: readonly [number, IntOp][] = [
  [0x01, (x, d, s) => phaddsub(x, d, s, 2, false, false)], [0x02, (x, d, s) => phaddsub(x, d, s, 4, false, false)],
  [0x03, (x, d, s) => phaddsub(x, d, s, 2, false, true)],
  [0x05, (x, d, s) => phaddsub(x, d, s, 2, true, false)], [0x06, (x, d, s) => phaddsub(x, d, s, 4, true, false)],
  [0x07, (x, d, s) => phaddsub(x, d, s, 2, true, true)],
];

/** 66 0F 38 op → SSE4.1/4.2 integer operation (no MMX form). */
const MAP2_SSE41: readonly [number, IntOp][] = [
  [0x28, (x, d, s) => pmuldq(x, d, s, true)], [0x29, pcmpeqq],
  [0x37, pcmpgtq],
  [0x38, lanes('i8', min)], [0x39, lanes('i32', min)], [0x3a, lanes('u16', min)], [0x3b, lanes('u32', min)],
  [0x3c, lanes('i8', max)], [0x3d, lanes('i32', max)], [0x3e, lanes('u16', max)], [0x3f, lanes('u32', max)],
  [0x40, pmulld], [0x41, phminposuw],
];

/** MPSADBW xmm, xmm/m128, imm8 (66 0F 3A 42). */
const mpsadbwH: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A);
  mpsadbw(cpu.sse.x, xreg(i), s, i.imm & 0xff);
};

/** PCLMULQDQ xmm, xmm/m128, imm8 (66 0F 3A 44; CPUID.1:ECX.PCLMULQDQ[1]). */
const pclmulqdqH: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A);
  pclmulqdq(cpu.sse.x, xreg(i), s, i.imm & 0xff);
};

export const INT_HANDLERS: readonly SseEntry[] = [
  // ANDPS ANDNPS ORPS XORPS and their PD forms share the bitwise operations with PAND PANDN POR PXOR.
  ...([[0x54, and], [0x55, andn], [0x56, or], [0x57, xor]] as const).flatMap(([op, f]) => [at(1, PC_NONE, op, helper(f)), at(1, PC_66, op, helper(f))]),
  ...MAP1_ELEMENTWISE.map(([op, f]) => at(1, PC_66, op, helper(f))),
  at(1, PC_66, 0x71, shiftImmH(2)), at(1, PC_66, 0x72, shiftImmH(4)), at(1, PC_66, 0x73, shiftImmH(8)),
  ...[...MAP2_ELEMENTWISE, ...MAP2_HORIZONTAL, ...MAP2_SSE41].map(([op, f]) => at(2, PC_66, op, helper(f))),
  at(2, PC_66, 0x17, ptestH),
  at(3, PC_66, 0x42, mpsadbwH),
  at(3, PC_66, 0x44, pclmulqdqH),
];
