/**
 * x87 cases for the differential test: a random x87 state (registers of every
 * class — normals, zeros, denormals, pseudo-denormals, unnormals, infinities,
 * QNaNs, SNaNs, pseudo-NaNs/infinities, the indefinite, values near the
 * overflow/underflow thresholds —, random TOP and tags, every PC/RC, mostly
 * masked exceptions, sometimes unmasked ones), loaded with KVM_SET_FPU on
 * the hardware and into the emulator, then a random sequence of x87
 * instructions (every form exec/x87*.ts implements, transcendentals included)
 * whose memory operands hold values of the same classes in every format.
 * Deterministic per (seed, case index).
 */
import { Ctx, Rng, edgeValue } from './gen.ts';
import { DATA, DATA_SIZE, USTACK_HI, USTACK_LO } from './layout.ts';
import { sealCode, type Case } from './lockstep.ts';
import type { FpuState } from './machine.ts';

type F80 = [se: number, hi: number, lo: number];

/** An 80-bit value of a random class. */
function f80(r: Rng): F80 {
  const s = r.chance(0.5) ? 0x8000 : 0;
  const hi = r.u32(), lo = r.u32();
  switch (r.int(16)) {
    case 0: return [s, 0, 0]; // zero
    case 1: return [s, hi & 0x7fffffff, lo]; // denormal
    case 2: return [s, hi | 0x80000000, lo]; // pseudo-denormal
    case 3: return [s | (1 + r.int(0x7ffe)), hi & 0x7fffffff, lo]; // unnormal
    case 4: return [s | 0x7fff, 0x80000000, 0]; // infinity
    case 5: return [s | 0x7fff, (hi | 0xc0000000) >>> 0, lo]; // QNaN
    case 6: return [s | 0x7fff, ((hi & 0x3fffffff) | 0x80000000 | (r.chance(0.5) ? 1 : 0)) >>> 0, lo | 1]; // SNaN
    case 7: return [s | 0x7fff, hi & 0x7fffffff, lo]; // pseudo-NaN / pseudo-infinity
    case 8: return [0xffff, 0xc0000000, 0]; // the indefinite
    case 9: return [s | (r.chance(0.5) ? 1 + r.int(80) : 0x7ffe - r.int(80)), (hi | 0x80000000) >>> 0, lo]; // near the extremes
    case 10: return [s | (0x3c00 + r.int(0x80)), (hi | 0x80000000) >>> 0, lo]; // near the binary32/64 range ends
    case 11: return [s | (0x3fff + r.int(64)), (0x80000000 | (hi & 0xff000000)) >>> 0, 0]; // integers and halves
    default: return [s | (0x3fff - 32 + r.int(64)), (hi | 0x80000000) >>> 0, lo]; // ordinary normals
  }
}

/** A binary32 (bits) or binary64 (hi, lo) of a random class. */
function fbin(r: Rng, double: boolean): [number, number] {
  const s = r.chance(0.5) ? 0x80000000 : 0;
  const e = double ? 11 : 8, f = double ? 20 : 23, max = (1 << e) - 1;
  const frac = r.u32() & ((1 << f) - 1), lo = double ? r.u32() : 0;
  let ex: number;
  switch (r.int(8)) {
    case 0: return [s, 0]; // zero
    case 1: ex = 0; break; // denormal
    case 2: return [(s | (max << f)) >>> 0, 0]; // infinity
    case 3: ex = max; break; // NaN (quiet or signalling by the top fraction bit)
    case 4: ex = r.chance(0.5) ? 1 : max - 1; break;
    default: ex = (max >> 1) - 20 + r.int(40);
  }
  let fr = frac;
  if (ex === max && fr === 0 && lo === 0) fr = 1;
  if (ex === 0 && fr === 0 && lo === 0) fr = 1;
  return [(s | (ex << f) | fr) >>> 0, lo];
}

/** An FCW: any PC and RC; exceptions masked (mostly), reserved bits sometimes set. */
function controlWord(r: Rng): number {
  let masks = 0x3f;
  if (r.chance(0.15)) masks = r.u32() & 0x3f;
  const reserved = r.chance(0.1) ? r.u32() & 0xe080 : 0x40;
  return (masks | (r.int(4) << 8) | (r.int(4) << 10) | reserved) & 0xffff;
}

/** Memory operand [DATA + off] with ModRM.reg = digit (mod 00, SIB base none, disp32). */
function memForm(op: number, digit: number, off: number): number[] {
  const a = DATA + off;
  return [op, (digit << 3) | 4, 0x25, a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24];
}

class Data {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  constructor(r: Rng) {
    this.bytes = new Uint8Array(DATA_SIZE);
    for (let k = 0; k < DATA_SIZE; k += 4) new DataView(this.bytes.buffer).setUint32(k, r.u32(), true);
    this.dv = new DataView(this.bytes.buffer);
  }
  /** A fresh offset for an operand of `n` bytes (16-aligned slots; 112-byte slots for environments). */
  slot(r: Rng, n: number): number {
    return n > 16 ? 0x1000 + 128 * r.int(24) : 16 * r.int(0x100 - 8);
  }
  put(off: number, values: number[], size: number): void {
    values.forEach((v, k) => {
      if (size === 2) this.dv.setUint16(off + 2 * k, v, true);
      else this.dv.setUint32(off + 4 * k, v, true);
    });
  }
}

function plantF80(d: Data, off: number, [se, hi, lo]: F80): void {
  d.put(off, [lo, hi], 4);
  d.put(off + 8, [se], 2);
}

function plantInt(r: Rng, d: Data, off: number, bytes: number): void {
  const v = edgeValue(r);
  const small = r.chance(0.5) ? BigInt(r.int(2000) - 1000) : v;
  d.put(off, [Number(small & 0xffffffffn) >>> 0, Number((small >> 32n) & 0xffffffffn) >>> 0], 4);
  if (bytes === 2 && r.chance(0.5)) d.put(off, [r.u32() & 0xffff], 2);
}

function plantBcd(r: Rng, d: Data, off: number): void {
  for (let k = 0; k < 9; k++) d.bytes[off + k] = r.chance(0.05) ? r.u32() & 0xff : (r.int(10) << 4) | r.int(10);
  d.bytes[off + 9] = r.chance(0.5) ? 0x80 : 0;
}

/** FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1 (D9 F0–FF). */
const TRANSCENDENTAL = [0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff];

/** Whether the bytes are a transcendental (compared within 1 ulp: GenInsn.x87Approx). */
function transcendental(bytes: number[]): boolean {
  return bytes.length === 2 && bytes[0] === 0xd9 && TRANSCENDENTAL.includes(bytes[1]);
}

/** One random x87 instruction (with its memory operand planted). */
function insn(r: Rng, d: Data): number[] {
  const i = r.int(8);
  switch (r.int(26)) {
    case 24: case 25: return [0xd9, r.pick(TRANSCENDENTAL)];
    case 0: case 1: { // D8/DC register arithmetic and compares
      return [r.chance(0.5) ? 0xd8 : 0xdc, 0xc0 | (r.int(8) << 3) | i];
    }
    case 2: { // DE: …P forms, FCOMP5, FCOMPP
      const dg = r.int(8);
      return [0xde, 0xc0 | (dg << 3) | (dg === 3 ? 1 : i)];
    }
    case 3: case 4: { // D8 m32fp / DC m64fp arithmetic and compares
      const dbl = r.chance(0.5), off = d.slot(r, 8);
      const [a, b] = fbin(r, dbl);
      d.put(off, dbl ? [b, a] : [a], 4);
      return memForm(dbl ? 0xdc : 0xd8, r.int(8), off);
    }
    case 5: { // DA m32int / DE m16int
      const w = r.chance(0.5), off = d.slot(r, 4);
      plantInt(r, d, off, w ? 2 : 4);
      return memForm(w ? 0xde : 0xda, r.int(8), off);
    }
    case 6: case 7: { // loads
      const off = d.slot(r, 10);
      switch (r.int(6)) {
        case 0: { const [a] = fbin(r, false); d.put(off, [a], 4); return memForm(0xd9, 0, off); }
        case 1: { const [a, b] = fbin(r, true); d.put(off, [b, a], 4); return memForm(0xdd, 0, off); }
        case 2: plantF80(d, off, f80(r)); return memForm(0xdb, 5, off);
        case 3: plantInt(r, d, off, 8); return memForm(0xdf, r.chance(0.5) ? 5 : 0, off); // fild m64 / m16
        case 4: plantInt(r, d, off, 4); return memForm(0xdb, 0, off);
        default: plantBcd(r, d, off); return memForm(0xdf, 4, off);
      }
    }
    case 8: case 9: { // stores
      const off = d.slot(r, 10);
      const forms: [number, number][] = [
        [0xd9, 2], [0xd9, 3], [0xdd, 2], [0xdd, 3], [0xdb, 7], [0xdb, 1], [0xdb, 2], [0xdb, 3],
        [0xdd, 1], [0xdf, 1], [0xdf, 2], [0xdf, 3], [0xdf, 6], [0xdf, 7],
      ];
      const [op, dg] = r.pick(forms);
      return memForm(op, dg, off);
    }
    case 10: return [0xd9, 0xc0 | i]; // fld st(i)
    case 11: return [0xd9, 0xc8 | i]; // fxch
    case 12: return [0xdd, r.pick([0xc0, 0xd0, 0xd8, 0xe0, 0xe8]) | i]; // ffree, fst, fstp, fucom, fucomp
    case 13: return [0xd9, r.pick([0xe0, 0xe1, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xfa, 0xfc, 0xfd, 0xd0])];
    case 14: return [r.chance(0.5) ? 0xda : 0xdb, 0xc0 | (r.int(4) << 3) | i]; // fcmovcc
    case 15: return [r.chance(0.5) ? 0xdb : 0xdf, (r.chance(0.5) ? 0xe8 : 0xf0) | i]; // fucomi/fcomi(p)
    case 16: return r.pick([[0xda, 0xe9], [0xdf, 0xe0], [0xdb, 0xe2], [0x9b], [0xdf, 0xc0 | i]]); // fucompp, fnstsw ax, fnclex, fwait, ffreep
    case 17: { // fldcw
      const off = d.slot(r, 2);
      d.put(off, [controlWord(r)], 2);
      return memForm(0xd9, 5, off);
    }
    case 18: return memForm(r.pick([0xd9, 0xdd]), 7, d.slot(r, 2)); // fnstcw / fnstsw m16
    case 19: { // fnstenv / fnsave, or fldenv / frstor of an image planted from a random state; 66: the 16-bit formats
      const off = d.slot(r, 108), save = r.chance(0.5), env = r.chance(0.5), b16 = r.chance(0.3);
      if (!save && b16) {
        d.put(off, [controlWord(r), r.u32() & 0x7f00, r.u32(), r.u32(), r.u32(), r.u32(), r.u32()], 2);
        for (let k = 0; k < 8; k++) plantF80(d, off + 14 + 10 * k, f80(r));
      } else if (!save) {
        d.put(off, [controlWord(r) | 0xffff0000, (r.u32() & 0x7f00) | 0xffff0000, r.u32() | 0xffff0000, r.u32(), r.u32() & 0x7ffffff, r.u32(), 0xffff0000], 4);
        for (let k = 0; k < 8; k++) plantF80(d, off + 28 + 10 * k, f80(r));
      }
      const bytes = memForm(env ? 0xd9 : 0xdd, save ? 6 : 4, off);
      return b16 ? [0x66, ...bytes] : bytes;
    }
    default: return [0xd9, 0xc0 | i]; // fld st(i) again: keeps the stack busy
  }
}

/**
 * The starting x87 state (FXSAVE layout): random registers, tags, TOP, FCW, consistent FSW;
 * pointers 0; XMM zero, MXCSR at its reset value 1F80 (no x87 instruction reads either).
 */
function startState(r: Rng): FpuState {
  const b = new Uint8Array(160);
  const d = new DataView(b.buffer);
  for (let k = 0; k < 8; k++) {
    const [se, hi, lo] = f80(r);
    d.setUint32(32 + 16 * k, lo, true);
    d.setUint32(32 + 16 * k + 4, hi, true);
    d.setUint16(32 + 16 * k + 8, se, true);
  }
  const fcw = controlWord(r) & 0x1f7f;
  d.setUint16(0, fcw, true);
  const flags = r.chance(0.3) ? r.u32() & 0x7f : 0;
  const es = flags & ~fcw & 0x3f ? 0x8080 : 0;
  d.setUint16(2, flags | es | (r.u32() & 0x4700) | (r.int(8) << 11), true);
  d.setUint8(4, r.u32() & r.u32() & 0xff | (r.chance(0.3) ? 0xff : 0));
  return { x87: b, xmm: new Uint8Array(256), mxcsr: 0x1f80 };
}

/** Case `index` of the x87 run with `seed`. */
export function generateX87Case(seed: number, index: number, n = 16): Case {
  const r = new Rng((seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const ctx = new Ctx(r);
  const data = new Data(r);
  for (let k = 0; k < n; k++) {
    ctx.beginUnit();
    const bytes = insn(r, data);
    if (transcendental(bytes)) ctx.emit(bytes).x87Approx = true;
    else ctx.emit(bytes);
  }
  const code = sealCode(ctx, r, index);
  return { index, seed, ...code, data: data.bytes, stack: new Uint8Array(USTACK_HI - USTACK_LO), fpu: startState(r) };
}
