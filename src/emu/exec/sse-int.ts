/**
 * SSE2 … SSE4.1 integer handlers on XMM registers (66-prefixed forms): the
 * per-element one-liners — PADD/PSUB (wrapping and saturating), PMIN/PMAX,
 * PCMPEQ/PCMPGT, PMULLW, PAND/PANDN/POR/PXOR and ANDPS … XORPD — and the
 * src/emu/sse integer helpers (PMADDWD … PCMPGTQ, PTEST), plus the shifts
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
import type { XmmFile } from '../sse/xmm.ts';
import { M128A, type SseEntry, at, src, sseCheck, xreg, xrm } from './sse-access.ts';

type View = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32';
const BYTES: Record<View, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4 };

/** dst[k] = f(dst[k], src[k]) over the elements of a view; the view's store wraps the result. */
const lanes = (view: View, f: (a: number, b: number) => number): Handler => {
  const n = 16 / BYTES[view];
  return (cpu: Cpu, i: Insn) => {
    sseCheck(cpu);
    const s = src(cpu, i, M128A) * n, d = xreg(i) * n, v = cpu.sse.x[view];
    for (let k = 0; k < n; k++) v[d + k] = f(v[d + k], v[s + k]);
  };
};

/** An src/emu/sse integer helper (x, dst, src) on xmm, xmm/m128. */
const helper = (f: (x: XmmFile, dst: number, src: number) => void): Handler => (cpu: Cpu, i: Insn) => {
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
const addsubQ = (neg: boolean): Handler => (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A) * 4, d = xreg(i) * 4, u = cpu.sse.x.u32;
  for (let k = 0; k < 4; k += 2) {
    const a = u[d + k], b = u[s + k];
    const lo = neg ? a - b : a + b;
    const carry = neg ? (a < b ? -1 : 0) : lo > 0xffffffff ? 1 : 0;
    u[d + k] = lo;
    u[d + k + 1] = (neg ? u[d + k + 1] - u[s + k + 1] : u[d + k + 1] + u[s + k + 1]) + carry;
  }
};

/** PCMPEQQ: 64-bit lanes equal → all ones. */
const pcmpeqq: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A) * 4, d = xreg(i) * 4, u = cpu.sse.x.u32;
  for (let k = 0; k < 4; k += 2) u[d + k] = u[d + k + 1] = u[d + k] === u[s + k] && u[d + k + 1] === u[s + k + 1] ? 0xffffffff : 0;
};

/** PTEST xmm1, xmm2/m128: ZF, CF; AF OF PF SF cleared. */
const ptestH: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A);
  setArithFlags(cpu.fl, ptest(cpu.sse.x, xreg(i), s));
};

/** PSxxW/D/Q xmm, xmm/m128 (count from the source's low qword). */
const shiftByXmm = (size: 2 | 4 | 8, kind: number): Handler => (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A), x = cpu.sse.x;
  pshift(x, xreg(i), xmmCount(x, s), size, kind);
};

/**
 * 66 0F 71/72/73 /digit xmm, imm8: /2 PSRL, /4 PSRA, /6 PSLL (W, D, Q by
 * opcode); 73 /3 PSRLDQ and /7 PSLLDQ. The rows admit only those digits.
 */
const shiftImm = (size: 2 | 4 | 8): Handler => (cpu, i) => {
  sseCheck(cpu);
  const x = cpu.sse.x, r = xrm(i), imm = i.imm & 0xff;
  switch (i.digit) {
    case 2: return pshift(x, r, imm, size, SHIFT_RIGHT);
    case 4: return pshift(x, r, imm, size, SHIFT_ARITH);
    case 6: return pshift(x, r, imm, size, SHIFT_LEFT);
    case 3: return pbyteShift(x, r, imm, false);
    default: return pbyteShift(x, r, imm, true);
  }
};

const and = lanes('u32', (a, b) => a & b);
const andn = lanes('u32', (a, b) => ~a & b);
const or = lanes('u32', (a, b) => a | b);
const xor = lanes('u32', (a, b) => a ^ b);

/** 66 0F op → handler (SSE2 integer). */
const SSE2: readonly [number, Handler][] = [
  [0x54, and], [0x55, andn], [0x56, or], [0x57, xor], // ANDPD ANDNPD ORPD XORPD
  [0x64, lanes('i8', gt)], [0x65, lanes('i16', gt)], [0x66, lanes('i32', gt)],
  [0x74, lanes('u8', eq)], [0x75, lanes('u16', eq)], [0x76, lanes('u32', eq)],
  [0xd1, shiftByXmm(2, SHIFT_RIGHT)], [0xd2, shiftByXmm(4, SHIFT_RIGHT)], [0xd3, shiftByXmm(8, SHIFT_RIGHT)],
  [0xd4, addsubQ(false)], [0xd5, lanes('i16', Math.imul)],
  [0xd8, lanes('u8', (a, b) => satU8(a - b))], [0xd9, lanes('u16', (a, b) => satU16(a - b))],
  [0xda, lanes('u8', min)], [0xdb, and], [0xdc, lanes('u8', (a, b) => satU8(a + b))],
  [0xdd, lanes('u16', (a, b) => satU16(a + b))], [0xde, lanes('u8', max)], [0xdf, andn],
  [0xe0, helper((x, d, s) => pavg(x, d, s, 1))], [0xe1, shiftByXmm(2, SHIFT_ARITH)], [0xe2, shiftByXmm(4, SHIFT_ARITH)],
  [0xe3, helper((x, d, s) => pavg(x, d, s, 2))], [0xe4, helper((x, d, s) => pmulhw(x, d, s, false))],
  [0xe5, helper((x, d, s) => pmulhw(x, d, s, true))],
  [0xe8, lanes('i8', (a, b) => satS8(a - b))], [0xe9, lanes('i16', (a, b) => satS16(a - b))],
  [0xea, lanes('i16', min)], [0xeb, or], [0xec, lanes('i8', (a, b) => satS8(a + b))],
  [0xed, lanes('i16', (a, b) => satS16(a + b))], [0xee, lanes('i16', max)], [0xef, xor],
  [0xf1, shiftByXmm(2, SHIFT_LEFT)], [0xf2, shiftByXmm(4, SHIFT_LEFT)], [0xf3, shiftByXmm(8, SHIFT_LEFT)],
  [0xf4, helper((x, d, s) => pmuldq(x, d, s, false))], [0xf5, helper(pmaddwd)], [0xf6, helper(psadbw)],
  [0xf8, lanes('u8', sub)], [0xf9, lanes('u16', sub)], [0xfa, lanes('u32', sub)], [0xfb, addsubQ(true)],
  [0xfc, lanes('u8', add)], [0xfd, lanes('u16', add)], [0xfe, lanes('u32', add)],
  [0x71, shiftImm(2)], [0x72, shiftImm(4)], [0x73, shiftImm(8)],
];

/** 66 0F 38 op → handler (SSSE3, SSE4.1, SSE4.2 integer). */
const MAP2: readonly [number, Handler][] = [
  [0x01, helper((x, d, s) => phaddsub(x, d, s, 2, false, false))], [0x02, helper((x, d, s) => phaddsub(x, d, s, 4, false, false))],
  [0x03, helper((x, d, s) => phaddsub(x, d, s, 2, false, true))], [0x04, helper(pmaddubsw)],
  [0x05, helper((x, d, s) => phaddsub(x, d, s, 2, true, false))], [0x06, helper((x, d, s) => phaddsub(x, d, s, 4, true, false))],
  [0x07, helper((x, d, s) => phaddsub(x, d, s, 2, true, true))],
  [0x08, helper((x, d, s) => psign(x, d, s, 1))], [0x09, helper((x, d, s) => psign(x, d, s, 2))],
  [0x0a, helper((x, d, s) => psign(x, d, s, 4))], [0x0b, helper(pmulhrsw)],
  [0x17, ptestH],
  [0x1c, helper((x, d, s) => pabs(x, d, s, 1))], [0x1d, helper((x, d, s) => pabs(x, d, s, 2))],
  [0x1e, helper((x, d, s) => pabs(x, d, s, 4))],
  [0x28, helper((x, d, s) => pmuldq(x, d, s, true))], [0x29, pcmpeqq],
  [0x37, helper(pcmpgtq)],
  [0x38, lanes('i8', min)], [0x39, lanes('i32', min)], [0x3a, lanes('u16', min)], [0x3b, lanes('u32', min)],
  [0x3c, lanes('i8', max)], [0x3d, lanes('i32', max)], [0x3e, lanes('u16', max)], [0x3f, lanes('u32', max)],
  [0x40, helper(pmulld)], [0x41, helper(phminposuw)],
];

/** MPSADBW xmm, xmm/m128, imm8 (66 0F 3A 42). */
const mpsadbwH: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128A);
  mpsadbw(cpu.sse.x, xreg(i), s, i.imm & 0xff);
};

export const INT_HANDLERS: readonly SseEntry[] = [
  // ANDPS ANDNPS ORPS XORPS share the bitwise handlers with their PD and P* forms.
  at(1, PC_NONE, 0x54, and), at(1, PC_NONE, 0x55, andn), at(1, PC_NONE, 0x56, or), at(1, PC_NONE, 0x57, xor),
  ...SSE2.map(([op, h]) => at(1, PC_66, op, h)),
  ...MAP2.map(([op, h]) => at(2, PC_66, op, h)),
  at(3, PC_66, 0x42, mpsadbwH),
];
