/**
 * Replays gen-f80.c's vectors on the emulated x87: for each vector set, the
 * stack loads the generator did (L2/L1/L0/LF) and the same instruction,
 * through the src/emu/fpu instruction-level API.
 */
import { X87State } from '../../../src/emu/fpu/x87-state.ts';
import {
  OP_ADD, OP_DIV, OP_DIVR, OP_MUL, OP_SUB, OP_SUBR, arithM32, arithM64, arithMInt, arithSt, sqrtSt,
} from '../../../src/emu/fpu/x87-arith-ops.ts';
import { widenF32, widenF64 } from '../../../src/emu/fpu/f80-convert.ts';
import { intToF80 } from '../../../src/emu/fpu/f80-int.ts';
import { fbld, fbstp, fild, fist, fldConst, fldF32, fldF64, fldF80, fldSt, fstF32, fstF64, fstF80, fstSt } from '../../../src/emu/fpu/x87-load-store.ts';
import {
  fchsAbs, fcomMem, fcomSt, fcomi, ffree, fincDecStp, fpremSt, frndintSt, fscaleSt, ftst, fxam, fxch, fxtractSt,
} from '../../../src/emu/fpu/x87-misc-ops.ts';
import {
  COS, OP_PATAN, OP_YL2X, OP_YL2XP1, SIN, f2xm1St, fbinTranscSt, fptanSt, fsincosSt, ftrigSt,
} from '../../../src/emu/fpu/x87-transc-ops.ts';
import { K_L2E, K_L2T, K_LG2, K_LN2, K_ONE, K_PI, K_ZERO } from '../../../src/emu/fpu/f80-int.ts';
import { type Extra, type Vec, diff } from './vectors.ts';

const u32 = (m: Uint8Array, o: number): number => (m[o] | (m[o + 1] << 8) | (m[o + 2] << 16) | (m[o + 3] << 24)) >>> 0;
const i16 = (m: Uint8Array): number => ((m[0] | (m[1] << 8)) << 16) >> 16;
function put(m: Uint8Array, o: number, v: number, n: number): void {
  for (let k = 0; k < n; k++) m[o + k] = (v >>> (8 * k)) & 0xff;
}
/** Store results: a 32-bit value from ctx.lo, 64-bit from ctx.lo/hi, `n` bytes. */
function store(x: Extra, s: X87State, ok: boolean, n: number): void {
  if (!ok) return;
  put(x.mem, 0, s.ctx.lo, Math.min(n, 4));
  if (n === 8) put(x.mem, 4, s.ctx.hi, 4);
}
function comi(s: X87State, x: Extra, unordered: boolean): void {
  x.eflags = fcomi(s, 1, unordered, false);
}

export type Run = (s: X87State, v: Vec, x: Extra) => void;
/** How the generator loaded the stack before the op (gen-f80.c L2/L1/L0/LF). */
export type Load = 'L2' | 'L1' | 'L0' | 'LF';

/** How each vector set of gen-f80.c is replayed: the stack loads, then the op on the emulated x87. */
export const OPS: Record<string, [Load, Run]> = {
  fadd: ['L2', (s) => arithSt(s, OP_ADD, 0, 1, false)],
  fsub: ['L2', (s) => arithSt(s, OP_SUB, 0, 1, false)],
  fsubr: ['L2', (s) => arithSt(s, OP_SUBR, 0, 1, false)],
  fmul: ['L2', (s) => arithSt(s, OP_MUL, 0, 1, false)],
  fdiv: ['L2', (s) => arithSt(s, OP_DIV, 0, 1, false)],
  fdivr: ['L2', (s) => arithSt(s, OP_DIVR, 0, 1, false)],
  faddp: ['L2', (s) => arithSt(s, OP_ADD, 1, 0, true)],
  fsqrt: ['L2', (s) => sqrtSt(s)],
  fadd_under: ['L1', (s) => arithSt(s, OP_ADD, 0, 1, false)],
  frndint: ['L2', (s) => frndintSt(s)],
  fscale: ['L2', (s) => fscaleSt(s)],
  fxtract: ['L2', (s) => fxtractSt(s)],
  fprem: ['L2', (s) => fpremSt(s, false)],
  fprem1: ['L2', (s) => fpremSt(s, true)],
  fcom: ['L2', (s) => fcomSt(s, 1, false, 0)],
  fucom: ['L2', (s) => fcomSt(s, 1, true, 0)],
  fcompp: ['L2', (s) => fcomSt(s, 1, false, 2)],
  fcomi: ['L2', (s, _v, x) => comi(s, x, false)],
  fucomi: ['L2', (s, _v, x) => comi(s, x, true)],
  ftst: ['L2', (s) => ftst(s)],
  fxam: ['L2', (s) => fxam(s)],
  fchs: ['L2', (s) => fchsAbs(s, true)],
  fabs: ['L2', (s) => fchsAbs(s, false)],
  fst32: ['L2', (s, _v, x) => store(x, s, fstF32(s, false), 4)],
  fst64: ['L2', (s, _v, x) => store(x, s, fstF64(s, false), 8)],
  fld32: ['L1', (s, _v, x) => fldF32(s, u32(x.mem, 0))],
  fld64: ['L1', (s, _v, x) => fldF64(s, u32(x.mem, 4), u32(x.mem, 0))],
  fist16: ['L2', (s, _v, x) => store(x, s, fist(s, 16, false, false), 2)],
  fist32: ['L2', (s, _v, x) => store(x, s, fist(s, 32, false, false), 4)],
  fistp64: ['L2', (s, _v, x) => store(x, s, fist(s, 64, true, false), 8)],
  fisttp16: ['L2', (s, _v, x) => store(x, s, fist(s, 16, true, true), 2)],
  fisttp32: ['L2', (s, _v, x) => store(x, s, fist(s, 32, true, true), 4)],
  fisttp64: ['L2', (s, _v, x) => store(x, s, fist(s, 64, true, true), 8)],
  fild16: ['L1', (s, _v, x) => { const v = i16(x.mem); fild(s, v >>> 0, v < 0 ? 0xffffffff : 0); }],
  fild32: ['L1', (s, _v, x) => { const v = u32(x.mem, 0) | 0; fild(s, v >>> 0, v < 0 ? 0xffffffff : 0); }],
  fild64: ['L1', (s, _v, x) => fild(s, u32(x.mem, 0), u32(x.mem, 4))],
  fbld: ['L1', (s, _v, x) => fbld(s, x.mem, 0)],
  fbstp: ['L2', (s, _v, x) => { fbstp(s, x.mem, 0); }],
  fld1: ['L1', (s) => fldConst(s, K_ONE)],
  fldl2t: ['L1', (s) => fldConst(s, K_L2T)],
  fldl2e: ['L1', (s) => fldConst(s, K_L2E)],
  fldpi: ['L1', (s) => fldConst(s, K_PI)],
  fldlg2: ['L1', (s) => fldConst(s, K_LG2)],
  fldln2: ['L1', (s) => fldConst(s, K_LN2)],
  fldz: ['L1', (s) => fldConst(s, K_ZERO)],
  fst32_under: ['L0', (s, _v, x) => store(x, s, fstF32(s, false), 4)],
  fcomi_under: ['L1', (s, _v, x) => comi(s, x, false)],
  fld_over: ['LF', (s) => fldSt(s, 1)],
  fld80_over: ['LF', (s, v) => fldF80(s, v.a.se, v.a.hi, v.a.lo)],
  fxtract_over: ['LF', (s) => fxtractSt(s)],
  fldpi_over: ['LF', (s) => fldConst(s, K_PI)],
  fstp_st1: ['L2', (s) => fstSt(s, 1, true)],
  fxch: ['L2', (s) => fxch(s, 1)],
  ffree: ['L2', (s) => ffree(s, 0)],
  fincstp: ['L2', (s) => fincDecStp(s, 1)],
  fdecstp: ['L2', (s) => fincDecStp(s, -1)],
  fadd_m32: ['L1', (s, _v, x) => arithM32(s, OP_ADD, u32(x.mem, 0))],
  fsub_m64: ['L1', (s, _v, x) => arithM64(s, OP_SUB, u32(x.mem, 4), u32(x.mem, 0))],
  fdivr_m32: ['L1', (s, _v, x) => arithM32(s, OP_DIVR, u32(x.mem, 0))],
  fmul_m64: ['L1', (s, _v, x) => arithM64(s, OP_MUL, u32(x.mem, 4), u32(x.mem, 0))],
  fiadd_m16: ['L1', (s, _v, x) => { const v = i16(x.mem); arithMInt(s, OP_ADD, v >>> 0, v < 0 ? 0xffffffff : 0); }],
  fidiv_m32: ['L1', (s, _v, x) => { const v = u32(x.mem, 0) | 0; arithMInt(s, OP_DIV, v >>> 0, v < 0 ? 0xffffffff : 0); }],
  fcom_m32: ['L1', (s, _v, x) => fcomMem(s, widenF32(s.ctx, u32(x.mem, 0)), 0)],
  fcomp_m64: ['L1', (s, _v, x) => fcomMem(s, widenF64(s.ctx, u32(x.mem, 4), u32(x.mem, 0)), 1)],
  fadd_e: ['L2', (s) => arithSt(s, OP_ADD, 0, 1, false)],
  fsub_e: ['L2', (s) => arithSt(s, OP_SUB, 0, 1, false)],
  fmul_e: ['L2', (s) => arithSt(s, OP_MUL, 0, 1, false)],
  fdiv_e: ['L2', (s) => arithSt(s, OP_DIV, 0, 1, false)],
  fstp80: ['L2', (s, _v, x) => { if (fstF80(s)) { put(x.mem, 0, s.ctx.lo, 4); put(x.mem, 4, s.ctx.hi, 4); put(x.mem, 8, s.ctx.se, 2); } }],
  fstp80_under: ['L0', (s, _v, x) => { if (fstF80(s)) { put(x.mem, 0, s.ctx.lo, 4); put(x.mem, 4, s.ctx.hi, 4); put(x.mem, 8, s.ctx.se, 2); } }],
  fld_under: ['L1', (s) => fldSt(s, 3)],
  fxch_under: ['L1', (s) => fxch(s, 1)],
  fchs_under: ['L0', (s) => fchsAbs(s, true)],
  fcom_under: ['L1', (s) => fcomSt(s, 1, false, 0)],
  fcompp_under: ['L1', (s) => fcomSt(s, 1, false, 2)],
  fist_under: ['L0', (s, _v, x) => store(x, s, fist(s, 32, false, false), 4)],
  fbstp_under: ['L0', (s, _v, x) => { fbstp(s, x.mem, 0); }],
  fsqrt_under: ['L0', (s) => sqrtSt(s)],
  fprem_under: ['L1', (s) => fpremSt(s, false)],
  fxtract_under: ['L0', (s) => fxtractSt(s)],
  ficom_m16: ['L1', (s, _v, x) => { const v = i16(x.mem); intToF80(s.ctx, v >>> 0, v < 0 ? 0xffffffff : 0); fcomMem(s, 2, 0); }],
};

/** The transcendentals' sets (gen-f80.c's "trans" table, fixtures/trans-vectors.json). */
export const TRANS_OPS: Record<string, [Load, Run]> = {
  fsin: ['L2', (s) => ftrigSt(s, SIN)],
  fcos: ['L2', (s) => ftrigSt(s, COS)],
  fsincos: ['L2', (s) => fsincosSt(s)],
  fptan: ['L2', (s) => fptanSt(s)],
  fpatan: ['L2', (s) => fbinTranscSt(s, OP_PATAN)],
  f2xm1: ['L2', (s) => f2xm1St(s)],
  fyl2x: ['L2', (s) => fbinTranscSt(s, OP_YL2X)],
  fyl2xp1: ['L2', (s) => fbinTranscSt(s, OP_YL2XP1)],
  fsin_under: ['L0', (s) => ftrigSt(s, SIN)],
  fptan_under: ['L0', (s) => fptanSt(s)],
  fsincos_under: ['L0', (s) => fsincosSt(s)],
  fptan_over: ['LF', (s) => fptanSt(s)],
  fsincos_over: ['LF', (s) => fsincosSt(s)],
  fpatan_under: ['L1', (s) => fbinTranscSt(s, OP_PATAN)],
  fyl2x_under: ['L1', (s) => fbinTranscSt(s, OP_YL2X)],
  f2xm1_under: ['L0', (s) => f2xm1St(s)],
};

/** Replay one vector; returns the differences ('' when none). */
export function replay(v: Vec, load: Load, run: Run): string {
  const s = new X87State();
  s.init();
  s.setControlWord(v.cw);
  if (load === 'L2') { s.push(v.b.se, v.b.hi, v.b.lo); s.push(v.a.se, v.a.hi, v.a.lo); }
  else if (load === 'L1') s.push(v.a.se, v.a.hi, v.a.lo);
  else if (load === 'LF') {
    for (let k = 0; k < 7; k++) s.push(v.b.se, v.b.hi, v.b.lo);
    s.push(v.a.se, v.a.hi, v.a.lo);
  }
  const x: Extra = { mem: new Uint8Array(16).fill(0xa5), eflags: 0 };
  if (v.memIn) x.mem.set(v.memIn);
  run(s, v, x);
  return diff(v, s, x);
}

