/**
 * SSE … SSE4.2 templates of the differential generator: every implemented
 * form (register and memory, aligned and misaligned m128, REX-extended
 * XMM8–15, REX.W integer forms, imm8 values), random XMM states full of
 * floating-point edge values (±0, denormals, ±max, ±∞, QNaN/SNaN with
 * payloads, values near integers and the int32/int64 limits), random MXCSR
 * (every rounding mode, DAZ, FTZ, sticky flags, some exceptions unmasked:
 * #XM is compared too) and data areas of the same values.
 */
import type { Encoding, RmOp } from './asm.ts';
import { Ctx, RSP_G, type Rng } from './gen.ts';
import type { FpuState } from './machine.ts';
import { DATA, DATA_SIZE } from './layout.ts';
import type { Template } from './templates.ts';

/** Operand shapes (reg field first): */
const X = 0; //     xmm, xmm/m
const ST = 1; //    xmm/m, xmm (store)
const XG = 2; //    xmm, r/m32|64 (GPR source)
const GX = 3; //    r32|64, xmm/m
const GS = 4; //    r/m32|64, xmm (GPR or memory destination)
const SH = 5; //    xmm (rm), imm8 with /digit
const CRC = 6; //   crc32 r, r/m
const MASK = 7; //  maskmovdqu xmm, xmm ([rdi])
const NONE = 8; //  no operands (EMMS)

interface Spec {
  /** mandatory prefix or 0 */
  p: number;
  op: number[];
  shape: number;
  /** memory operand size; 0: register form only */
  mem: number;
  /** m128 must be 16-byte aligned */
  a?: boolean;
  /** register form not allowed */
  memOnly?: boolean;
  imm?: boolean;
  /** REX.W is meaningful (64-bit GPR operand) */
  w?: boolean;
  /** /digit values for SH */
  digits?: number[];
  /** set EAX/EDX to lengths first (PCMPESTRx) */
  lengths?: boolean;
  /** RCP/RSQRT: binary32 lanes of the destination that are only bounded by the SDM */
  approx?: number;
}

const s = (p: number, op: number[], shape: number, mem: number, more: Partial<Spec> = {}): Spec => ({ p, op, shape, mem, ...more });
const A = { a: true };
const O1 = (b: number) => [0x0f, b];
const O2 = (b: number) => [0x0f, 0x38, b];
const O3 = (b: number) => [0x0f, 0x3a, b];

/** The four PS/PD/SS/SD forms of an arithmetic opcode. */
const four = (b: number, more: Partial<Spec> = {}): Spec[] => [
  s(0, O1(b), X, 16, { ...A, ...more }), s(0x66, O1(b), X, 16, { ...A, ...more }),
  s(0xf3, O1(b), X, 4, more), s(0xf2, O1(b), X, 8, more),
];

const FP: Spec[] = [
  ...four(0x51),
  s(0, O1(0x52), X, 16, { ...A, approx: 4 }), s(0xf3, O1(0x52), X, 4, { approx: 1 }),
  s(0, O1(0x53), X, 16, { ...A, approx: 4 }), s(0xf3, O1(0x53), X, 4, { approx: 1 }),
  ...four(0x58), ...four(0x59), ...four(0x5c), ...four(0x5d), ...four(0x5e), ...four(0x5f), ...four(0xc2, { imm: true }),
  s(0, O1(0x2e), X, 4), s(0x66, O1(0x2e), X, 8), s(0, O1(0x2f), X, 4), s(0x66, O1(0x2f), X, 8),
  s(0x66, O1(0x7c), X, 16, A), s(0xf2, O1(0x7c), X, 16, A), s(0x66, O1(0x7d), X, 16, A), s(0xf2, O1(0x7d), X, 16, A),
  s(0x66, O1(0xd0), X, 16, A), s(0xf2, O1(0xd0), X, 16, A),
  s(0x66, O3(0x08), X, 16, { ...A, imm: true }), s(0x66, O3(0x09), X, 16, { ...A, imm: true }),
  s(0x66, O3(0x0a), X, 4, { imm: true }), s(0x66, O3(0x0b), X, 8, { imm: true }),
  s(0x66, O3(0x40), X, 16, { ...A, imm: true }), s(0x66, O3(0x41), X, 16, { ...A, imm: true }),
];

const CONVERT: Spec[] = [
  s(0xf3, O1(0x2a), XG, 4, { w: true }), s(0xf2, O1(0x2a), XG, 4, { w: true }),
  s(0xf3, O1(0x2c), GX, 4, { w: true }), s(0xf2, O1(0x2c), GX, 8, { w: true }),
  s(0xf3, O1(0x2d), GX, 4, { w: true }), s(0xf2, O1(0x2d), GX, 8, { w: true }),
  s(0, O1(0x5a), X, 8), s(0x66, O1(0x5a), X, 16, A), s(0xf3, O1(0x5a), X, 4), s(0xf2, O1(0x5a), X, 8),
  s(0, O1(0x5b), X, 16, A), s(0x66, O1(0x5b), X, 16, A), s(0xf3, O1(0x5b), X, 16, A),
  s(0x66, O1(0xe6), X, 16, A), s(0xf3, O1(0xe6), X, 8), s(0xf2, O1(0xe6), X, 16, A),
];

const MOVE: Spec[] = [
  s(0, O1(0x10), X, 16), s(0x66, O1(0x10), X, 16), s(0xf3, O1(0x10), X, 4), s(0xf2, O1(0x10), X, 8),
  s(0, O1(0x11), ST, 16), s(0x66, O1(0x11), ST, 16), s(0xf3, O1(0x11), ST, 4), s(0xf2, O1(0x11), ST, 8),
  s(0, O1(0x12), X, 8), s(0x66, O1(0x12), X, 8, { memOnly: true }), s(0xf3, O1(0x12), X, 16, A), s(0xf2, O1(0x12), X, 8),
  s(0, O1(0x13), ST, 8, { memOnly: true }), s(0x66, O1(0x13), ST, 8, { memOnly: true }),
  s(0, O1(0x16), X, 8), s(0x66, O1(0x16), X, 8, { memOnly: true }), s(0xf3, O1(0x16), X, 16, A),
  s(0, O1(0x17), ST, 8, { memOnly: true }), s(0x66, O1(0x17), ST, 8, { memOnly: true }),
  s(0, O1(0x28), X, 16, A), s(0x66, O1(0x28), X, 16, A), s(0, O1(0x29), ST, 16, A), s(0x66, O1(0x29), ST, 16, A),
  s(0, O1(0x2b), ST, 16, { ...A, memOnly: true }), s(0x66, O1(0x2b), ST, 16, { ...A, memOnly: true }),
  s(0, O1(0x50), GX, 0), s(0x66, O1(0x50), GX, 0),
  s(0x66, O1(0x6e), XG, 4, { w: true }), s(0x66, O1(0x6f), X, 16, A), s(0xf3, O1(0x6f), X, 16),
  s(0x66, O1(0x7e), GS, 4, { w: true }), s(0xf3, O1(0x7e), X, 8),
  s(0x66, O1(0x7f), ST, 16, A), s(0xf3, O1(0x7f), ST, 16), s(0x66, O1(0xd6), ST, 8),
  s(0x66, O1(0xd7), GX, 0), s(0x66, O1(0xe7), ST, 16, { ...A, memOnly: true }),
  s(0xf2, O1(0xf0), X, 16, { memOnly: true }), s(0x66, O1(0xf7), MASK, 0), s(0x66, O2(0x2a), X, 16, { ...A, memOnly: true }),
];

const INT_66: number[] = [
  0x54, 0x55, 0x56, 0x57, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
  0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
  0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
  0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0x14, 0x15,
];
const MAP2_66: number[] = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x14, 0x15, 0x17, 0x1c, 0x1d, 0x1e,
  0x28, 0x29, 0x2b, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41,
];
const PMOV: [number, number][] = [[0x20, 8], [0x21, 4], [0x22, 2], [0x23, 8], [0x24, 4], [0x25, 8]];

const INT: Spec[] = [
  ...[0x54, 0x55, 0x56, 0x57, 0x14, 0x15].map((b) => s(0, O1(b), X, 16, A)),
  ...INT_66.map((b) => s(0x66, O1(b), X, 16, A)),
  ...MAP2_66.map((b) => s(0x66, O2(b), X, 16, A)),
  ...PMOV.flatMap(([b, m]) => [s(0x66, O2(b), X, m), s(0x66, O2(b + 0x10), X, m)]),
  s(0x66, O1(0x70), X, 16, { ...A, imm: true }), s(0xf3, O1(0x70), X, 16, { ...A, imm: true }), s(0xf2, O1(0x70), X, 16, { ...A, imm: true }),
  s(0x66, O1(0x71), SH, 0, { digits: [2, 4, 6], imm: true }), s(0x66, O1(0x72), SH, 0, { digits: [2, 4, 6], imm: true }),
  s(0x66, O1(0x73), SH, 0, { digits: [2, 3, 6, 7], imm: true }),
  s(0, O1(0xc6), X, 16, { ...A, imm: true }), s(0x66, O1(0xc6), X, 16, { ...A, imm: true }),
  s(0x66, O1(0xc4), XG, 2, { imm: true }), s(0x66, O1(0xc5), GX, 0, { imm: true }),
  ...[0x0c, 0x0d, 0x0e, 0x0f, 0x42, 0x44].map((b) => s(0x66, O3(b), X, 16, { ...A, imm: true })), // 44: PCLMULQDQ
  s(0x66, O3(0x14), GS, 1, { imm: true }), s(0x66, O3(0x15), GS, 2, { imm: true }),
  s(0x66, O3(0x16), GS, 4, { imm: true, w: true }), s(0x66, O3(0x17), GS, 4, { imm: true, w: true }),
  s(0x66, O3(0x20), XG, 1, { imm: true }), s(0x66, O3(0x21), X, 4, { imm: true }), s(0x66, O3(0x22), XG, 4, { imm: true, w: true }),
];

const STRING: Spec[] = [
  s(0x66, O3(0x60), X, 16, { imm: true, lengths: true }), s(0x66, O3(0x61), X, 16, { imm: true, lengths: true }),
  s(0x66, O3(0x62), X, 16, { imm: true }), s(0x66, O3(0x63), X, 16, { imm: true }),
  s(0xf2, O2(0xf0), CRC, 1, { w: true }), s(0xf2, O2(0xf1), CRC, 4, { w: true }),
];

const MMX_ELEMENTWISE = [
  0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x74, 0x75, 0x76,
  0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5,
  0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
];
/** The MMX forms (no prefix, MM registers: REX.R/B set at random are ignored by the CPU). */
const MMX: Spec[] = [
  ...MMX_ELEMENTWISE.map((b) => s(0, O1(b), X, 8)),
  ...[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x1c, 0x1d, 0x1e].map((b) => s(0, O2(b), X, 8)),
  s(0, O3(0x0f), X, 8, { imm: true }),
  s(0, O1(0x6e), XG, 4, { w: true }), s(0, O1(0x7e), GS, 4, { w: true }), s(0, O1(0x6f), X, 8), s(0, O1(0x7f), ST, 8),
  s(0, O1(0xe7), ST, 8, { memOnly: true }), s(0, O1(0x70), X, 8, { imm: true }),
  s(0, O1(0x71), SH, 0, { digits: [2, 4, 6], imm: true }), s(0, O1(0x72), SH, 0, { digits: [2, 4, 6], imm: true }),
  s(0, O1(0x73), SH, 0, { digits: [2, 6], imm: true }),
  s(0, O1(0xc4), XG, 2, { imm: true }), s(0, O1(0xc5), GX, 0, { imm: true }), s(0, O1(0xd7), GX, 0),
  s(0, O1(0xf7), MASK, 0), s(0, O1(0x77), NONE, 0), s(0xf3, O1(0xd6), X, 0), s(0xf2, O1(0xd6), X, 0),
  s(0, O1(0x2a), X, 8), s(0x66, O1(0x2a), X, 8), s(0, O1(0x2c), X, 8), s(0x66, O1(0x2c), X, 16, A),
  s(0, O1(0x2d), X, 8), s(0x66, O1(0x2d), X, 16, A),
];

function gpr(ctx: Ctx): number {
  for (;;) {
    const r = ctx.rng.int(16);
    if (r !== RSP_G) return r;
  }
}

/** Emit one instruction of `spec` with random operands. */
function emitSpec(ctx: Ctx, spec: Spec): void {
  const rng = ctx.rng;
  if (spec.shape === NONE) {
    ctx.emit(spec.op);
    return;
  }
  const w = spec.w === true && rng.chance(0.5);
  let size = spec.mem;
  if (spec.shape === XG || spec.shape === GS) size = w && spec.mem === 4 ? 8 : spec.mem;
  let pfx: number[] = [];
  let osz16 = false;
  if (spec.shape === CRC) {
    if (spec.op[2] === 0xf1) {
      osz16 = !w && rng.chance(0.3);
      size = w ? 8 : osz16 ? 2 : 4;
    }
  }
  if (spec.lengths) {
    ctx.movImm(0, rng.chance(0.8) ? rng.range(-20, 20) : rng.u32() | 0);
    ctx.movImm(2, rng.chance(0.8) ? rng.range(-20, 20) : rng.u32() | 0);
  }
  if (spec.shape === MASK) ctx.movImm(7, DATA + rng.range(64, DATA_SIZE - 128));
  const useMem = spec.mem !== 0 && (spec.memOnly === true || rng.chance(0.4));
  let rm: RmOp;
  let misaligned = false;
  if (useMem) {
    const align = spec.a && rng.chance(0.93) ? 16 : 1;
    misaligned = spec.a === true && align === 1;
    const m = ctx.mem(Math.max(size, 16), { align, avoid: spec.lengths ? [0, 2] : spec.shape === MASK ? [7] : [] });
    rm = m.rm;
    pfx = m.pfx;
  } else {
    const gprRm = spec.shape === XG || spec.shape === GS || spec.shape === CRC;
    rm = { kind: 'reg', reg: gprRm ? (spec.shape === XG || spec.shape === CRC ? rng.int(16) : gpr(ctx)) : rng.int(16) };
  }
  let reg: number;
  switch (spec.shape) {
    case GX: case CRC: reg = gpr(ctx); break;
    case SH: reg = rng.pick(spec.digits ?? [0]); break;
    default: reg = rng.int(16);
  }
  if (spec.shape === CRC && spec.op[2] === 0xf0 && rm.kind === 'reg' && !w && rng.chance(0.3)) {
    // legacy byte registers AH–BH need no REX at all (the destination is never ESP)
    reg = rng.pick([0, 1, 2, 3, 5, 6, 7]);
    rm = { kind: 'reg', reg: rng.int(8) };
  }
  const imm = spec.imm ? [rng.chance(0.2) ? rng.pick([0, 1, 2, 3, 4, 8, 0x40, 0x80, 0xff]) : rng.int(256)] : undefined;
  const e: Encoding = {
    pfx: [...pfx, ...(osz16 ? [0x66] : []), ...(spec.p ? [spec.p] : [])],
    w, op: spec.op, reg, rm, imm,
  };
  const g = ctx.emit(e);
  if (misaligned) g.misaligned = true;
  if (spec.approx) g.approx = { reg, lanes: spec.approx };
}

const template = (specs: Spec[]): Template => (ctx) => emitSpec(ctx, ctx.rng.pick(specs));

/** The SSE template mix. */
export function sseTemplates(): [Template, number][] {
  return [[template(FP), 10], [template(CONVERT), 4], [template(MOVE), 5], [template(INT), 8], [template(STRING), 3], [template(MMX), 6]];
}

// ---------------------------------------------------------------- values

const F32_EDGE = [
  0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
  0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00001, 0xff812345, 0x7fc12345, 0x3f800000, 0xbf800000,
  0x3f000000, 0x3fc00000, 0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x5effffff, 0x5f000000, 0xdf000000,
  0x3effffff, 0x3f000001, 0x0c000000, 0x72000000,
];
const F64_EDGE: [number, number][] = [
  [0, 0], [0x80000000, 0], [0, 1], [0x000fffff, 0xffffffff], [0x00100000, 0], [0x80100000, 0], [0x7fefffff, 0xffffffff],
  [0x7ff00000, 0], [0xfff00000, 0], [0x7ff80000, 0], [0xfff80000, 0], [0x7ff40000, 1], [0xfff00000, 0x12345], [0x7ff81234, 0x5678],
  [0x3ff00000, 0], [0xbff00000, 0], [0x3fe00000, 0], [0x3ff80000, 0], [0x41dfffff, 0xffc00000], [0x41e00000, 0], [0xc1e00000, 0],
  [0xc1e00000, 0x00200000], [0x43dfffff, 0xffffffff], [0x43e00000, 0], [0xc3e00000, 0], [0x36a00000, 0], [0x47f00000, 0],
  [0x3fdfffff, 0xffffffff], [0x38100000, 0], [0x380fffff, 0xe0000000],
];

function f32Value(rng: Rng): number {
  switch (rng.int(4)) {
    case 0: return rng.pick(F32_EDGE);
    case 1: return ((rng.int(2) << 31) | (rng.range(100, 160) << 23) | (rng.u32() & 0x7fffff)) >>> 0; // moderate normals
    case 2: return ((rng.int(2) << 31) | (rng.range(0x7f, 0x98) << 23) | (rng.u32() & (rng.chance(0.5) ? 0x7f0000 : 0x7fffff))) >>> 0; // near integers
    default: return rng.u32();
  }
}

function f64Value(rng: Rng): [number, number] {
  switch (rng.int(4)) {
    case 0: return rng.pick(F64_EDGE);
    case 1: return [((rng.int(2) << 31) | (rng.range(0x3c0, 0x440) << 20) | (rng.u32() & 0xfffff)) >>> 0, rng.u32()];
    case 2: return [((rng.int(2) << 31) | (rng.range(0x3ff, 0x43f) << 20) | (rng.u32() & 0xfffff)) >>> 0, rng.chance(0.5) ? 0 : rng.u32()];
    default: return [rng.u32(), rng.u32()];
  }
}

/** 16 bytes of one kind: binary32 lanes, binary64 lanes, small integers, text-like bytes or random bits. */
function fill16(rng: Rng, out: DataView, at: number): void {
  const k = rng.int(6);
  for (let j = 0; j < 16; j += k === 1 ? 8 : 4) {
    if (k === 0) out.setUint32(at + j, f32Value(rng), true);
    else if (k === 1) {
      const [hi, lo] = f64Value(rng);
      out.setUint32(at + j, lo, true);
      out.setUint32(at + j + 4, hi, true);
    } else if (k === 2) out.setUint32(at + j, rng.chance(0.5) ? rng.range(-300, 300) : rng.pick([0x7fffffff, 0x80000000, 0xffff, 0x8000, 0x7fff, 0xff80]), true);
    else if (k === 3) out.setUint32(at + j, (rng.chance(0.3) ? 0 : 0x61 + rng.int(6)) | ((0x61 + rng.int(6)) << 8) | ((rng.chance(0.1) ? 0 : 0x61 + rng.int(6)) << 16) | ((0x61 + rng.int(6)) << 24), true);
    else out.setUint32(at + j, rng.u32(), true);
  }
}

/** Random MXCSR: every rounding mode, DAZ/FTZ, sticky flags; one case in four unmasks some exceptions. */
export function randomMxcsr(rng: Rng): number {
  const masks = rng.chance(0.75) ? 0x3f : rng.u32() & 0x3f;
  const flags = rng.chance(0.5) ? 0 : rng.u32() & 0x3f & masks; // a flag whose exception is unmasked stays clear
  return flags | (rng.int(2) << 6) | (masks << 7) | (rng.int(4) << 13) | (rng.int(2) << 15);
}

export function randomSse(rng: Rng): FpuState {
  const xmm = new Uint8Array(256);
  const dv = new DataView(xmm.buffer);
  for (let r = 0; r < 16; r++) fill16(rng, dv, 16 * r);
  // x87: FCW 037F, FSW 0, every register empty, random stale contents (MMX reads them as MM0–7).
  const x87 = new Uint8Array(160), xv = new DataView(x87.buffer), tmp = new DataView(new ArrayBuffer(16));
  xv.setUint16(0, 0x37f, true);
  for (let i = 0; i < 8; i++) {
    fill16(rng, tmp, 0);
    for (let k = 0; k < 8; k++) x87[32 + 16 * i + k] = tmp.getUint8(k);
    xv.setUint16(32 + 16 * i + 8, rng.chance(0.5) ? 0xffff : rng.u32() & 0xffff, true);
  }
  return { xmm, mxcsr: randomMxcsr(rng), x87 };
}

export function sseData(rng: Rng): Uint8Array {
  const data = new Uint8Array(DATA_SIZE);
  const dv = new DataView(data.buffer);
  for (let at = 0; at < DATA_SIZE; at += 16) fill16(rng, dv, at);
  return data;
}
