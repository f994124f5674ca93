/**
 * Instruction templates of the differential generator: each emits one unit
 * (set-up instructions plus the tested instruction) with every encoding of
 * its family, random registers (all 16, byte registers incl. AH–BH),
 * operand sizes, memory forms and edge-value immediates. Each tested
 * instruction carries the flags (and registers) the SDM leaves undefined
 * for it, as a function of its operands.
 */
import { AH, le, type Encoding, type RmOp } from './asm.ts';
import { Ctx, edgeValue, osz, RSP_G, type RegVec, type Undef, type UndefFn } from './gen.ts';
import { AF, ARITH, CF, DF, IF, OF, PF, SF, TF, ZF } from './layout.ts';

const NONE: Undef = { flags: 0 };
const U_AF: UndefFn = () => ({ flags: AF });
const U_MUL: UndefFn = () => ({ flags: SF | ZF | AF | PF });
const U_ALL: UndefFn = () => ({ flags: ARITH });
const U_BT: UndefFn = () => ({ flags: OF | SF | AF | PF });

const RCX = 1;
const SIZES = [1, 2, 4, 8] as const;
const WSIZES = [2, 4, 8] as const;

/** A register that may be written at any size (never RSP). */
function dstReg(ctx: Ctx): number {
  for (;;) {
    const r = ctx.rng.int(16);
    if (r !== RSP_G) return r;
  }
}
function srcReg(ctx: Ctx): number {
  return ctx.rng.int(16);
}

/** Byte registers for an instruction: either REX style (0–15) or legacy (AL–BL, AH–BH). */
interface Byte8 {
  legacy: boolean;
  pick(write: boolean): number;
}
function byteRegs(ctx: Ctx): Byte8 {
  const legacy = ctx.rng.chance(0.3);
  return {
    legacy,
    pick(write) {
      for (;;) {
        const r = legacy ? ctx.rng.pick([0, 1, 2, 3, AH, AH + 1, AH + 2, AH + 3]) : ctx.rng.int(16);
        if (!write || r !== RSP_G) return r;
      }
    },
  };
}

function immBytes(ctx: Ctx, size: number): number[] {
  return le(edgeValue(ctx.rng), size);
}

/** An r/m operand: a register (picked by `reg`) or memory. */
function rmOperand(ctx: Ctx, size: number, reg: () => number, opts: { memP?: number; legacy8?: boolean; avoid?: number[] } = {}): { rm: RmOp; pfx: number[] } {
  if (ctx.rng.chance(opts.memP ?? 0.4)) return ctx.mem(size, { legacy8: opts.legacy8, avoid: opts.avoid });
  return { rm: { kind: 'reg', reg: reg() }, pfx: [] };
}

function sized(ctx: Ctx, size: number, e: Omit<Encoding, 'w'> & { pfx?: number[] }, extraPfx: number[] = []): Encoding {
  const s = size === 1 ? { pfx: [], w: false } : osz(size);
  return { ...e, pfx: [...extraPfx, ...(e.pfx ?? []), ...s.pfx], w: s.w };
}

// ---------------------------------------------------------------- ALU

/** add/or/adc/sbb/and/sub/xor/cmp in every encoding; lock on memory destinations. */
export function alu(ctx: Ctx): void {
  const rng = ctx.rng;
  const k = rng.int(8);
  const size = rng.pick(SIZES);
  const undef = k === 1 || k === 4 || k === 6 ? U_AF : undefined;
  const writes = k !== 7;
  const form = rng.int(6);
  const b8 = byteRegs(ctx);
  const regW = () => (size === 1 ? b8.pick(writes) : writes ? dstReg(ctx) : srcReg(ctx));
  const regR = () => (size === 1 ? b8.pick(false) : srcReg(ctx));
  if (form === 0 || form === 1) {
    // 00+8k Eb,Gb / 01 Ev,Gv  (form 0) and 02/03 Gv,Ev (form 1)
    const toReg = form === 1;
    const { rm, pfx } = rmOperand(ctx, size, toReg ? regR : regW, { legacy8: size === 1 && b8.legacy });
    const lock = !toReg && rm.kind === 'mem' && writes && rng.chance(0.3) ? [0xf0] : [];
    const reg = toReg ? regW() : regR();
    ctx.emit(sized(ctx, size, { op: [8 * k + (toReg ? 2 : 0) + (size === 1 ? 0 : 1)], reg, rm, rexByte: size === 1 && !b8.legacy, pfx }, lock), undef);
  } else if (form === 2) {
    // 04/05: AL/eAX, imm
    const isz = size === 1 ? 1 : size === 2 ? 2 : 4;
    ctx.emit(sized(ctx, size, { op: [8 * k + (size === 1 ? 4 : 5)], imm: immBytes(ctx, isz) }), undef);
  } else {
    // 80 /k ib, 81 /k iz, 83 /k ib (sign-extended)
    const op = size === 1 ? 0x80 : rng.chance(0.5) ? 0x83 : 0x81;
    const isz = op !== 0x81 ? 1 : size === 2 ? 2 : 4;
    const { rm, pfx } = rmOperand(ctx, size, regW, { legacy8: size === 1 && b8.legacy });
    const lock = rm.kind === 'mem' && writes && rng.chance(0.3) ? [0xf0] : [];
    ctx.emit(sized(ctx, size, { op: [op], reg: k, rm, imm: immBytes(ctx, isz), rexByte: size === 1 && !b8.legacy, pfx }, lock), undef);
  }
}

/** test in every encoding. */
export function test(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const b8 = byteRegs(ctx);
  const reg = () => (size === 1 ? b8.pick(false) : srcReg(ctx));
  const form = rng.int(3);
  const isz = size === 1 ? 1 : size === 2 ? 2 : 4;
  if (form === 0) {
    const { rm, pfx } = rmOperand(ctx, size, reg, { legacy8: size === 1 && b8.legacy });
    ctx.emit(sized(ctx, size, { op: [size === 1 ? 0x84 : 0x85], reg: reg(), rm, rexByte: size === 1 && !b8.legacy, pfx }), U_AF);
  } else if (form === 1) {
    ctx.emit(sized(ctx, size, { op: [size === 1 ? 0xa8 : 0xa9], imm: immBytes(ctx, isz) }), U_AF);
  } else {
    const { rm, pfx } = rmOperand(ctx, size, reg, { legacy8: size === 1 && b8.legacy });
    ctx.emit(sized(ctx, size, { op: [size === 1 ? 0xf6 : 0xf7], reg: 0, rm, imm: immBytes(ctx, isz), rexByte: size === 1 && !b8.legacy, pfx }), U_AF);
  }
}

/** inc/dec (FE/FF /0 /1), not/neg (F6/F7 /2 /3), with lock on memory. */
export function unary(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const b8 = byteRegs(ctx);
  const digit = rng.int(4);
  const op = digit < 2 ? (size === 1 ? 0xfe : 0xff) : size === 1 ? 0xf6 : 0xf7;
  const { rm, pfx } = rmOperand(ctx, size, () => (size === 1 ? b8.pick(true) : dstReg(ctx)), { legacy8: size === 1 && b8.legacy });
  const lock = rm.kind === 'mem' && rng.chance(0.3) ? [0xf0] : [];
  ctx.emit(sized(ctx, size, { op: [op], reg: digit < 2 ? digit : digit, rm, rexByte: size === 1 && !b8.legacy, pfx }, lock));
}

/** mul/imul/div/idiv r/m (F6/F7 /4–/7); divisions usually get a dividend that fits. */
export function muldiv1(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const digit = rng.range(4, 7);
  const b8 = byteRegs(ctx);
  if (digit >= 6 && rng.chance(0.8)) {
    if (digit === 6) {
      // div: zero the high half of the dividend
      if (size === 1) ctx.emit([0xb4, 0x00]); // mov ah, 0
      else ctx.emit(sized(ctx, size === 8 ? 4 : size, { op: [0x31], reg: 2, rm: { kind: 'reg', reg: 2 } })); // xor edx, edx
    } else {
      // idiv: sign-extend the dividend (cbw / cwd / cdq / cqo)
      ctx.emit(size === 1 ? [0x66, 0x98] : sized(ctx, size, { op: [0x99] }));
    }
  }
  const { rm, pfx } = rmOperand(ctx, size, () => (size === 1 ? b8.pick(false) : srcReg(ctx)), { legacy8: size === 1 && b8.legacy });
  ctx.emit(sized(ctx, size, { op: [size === 1 ? 0xf6 : 0xf7], reg: digit, rm, rexByte: size === 1 && !b8.legacy, pfx }), digit >= 6 ? U_ALL : U_MUL);
}

/** imul r, r/m (0F AF) and imul r, r/m, imm (69 iz / 6B ib). */
export function imul(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(WSIZES);
  const { rm, pfx } = rmOperand(ctx, size, () => srcReg(ctx));
  const reg = dstReg(ctx);
  const form = rng.int(3);
  if (form === 0) ctx.emit(sized(ctx, size, { op: [0x0f, 0xaf], reg, rm, pfx }), U_MUL);
  else if (form === 1) ctx.emit(sized(ctx, size, { op: [0x6b], reg, rm, pfx, imm: immBytes(ctx, 1) }), U_MUL);
  else ctx.emit(sized(ctx, size, { op: [0x69], reg, rm, pfx, imm: immBytes(ctx, size === 2 ? 2 : 4) }), U_MUL);
}

/** cmpxchg (0F B0/B1) and xadd (0F C0/C1), lock on memory. */
export function cmpxchgXadd(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const b8 = byteRegs(ctx);
  const xadd = rng.chance(0.5);
  const reg = () => (size === 1 ? b8.pick(true) : dstReg(ctx));
  // cmpxchg writes the accumulator on a mismatch: keep RSP out of every operand.
  const { rm, pfx } = rmOperand(ctx, size, reg, { legacy8: size === 1 && b8.legacy });
  const lock = rm.kind === 'mem' && rng.chance(0.4) ? [0xf0] : [];
  const op = (xadd ? 0xc0 : 0xb0) + (size === 1 ? 0 : 1);
  ctx.emit(sized(ctx, size, { op: [0x0f, op], reg: reg(), rm, rexByte: size === 1 && !b8.legacy, pfx }, lock));
}

// ---------------------------------------------------------------- shifts

function countMask(size: number): number {
  return size === 8 ? 63 : 31;
}

/** Undefined flags of grp2 digit `d` at `size` with a masked count `c` (SDM SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR). */
function shiftUndef(d: number, size: number, c: number): Undef {
  if (c === 0) return NONE;
  let f = c !== 1 ? OF : 0;
  if (d >= 4) {
    f |= AF;
    // SHL/SHR (and the SAL alias /6): CF is undefined when count >= operand size.
    if (d !== 7 && c >= size * 8) f |= CF;
  }
  return { flags: f };
}

/** Loads CL with a count (most of the time) so CL forms see interesting counts. */
function maybeCount(ctx: Ctx, max = 255): void {
  if (ctx.rng.chance(0.7)) ctx.emit([0xb1, ctx.rng.chance(0.5) ? ctx.rng.range(0, Math.min(max, 9)) : ctx.rng.range(0, max)]);
}

/** rol/ror/rcl/rcr/shl/shr/sal(/6)/sar by 1, CL and imm8. */
export function shift(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const d = rng.int(8);
  const b8 = byteRegs(ctx);
  const form = rng.int(3); // 0: by 1, 1: by CL, 2: imm8
  if (form === 1) maybeCount(ctx);
  const avoid = form === 1 ? [RCX] : [];
  const reg = () => {
    for (;;) {
      const r = size === 1 ? b8.pick(true) : dstReg(ctx);
      if (form !== 1 || r !== RCX) return r;
    }
  };
  const { rm, pfx } = rmOperand(ctx, size, reg, { legacy8: size === 1 && b8.legacy, avoid });
  const base = size === 1 ? 0 : 1;
  const imm = form === 2 ? [rng.chance(0.6) ? rng.range(0, size * 8 + 1) : rng.int(256)] : undefined;
  const op = form === 0 ? 0xd0 + base : form === 1 ? 0xd2 + base : 0xc0 + base;
  const m = countMask(size);
  const undef: UndefFn = (pre) => shiftUndef(d, size, (form === 0 ? 1 : form === 1 ? Number(pre[RCX] & 0xffn) : imm![0]) & m);
  ctx.emit(sized(ctx, size, { op: [op], reg: d, rm, imm, rexByte: size === 1 && !b8.legacy, pfx }), undef);
}

/** shld/shrd by imm8 and CL. 16-bit counts above 16 leave the result undefined: never with a memory destination. */
export function shiftDouble(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(WSIZES);
  const right = rng.chance(0.5);
  const byCl = rng.chance(0.5);
  const m = countMask(size);
  const pickCount = (): number => {
    const c = rng.chance(0.5) ? rng.range(0, size * 8) : rng.int(256);
    return size === 2 && (c & 31) > 16 ? c & 15 : c;
  };
  let immCount = 0;
  if (byCl) ctx.emit([0xb1, pickCount()]);
  else immCount = pickCount();
  const { rm, pfx } = rmOperand(ctx, size, () => {
    for (;;) {
      const r = dstReg(ctx);
      if (r !== RCX) return r;
    }
  }, { avoid: [RCX] });
  const undef: UndefFn = (pre) => {
    const c = (byCl ? Number(pre[RCX] & 0xffn) : immCount) & m;
    if (c === 0) return NONE;
    if (c > size * 8) return { flags: ARITH, regs: rm.kind === 'reg' ? [rm.reg] : [] };
    return { flags: AF | (c !== 1 ? OF : 0) };
  };
  const op = (right ? 0xac : 0xa4) + (byCl ? 1 : 0);
  ctx.emit(sized(ctx, size, { op: [0x0f, op], reg: srcReg(ctx), rm, pfx, imm: byCl ? undefined : [immCount] }), undef);
}

// ---------------------------------------------------------------- bits

/** bt/bts/btr/btc with a register offset (memory: a small signed offset) and imm8. */
export function bitTest(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(WSIZES);
  const k = rng.int(4); // bt, bts, btr, btc
  const lockable = k !== 0;
  if (rng.chance(0.5)) {
    const { rm, pfx } = rmOperand(ctx, size, () => (k === 0 ? srcReg(ctx) : dstReg(ctx)));
    const lock = rm.kind === 'mem' && lockable && rng.chance(0.3) ? [0xf0] : [];
    ctx.emit(sized(ctx, size, { op: [0x0f, 0xba], reg: 4 + k, rm, pfx, imm: [rng.int(256)] }, lock), U_BT);
    return;
  }
  const mem = rng.chance(0.4);
  let off = srcReg(ctx);
  if (mem) {
    // The bit offset addresses outside the operand: keep it within ±256 bits.
    off = dstReg(ctx);
    ctx.emit({ w: true, op: [0xc7], reg: 0, rm: { kind: 'reg', reg: off }, imm: le(rng.range(-256, 256), 4) });
  }
  const { rm, pfx } = mem ? ctx.mem(size, { avoid: [off] }) : { rm: { kind: 'reg' as const, reg: k === 0 ? srcReg(ctx) : dstReg(ctx) }, pfx: [] };
  const lock = mem && lockable && rng.chance(0.3) ? [0xf0] : [];
  ctx.emit(sized(ctx, size, { op: [0x0f, [0xa3, 0xab, 0xb3, 0xbb][k]], reg: off, rm, pfx }, lock), U_BT);
}

export interface BitCountSupport {
  popcnt: boolean;
  lzcnt: boolean;
  tzcnt: boolean;
}

/** bsf/bsr (+ tzcnt/lzcnt/popcnt where both sides implement them). */
export function bitScan(ctx: Ctx, sup: BitCountSupport): void {
  const rng = ctx.rng;
  const size = rng.pick(WSIZES);
  const kinds = ['bsf', 'bsr', ...(sup.tzcnt ? ['tzcnt'] : []), ...(sup.lzcnt ? ['lzcnt'] : []), ...(sup.popcnt ? ['popcnt'] : [])];
  const kind = rng.pick(kinds);
  const { rm, pfx } = rmOperand(ctx, size, () => srcReg(ctx));
  const reg = dstReg(ctx);
  const op = kind === 'bsf' || kind === 'tzcnt' ? 0xbc : kind === 'popcnt' ? 0xb8 : 0xbd;
  const rep = kind === 'bsf' || kind === 'bsr' ? [] : [0xf3];
  // BSF/BSR: with a zero source (ZF = 1) the destination is undefined (SDM BSF/BSR).
  const undef: UndefFn =
    kind === 'bsf' || kind === 'bsr'
      ? (_pre, post) => ({ flags: CF | OF | SF | AF | PF, regs: (post[17] & BigInt(ZF)) !== 0n ? [reg] : [] })
      : kind === 'popcnt'
        ? () => NONE
        : U_BT;
  ctx.emit(sized(ctx, size, { op: [0x0f, op], reg, rm, pfx: [...rep, ...pfx] }), undef);
}

/** bswap r32/r64 (the 16-bit form is undefined). */
export function bswap(ctx: Ctx): void {
  ctx.emit({ w: ctx.rng.chance(0.5), op: [0x0f, 0xc8], opReg: dstReg(ctx) });
}

// ---------------------------------------------------------------- data movement

/** mov in all forms: 88/89/8A/8B, C6/C7, B0+r, B8+r (imm16/32/64), A0–A3 moffs. */
export function mov(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const b8 = byteRegs(ctx);
  const form = rng.int(6);
  const regW = () => (size === 1 ? b8.pick(true) : dstReg(ctx));
  const regR = () => (size === 1 ? b8.pick(false) : srcReg(ctx));
  const legacy8 = size === 1 && b8.legacy;
  const rexByte = size === 1 && !b8.legacy;
  if (form <= 1) {
    const toReg = form === 1;
    const { rm, pfx } = rmOperand(ctx, size, toReg ? regR : regW, { legacy8 });
    ctx.emit(sized(ctx, size, { op: [(toReg ? 0x8a : 0x88) + (size === 1 ? 0 : 1)], reg: toReg ? regW() : regR(), rm, rexByte, pfx }));
  } else if (form === 2) {
    const { rm, pfx } = rmOperand(ctx, size, regW, { legacy8 });
    ctx.emit(sized(ctx, size, { op: [size === 1 ? 0xc6 : 0xc7], reg: 0, rm, rexByte, pfx, imm: immBytes(ctx, size === 1 ? 1 : size === 2 ? 2 : 4) }));
  } else if (form === 3) {
    ctx.emit(sized(ctx, size, { op: [size === 1 ? 0xb0 : 0xb8], opReg: regW(), rexByte, imm: immBytes(ctx, size) }));
  } else {
    // moffs: 64-bit absolute address into the data area
    const addr = 0x20000 + rng.range(64, 0x2000 - 72);
    const store = form === 5;
    const op = (store ? 0xa2 : 0xa0) + (size === 1 ? 0 : 1);
    ctx.emit(sized(ctx, size, { op: [op], imm: le(addr, 8) }));
  }
}

/** movzx/movsx (0F B6/B7/BE/BF) and movsxd (63, also the rarely used 32-bit form). */
export function movx(ctx: Ctx): void {
  const rng = ctx.rng;
  if (rng.chance(0.25)) {
    const size = rng.chance(0.85) ? 8 : rng.pick([2, 4]);
    const { rm, pfx } = rmOperand(ctx, 4, () => srcReg(ctx));
    ctx.emit(sized(ctx, size, { op: [0x63], reg: dstReg(ctx), rm, pfx }));
    return;
  }
  const size = rng.pick(WSIZES);
  const byteSrc = rng.chance(0.6);
  const sign = rng.chance(0.5);
  const legacy8 = byteSrc && size !== 8 && rng.chance(0.3);
  const reg = legacy8 ? rng.pick([0, 1, 2, 3, 5, 6, 7]) : dstReg(ctx);
  const { rm, pfx } = rmOperand(ctx, byteSrc ? 1 : 2, () => (legacy8 ? rng.pick([0, 1, 2, 3, AH, AH + 1, AH + 2, AH + 3]) : srcReg(ctx)), { legacy8 });
  const op = (sign ? 0xbe : 0xb6) + (byteSrc ? 0 : 1);
  ctx.emit(sized(ctx, size, { op: [0x0f, op], reg, rm, pfx, rexByte: byteSrc && !legacy8 }));
}

/** lea with random base/index/scale/disp (no access: any registers), 16/32/64-bit, with 67. */
export function lea(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(WSIZES);
  const pfx = rng.chance(0.2) ? [0x67] : [];
  let rm: RmOp;
  if (rng.chance(0.15)) rm = { kind: 'mem', base: -1, index: -1, scale: 0, disp: 0x20000 + rng.int(0x2000), rip: true };
  else {
    const base = rng.chance(0.9) ? rng.int(16) : -1;
    let index = rng.chance(0.6) ? rng.int(16) : -1;
    if (index === RSP_G) index = -1;
    const disp = rng.pick([0, rng.range(-128, 127), Number(BigInt.asIntN(32, edgeValue(rng)))]);
    rm = { kind: 'mem', base, index, scale: rng.int(4), disp };
  }
  ctx.emit(sized(ctx, size, { op: [0x8d], reg: dstReg(ctx), rm, pfx }));
}

/** xchg r/m, r (86/87, memory forms lock implicitly) and xchg rAX, r (90+r). */
export function xchg(ctx: Ctx): void {
  const rng = ctx.rng;
  if (rng.chance(0.3)) {
    const size = rng.pick(WSIZES);
    let r = dstReg(ctx);
    if (r === 0 && size !== 8) r = 8; // 90 without REX.B is NOP; 66 90 too
    ctx.emit(sized(ctx, size, { op: [0x90], opReg: r }));
    return;
  }
  const size = rng.pick(SIZES);
  const b8 = byteRegs(ctx);
  const reg = () => (size === 1 ? b8.pick(true) : dstReg(ctx));
  const { rm, pfx } = rmOperand(ctx, size, reg, { legacy8: size === 1 && b8.legacy });
  ctx.emit(sized(ctx, size, { op: [size === 1 ? 0x86 : 0x87], reg: reg(), rm, rexByte: size === 1 && !b8.legacy, pfx }));
}

/** cbw/cwde/cdqe (98), cwd/cdq/cqo (99). */
export function convert(ctx: Ctx): void {
  ctx.emit(sized(ctx, ctx.rng.pick(WSIZES), { op: [ctx.rng.chance(0.5) ? 0x98 : 0x99] }));
}

/** setcc r/m8 and cmovcc r, r/m. */
export function condMove(ctx: Ctx): void {
  const rng = ctx.rng;
  const cc = rng.int(16);
  if (rng.chance(0.4)) {
    const b8 = byteRegs(ctx);
    const { rm, pfx } = rmOperand(ctx, 1, () => b8.pick(true), { legacy8: b8.legacy });
    ctx.emit({ op: [0x0f, 0x90 + cc], reg: 0, rm, pfx, rexByte: !b8.legacy });
    return;
  }
  const size = rng.pick(WSIZES);
  const { rm, pfx } = rmOperand(ctx, size, () => srcReg(ctx));
  ctx.emit(sized(ctx, size, { op: [0x0f, 0x40 + cc], reg: dstReg(ctx), rm, pfx }));
}

// ---------------------------------------------------------------- stack

/** push/pop: 50+r/58+r (64 and 16-bit), imm8/imm32/imm16, r/m (FF /6, 8F /0). */
export function pushPop(ctx: Ctx): void {
  const rng = ctx.rng;
  const form = rng.int(8);
  const o16 = rng.chance(0.15);
  const pfx = o16 ? [0x66] : [];
  const delta = o16 ? 2 : 8;
  switch (form) {
    case 0:
    case 1:
      ctx.emit({ pfx, op: [0x50], opReg: srcReg(ctx) });
      ctx.pushed += delta;
      break;
    case 2:
      ctx.emit({ pfx, op: [0x58], opReg: dstReg(ctx) });
      ctx.pushed -= delta;
      break;
    case 3:
      ctx.emit([0x6a, rng.int(256)]);
      ctx.pushed += 8;
      break;
    case 4:
      ctx.emit(o16 ? [0x66, 0x68, ...immBytes(ctx, 2)] : [0x68, ...immBytes(ctx, 4)]);
      ctx.pushed += delta;
      break;
    case 5: {
      const { rm, pfx: mp } = rmOperand(ctx, delta, () => srcReg(ctx));
      ctx.emit({ pfx: [...mp, ...pfx], op: [0xff], reg: 6, rm });
      ctx.pushed += delta;
      break;
    }
    case 6: {
      // pop r/m: a memory destination is computed after RSP is incremented (SDM POP).
      const { rm, pfx: mp } = rmOperand(ctx, delta, () => dstReg(ctx), { memP: 0.6 });
      ctx.emit({ pfx: [...mp, ...pfx], op: [0x8f], reg: 0, rm });
      ctx.pushed -= delta;
      break;
    }
    default: {
      // enter imm16, 0|1 … leave
      ctx.emit([0xc8, ...le(rng.int(8) * 8 + (rng.chance(0.2) ? 2 : 0), 2), rng.int(2)]);
      ctx.emit([0xc9]);
    }
  }
}

/** pushfq / popfq (popfq of a value keeping TF and IF set, AC clear), pushf16, lahf/sahf, clc/stc/cmc/cld/std. */
export function flagOps(ctx: Ctx): void {
  const rng = ctx.rng;
  switch (rng.int(6)) {
    case 0: {
      // ID (bit 21) and the arithmetic flags and DF random; TF/IF stay set so stepping continues.
      const v = (rng.u32() & (ARITH | DF | (1 << 21))) | TF | IF | 2;
      ctx.emit([0x68, ...le(v, 4)]);
      ctx.emit([0x9d]);
      break;
    }
    case 1:
      ctx.emit(rng.chance(0.2) ? [0x66, 0x9c] : [0x9c]);
      ctx.pushed += 8;
      break;
    case 2:
      ctx.emit([rng.pick([0x9e, 0x9f])]);
      break;
    default:
      ctx.emit([rng.pick([0xf8, 0xf9, 0xf5, 0xfc, 0xfd])]);
  }
}

// ---------------------------------------------------------------- strings

/** movs/cmps/stos/lods/scas at every size, with rep/repe/repne and small counts, 67 and an FS source override. */
export function stringOp(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick(SIZES);
  const op = rng.pick([0xa4, 0xa6, 0xaa, 0xac, 0xae]) + (size === 1 ? 0 : 1);
  const usesSrc = (op & 0xfe) === 0xa4 || (op & 0xfe) === 0xa6 || (op & 0xfe) === 0xac;
  const usesDst = (op & 0xfe) !== 0xac;
  if (usesSrc) ctx.movImm(6, 0x20000 + rng.range(0x800, 0x1000));
  if (usesDst) ctx.movImm(7, 0x20000 + rng.range(0x1000, 0x1800));
  const rep = rng.chance(0.6) ? [rng.pick([0xf3, 0xf2])] : [];
  if (rep.length) ctx.movImm(1, rng.range(0, 9));
  const pfx = [...rep, ...(rng.chance(0.1) ? [0x67] : []), ...(usesSrc && rng.chance(0.1) ? [0x64] : [])];
  ctx.emit(sized(ctx, size, { op: [op], pfx }));
}

// ---------------------------------------------------------------- control

/** Forward jcc/jmp (rel8/rel32), jrcxz/loop*, call rel32, push+ret, jmp/call r. */
export function branch(ctx: Ctx): void {
  const rng = ctx.rng;
  const skip = rng.int(3);
  switch (rng.int(8)) {
    case 0:
    case 1:
      ctx.emitBranch([0x70 + rng.int(16), 0], 1, skip);
      break;
    case 2:
      ctx.emitBranch([0x0f, 0x80 + rng.int(16), 0, 0, 0, 0], 4, skip);
      break;
    case 3:
      if (rng.chance(0.5)) ctx.emitBranch([0xeb, 0], 1, skip);
      else ctx.emitBranch([0xe9, 0, 0, 0, 0], 4, skip);
      break;
    case 4: {
      const op = rng.pick([0xe0, 0xe1, 0xe2, 0xe3]);
      if (rng.chance(0.5)) ctx.movImm(1, rng.range(0, 3));
      ctx.emitBranch(rng.chance(0.15) ? [0x67, op, 0] : [op, 0], 1, skip);
      break;
    }
    case 5:
      ctx.emitBranch([0xe8, 0, 0, 0, 0], 4, skip);
      ctx.pushed += 8;
      break;
    case 6:
      // push imm32 (target); ret / ret imm16
      ctx.emitBranch([0x68, 0, 0, 0, 0], 4, skip, 'abs');
      ctx.emit(rng.chance(0.7) ? [0xc3] : [0xc2, rng.int(3) * 8, 0]);
      break;
    default: {
      // mov r, target; jmp r / call r
      const r = dstReg(ctx);
      const bytes = encodeMovR32(r);
      ctx.emitBranch(bytes, 4, skip, 'abs');
      const call = rng.chance(0.4);
      ctx.emit({ op: [0xff], reg: call ? 2 : 4, rm: { kind: 'reg', reg: r } });
      if (call) ctx.pushed += 8;
    }
  }
}

function encodeMovR32(r: number): number[] {
  return r >= 8 ? [0x41, 0xb8 + (r & 7), 0, 0, 0, 0] : [0xb8 + r, 0, 0, 0, 0];
}

/** nop forms: 90, 66 90, pause, 0F 1F /0 with a memory operand (no access). */
export function nop(ctx: Ctx): void {
  const rng = ctx.rng;
  switch (rng.int(4)) {
    case 0:
      ctx.emit([0x90]);
      break;
    case 1:
      ctx.emit([0x66, 0x90]);
      break;
    case 2:
      ctx.emit([0xf3, 0x90]);
      break;
    default:
      ctx.emit({ pfx: rng.chance(0.3) ? [0x66] : [], op: [0x0f, 0x1f], reg: 0, rm: { kind: 'mem', base: rng.int(16), index: -1, scale: 0, disp: rng.range(-128, 127) } });
  }
}

export type Template = (ctx: Ctx) => void;

/** The template mix (weights) for a given bit-count support. */
export function templates(sup: BitCountSupport): [Template, number][] {
  return [
    [alu, 14], [test, 3], [unary, 4], [muldiv1, 4], [imul, 3], [cmpxchgXadd, 3],
    [shift, 8], [shiftDouble, 3], [bitTest, 4], [(c) => bitScan(c, sup), 4], [bswap, 1],
    [mov, 8], [movx, 4], [lea, 3], [xchg, 3], [convert, 1], [condMove, 4],
    [pushPop, 4], [flagOps, 3], [stringOp, 4], [branch, 5], [nop, 1],
  ];
}

export type { RegVec };
