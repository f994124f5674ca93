/**
 * The case builder of the differential test: a deterministic PRNG, an
 * emission context that lays instructions out at their final addresses
 * (RIP-relative displacements, forward branches between units), and memory
 * operands that always land in the data area or the user stack.
 *
 * A case is a list of units; a unit is one tested instruction plus the
 * set-up instructions it needs (a base register loaded with a data address,
 * CL loaded with a count…). Branches only jump to unit starts, so a skipped
 * unit never leaves a later memory operand without its base.
 */
import { DetRng } from '../../../src/emu/rng.ts';
import { Decoder, DecoderOptions } from 'iced-x86';
import { encode, le, type Encoding, type MemOp } from './asm.ts';
import { CODE, DATA, DATA_SIZE, USTACK_TOP } from './layout.ts';

/** Registers as the harness sees them: GPRs 0–15 in encoding order, then RIP (16) and RFLAGS (17). */
export type RegVec = bigint[];
export const RIP_I = 16, RFL_I = 17;
export const RSP_G = 4;

/** What the SDM leaves undefined after one instruction: flags, and registers whose value is undefined. */
export interface Undef {
  flags: number;
  regs?: number[];
}
/** Computed per executed instruction from the state before it and the hardware's state after it. */
export type UndefFn = (pre: RegVec, post: RegVec) => Undef;

export interface GenInsn {
  addr: number;
  bytes: number[];
  undef?: UndefFn;
  /** SSE: an m128 operand of an aligned form deliberately placed off a 16-byte boundary (#GP(0) per the SDM). */
  misaligned?: boolean;
  /**
   * SSE RCPxS/RSQRTxS: the SDM bounds the result only (|relative error| ≤ 1.5·2^-12): these binary32
   * lanes (`lanes` of XMM `reg`) are compared within that bound, then the hardware's bits are copied.
   */
  approx?: { reg: number; lanes: number };
  /**
   * x87 transcendentals: the SDM allows 1 ulp (Vol. 1 8.3.10) and the host misrounds a few %, so
   * a result one ulp off with C1 to match is accepted, then the hardware's register and FSW copied.
   */
  x87Approx?: boolean;
}

/** sfc32 (the emulator's own DetRng, src/emu/rng.ts): small, fast, deterministic. */
export class Rng {
  private readonly s: DetRng;
  constructor(seed: number) {
    this.s = new DetRng(seed);
  }
  u32(): number {
    return this.s.next() >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

const EDGE: readonly bigint[] = [
  0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen,
  0xffffffff80000000n, 0xffffffffffff8000n, 0xffffffffffffff80n, 0x8000000080000000n,
];

/** A 64-bit value biased toward edge cases (sign boundaries at every width, 0, ±1, all-ones). */
export function edgeValue(rng: Rng): bigint {
  switch (rng.int(6)) {
    case 0:
    case 1:
      return rng.pick(EDGE);
    case 2:
      return BigInt.asUintN(64, rng.pick(EDGE) ^ (rng.u64() & 0xffffffff00000000n));
    case 3:
      return BigInt(rng.u32() >>> rng.int(32));
    case 4:
      return BigInt.asUintN(64, BigInt(rng.range(-300, 300)));
    default:
      return rng.u64();
  }
}

interface Fixup {
  /** offset of the field in the code buffer */
  at: number;
  size: 1 | 4;
  /** rel: relative to the end of the instruction at `end`; abs: the absolute address */
  kind: 'rel' | 'abs';
  end: number;
  unit: number;
}

/** Emission context for one case. */
export class Ctx {
  readonly code: number[] = [];
  readonly insns: GenInsn[] = [];
  readonly unitStarts: number[] = [];
  private readonly fixups: Fixup[] = [];
  /** Net stack bytes pushed so far (for [rsp+disp] operands; exact up to skipped units). */
  pushed = 0;

  constructor(readonly rng: Rng) {}

  get addr(): number {
    return CODE + this.code.length;
  }
  get unit(): number {
    return this.unitStarts.length - 1;
  }
  beginUnit(): void {
    this.unitStarts.push(this.addr);
  }

  emit(e: Encoding | number[], undef?: UndefFn): GenInsn {
    const addr = this.addr;
    const bytes = Array.isArray(e) ? e : encode(e, addr);
    const g: GenInsn = { addr, bytes, undef };
    this.code.push(...bytes);
    this.insns.push(g);
    return g;
  }

  /**
   * Emits an instruction whose last `size` bytes before `tail` trailing bytes
   * are a branch field to unit `this.unit + skip + 1` (0 = fall through).
   */
  emitBranch(bytes: number[], size: 1 | 4, skip: number, kind: 'rel' | 'abs' = 'rel', tail = 0): void {
    const start = this.code.length;
    this.emit(bytes);
    this.fixups.push({ at: start + bytes.length - tail - size, size, kind, end: this.addr, unit: this.unit + 1 + skip });
  }

  /** Resolves branch fixups once all units (and the end marker) are laid out. */
  finish(): void {
    const ends = this.unitStarts; // the last one is the end marker (callers begin a unit for it)
    for (const f of this.fixups) {
      // The nearest unit start at or before the chosen one that a rel8 reaches.
      let u = Math.min(f.unit, ends.length - 1);
      while (f.kind === 'rel' && f.size === 1 && ends[u] - f.end > 127) u--;
      const v = f.kind === 'rel' ? ends[u] - f.end : ends[u];
      if (v < -128 && f.size === 1) throw new Error(`rel8 out of range (${v}) at 0x${(CODE + f.at).toString(16)}`);
      this.code.splice(f.at, f.size, ...le(v, f.size));
    }
    for (const g of this.insns) g.bytes = this.code.slice(g.addr - CODE, g.addr - CODE + g.bytes.length);
  }

  /** 64-bit `mov r64, imm32` (sign-extended) or `mov r32, imm32` when the value allows. */
  movImm(reg: number, v: number): void {
    if (v >= 0 && this.rng.chance(0.5)) this.emit({ op: [0xb8], opReg: reg, imm: le(v, 4) });
    else this.emit({ w: true, op: [0xc7], reg: 0, rm: { kind: 'reg', reg }, imm: le(v, 4) });
  }

  /**
   * A memory operand of `size` bytes inside the data area (or the user stack
   * for [rsp+disp]), emitting the instructions that load its base/index.
   * `avoid`: registers the operand must not use (e.g. string registers);
   * `legacy8`: no REX allowed (AH–BH in the same instruction); `align`: the
   * address is a multiple of it (the RSP form assumes RSP keeps that alignment).
   */
  mem(size: number, opts: { avoid?: number[]; legacy8?: boolean; noRip?: boolean; align?: number } = {}): { rm: MemOp; pfx: number[] } {
    const rng = this.rng;
    const avoid = new Set([RSP_G, ...(opts.avoid ?? [])]);
    const lim = opts.legacy8 ? 8 : 16;
    const pickReg = (): number => {
      for (;;) {
        const r = rng.int(lim);
        if (!avoid.has(r)) return r;
      }
    };
    const target = (DATA + rng.range(64, DATA_SIZE - 64 - size)) & ~((opts.align ?? 1) - 1);
    const pfx: number[] = [];
    if (rng.chance(0.06)) pfx.push(rng.pick([0x64, 0x65])); // FS/GS override (bases are 0)
    const a32 = rng.chance(0.08);
    if (a32) pfx.push(0x67);
    const form = rng.int(opts.noRip ? 9 : 10);
    if (form === 9) return { rm: { kind: 'mem', base: -1, index: -1, scale: 0, disp: target, rip: true }, pfx };
    if (form === 8) {
      // [rsp + disp8]: RSP moves only by pushes/pops, within the user stack.
      const disp = rng.range(-96, 96) & ~(rng.chance(0.7) ? 7 : 0) & ~((opts.align ?? 1) - 1);
      return { rm: { kind: 'mem', base: RSP_G, index: -1, scale: 0, disp }, pfx };
    }
    if (form === 7) return { rm: { kind: 'mem', base: -1, index: -1, scale: 0, disp: target }, pfx }; // [disp32]
    const dispKind = rng.int(3);
    const disp = dispKind === 0 ? 0 : dispKind === 1 ? rng.range(-128, 127) : rng.range(-0x300, 0x300);
    const useIndex = form >= 3;
    const useBase = form !== 6;
    const base = useBase ? pickReg() : -1;
    if (base >= 0) avoid.add(base);
    const index = useIndex ? pickReg() : -1;
    const scale = useIndex ? rng.int(4) : 0;
    const idxVal = useIndex ? rng.range(-16, 16) : 0;
    const baseVal = target - disp - idxVal * (1 << scale);
    if (useIndex) this.emit({ w: true, op: [0xc7], reg: 0, rm: { kind: 'reg', reg: index }, imm: le(idxVal, 4) });
    if (useBase) this.movImm(base, baseVal);
    const d = useBase ? disp : baseVal + disp;
    return { rm: { kind: 'mem', base, index, scale, disp: d }, pfx };
  }
}

/** Operand-size prefix / REX.W for a size of 2, 4 or 8 bytes. */
export function osz(size: number): { pfx: number[]; w: boolean } {
  return { pfx: size === 2 ? [0x66] : [], w: size === 8 };
}

/** Checks the emitted bytes against iced-x86: every instruction decodes, with the expected length. */
export function selfCheck(insns: readonly GenInsn[]): void {
  for (const g of insns) {
    const d = new Decoder(64, new Uint8Array(g.bytes), DecoderOptions.None);
    d.ip = BigInt(g.addr);
    const i = d.decode();
    const ok = !i.isInvalid && i.length === g.bytes.length;
    i.free();
    d.free();
    if (!ok) throw new Error(`generator emitted an invalid encoding at 0x${g.addr.toString(16)}: ${hex(g.bytes)}`);
  }
}

export function hex(b: readonly number[]): string {
  return b.map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

export { USTACK_TOP };
