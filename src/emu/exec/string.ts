/**
 * Instruction family: string instructions (SDM Vol. 2 MOVS, CMPS, STOS, LODS,
 * SCAS and REP/REPE/REPNE). The source is [RSI] with its segment (only an FS
 * or GS override adds a base in 64-bit mode), the destination always ES:[RDI]
 * (base 0). With a 67 prefix the registers are ESI/EDI/ECX and every update
 * zero-extends them, as a 32-bit register write does. DF picks the direction.
 *
 * One iteration does its memory accesses first and only then updates RSI,
 * RDI, RCX and the flags, so a fault in iteration k leaves exactly k-1
 * iterations done with RIP at the instruction (SDM REP pseudo-code). A REP
 * instruction runs its whole loop in one handler call except that it stops,
 * with RIP left at the instruction so it resumes where it stopped:
 * - after CHUNK iterations (so a huge count cannot starve the run loop),
 * - after each iteration while TF is set (single-step traps per iteration),
 * - after an iteration that hit a data breakpoint (SDM Vol. 3 §18.3.1.2: the
 *   trap is taken after the iteration that accessed the watched location).
 * Such a stop does not retire the instruction, so it is not counted in icount.
 * REP MOVS/STOS move whole page-sized runs at once where that is provably the
 * same (string-bulk.ts).
 *
 * F2 and F3 both mean REP on MOVS/STOS/LODS; on CMPS/SCAS F3 is REPE and F2
 * REPNE. CMPS/SCAS set the flags of SUB (first operand minus second).
 */
import type { Cpu } from '../cpu.ts';
import { SUB, setLazy } from '../flags.ts';
import { SEG_FS, type Handler, type Insn } from '../insn.ts';
import { FLAG_DF, FLAG_TF, RCX, RDI, RSI } from '../regs.ts';
import { linearAddress } from '../operands.ts';
import { bulkMovs, bulkStos } from './string-bulk.ts';

/** Iterations per handler call before a REP instruction yields to the run loop. */
export const CHUNK = 1 << 16;

/** Base added to the source offset: FS/GS bases with an override, else 0. */
export function srcBase(cpu: Cpu, i: Insn): number {
  return i.seg >= SEG_FS ? cpu.seg[i.seg].base : 0;
}

/** Linear address of [reg] at the address size plus a base: #GP(0) if not canonical. */
export function strLa(cpu: Cpu, n: number, asz: number, base: number): number {
  return linearAddress(cpu.r[2 * n], asz === 8 ? cpu.r[2 * n + 1] : 0, base);
}

/** reg += d (d = ±size) at the address size. */
export function advance(cpu: Cpu, n: number, asz: number, d: number): void {
  const r = cpu.r, lo = r[2 * n], nlo = (lo + d) | 0;
  r[2 * n] = nlo;
  if (asz === 4) {
    r[2 * n + 1] = 0;
  } else if (d > 0 ? nlo >>> 0 < lo >>> 0 : nlo >>> 0 > lo >>> 0) {
    r[2 * n + 1] = (r[2 * n + 1] + (d > 0 ? 1 : -1)) | 0;
  }
}

export function countZero(cpu: Cpu, asz: number): boolean {
  return cpu.r[2 * RCX] === 0 && (asz === 4 || cpu.r[2 * RCX + 1] === 0);
}

export function decCount(cpu: Cpu, asz: number): void {
  const r = cpu.r, lo = r[2 * RCX];
  r[2 * RCX] = (lo - 1) | 0;
  if (asz === 4) r[2 * RCX + 1] = 0;
  else if (lo === 0) r[2 * RCX + 1] = (r[2 * RCX + 1] - 1) | 0;
}

// ---- one iteration of each instruction; `size` in bytes, `d` the signed step.
// CMPS/SCAS return 1 when the operands were equal (ZF), the others 0.
type Once = (cpu: Cpu, i: Insn, size: number, d: number) => number;

const movsOnce: Once = (cpu, i, size, d) => {
  const asz = i.asz, mmu = cpu.mmu;
  const src = strLa(cpu, RSI, asz, srcBase(cpu, i));
  const dst = strLa(cpu, RDI, asz, 0);
  switch (size) {
    case 1: mmu.write8(dst, mmu.read8(src)); break;
    case 2: mmu.write16(dst, mmu.read16(src)); break;
    case 4: mmu.write32(dst, mmu.read32(src)); break;
    default: {
      const lo = mmu.read64(src);
      mmu.write64(dst, lo, mmu.hi);
    }
  }
  advance(cpu, RSI, asz, d);
  advance(cpu, RDI, asz, d);
  return 0;
};

const stosOnce: Once = (cpu, i, size, d) => {
  const asz = i.asz, mmu = cpu.mmu, r = cpu.r;
  const dst = strLa(cpu, RDI, asz, 0);
  switch (size) {
    case 1: mmu.write8(dst, r[0] & 0xff); break;
    case 2: mmu.write16(dst, r[0] & 0xffff); break;
    case 4: mmu.write32(dst, r[0]); break;
    default: mmu.write64(dst, r[0], r[1]);
  }
  advance(cpu, RDI, asz, d);
  return 0;
};

const lodsOnce: Once = (cpu, i, size, d) => {
  const asz = i.asz, mmu = cpu.mmu, r = cpu.r;
  const src = strLa(cpu, RSI, asz, srcBase(cpu, i));
  switch (size) {
    case 1: r[0] = (r[0] & ~0xff) | mmu.read8(src); break;
    case 2: r[0] = (r[0] & ~0xffff) | mmu.read16(src); break;
    case 4: r[0] = mmu.read32(src); r[1] = 0; break;
    default: r[0] = mmu.read64(src); r[1] = mmu.hi;
  }
  advance(cpu, RSI, asz, d);
  return 0;
};

/** Record SUB flags for a - b at `size` bytes; returns 1 when equal. */
function compare(cpu: Cpu, size: number, alo: number, ahi: number, blo: number, bhi: number): number {
  const fl = cpu.fl;
  if (size === 8) {
    const lo = (alo - blo) | 0;
    const hi = (ahi - bhi - (alo >>> 0 < blo >>> 0 ? 1 : 0)) | 0;
    setLazy(fl, SUB, 64, lo, hi, alo, ahi, blo, bhi);
    return lo === 0 && hi === 0 ? 1 : 0;
  }
  const bits = size * 8;
  const res = bits === 32 ? (alo - blo) | 0 : (alo - blo) & ((1 << bits) - 1);
  setLazy(fl, SUB, bits, res, 0, alo, 0, blo, 0);
  return res === 0 ? 1 : 0;
}

function readSized(cpu: Cpu, la: number, size: number): number {
  const mmu = cpu.mmu;
  switch (size) {
    case 1: return mmu.read8(la);
    case 2: return mmu.read16(la);
    case 4: return mmu.read32(la);
    default: return mmu.read64(la);
  }
}

/** CMPS: compares [RSI] with ES:[RDI] (temp = SRC1 - SRC2, SDM CMPS). */
const cmpsOnce: Once = (cpu, i, size, d) => {
  const asz = i.asz;
  const src = strLa(cpu, RSI, asz, srcBase(cpu, i));
  const dst = strLa(cpu, RDI, asz, 0);
  const a = readSized(cpu, src, size), ah = cpu.mmu.hi;
  const b = readSized(cpu, dst, size), bh = cpu.mmu.hi;
  advance(cpu, RSI, asz, d);
  advance(cpu, RDI, asz, d);
  return compare(cpu, size, a, ah, b, bh);
};

/** SCAS: compares rAX with ES:[RDI]. */
const scasOnce: Once = (cpu, i, size, d) => {
  const asz = i.asz, r = cpu.r;
  const dst = strLa(cpu, RDI, asz, 0);
  const b = readSized(cpu, dst, size), bh = cpu.mmu.hi;
  advance(cpu, RDI, asz, d);
  const a = size === 1 ? r[0] & 0xff : size === 2 ? r[0] & 0xffff : r[0];
  return compare(cpu, size, a, r[1], b, bh);
};

export function stepOf(cpu: Cpu, size: number): number {
  return (cpu.flagsOther & FLAG_DF) !== 0 ? -size : size;
}

/** RCX -= n (n >= 1, no more than the count) at the address size. */
function subCount(cpu: Cpu, asz: number, n: number): void {
  const r = cpu.r, lo = r[2 * RCX];
  r[2 * RCX] = (lo - n) | 0;
  if (asz === 4) r[2 * RCX + 1] = 0;
  else if (lo >>> 0 < n) r[2 * RCX + 1] = (r[2 * RCX + 1] - 1) | 0;
}

/** The count, capped at `max`. */
function countUpTo(cpu: Cpu, asz: number, max: number): number {
  const lo = cpu.r[2 * RCX] >>> 0;
  if (asz === 8 && cpu.r[2 * RCX + 1] !== 0) return max;
  return lo < max ? lo : max;
}

const BULK_NONE = 0, BULK_MOVS = 1, BULK_STOS = 2;

/** Try the page-chunk fast path (string-bulk.ts); returns the elements done, committed. */
function tryBulk(cpu: Cpu, i: Insn, kind: number, size: number, d: number, max: number): number {
  const asz = i.asz;
  const dst = strLa(cpu, RDI, asz, 0);
  const n = kind === BULK_STOS
    ? bulkStos(cpu, dst, size, d, max, cpu.r[0], cpu.r[1])
    : bulkMovs(cpu, strLa(cpu, RSI, asz, srcBase(cpu, i)), dst, size, d, max);
  if (n === 0) return 0;
  if (kind === BULK_MOVS) advance(cpu, RSI, asz, n * d);
  advance(cpu, RDI, asz, n * d);
  subCount(cpu, asz, n);
  return n;
}

/**
 * The REP loop (SDM REP pseudo-code). `until`: -1 plain REP, 0 REPNE (stop
 * when equal), 1 REPE (stop when not equal). `bulk` enables the page-chunk
 * path for MOVS/STOS.
 */
function repeat(cpu: Cpu, i: Insn, once: Once, size: number, until: number, bulk: number): void {
  const asz = i.asz;
  if (countZero(cpu, asz)) return;
  const d = stepOf(cpu, size);
  let left = (cpu.flagsOther & FLAG_TF) !== 0 ? 1 : CHUNK;
  for (;;) {
    const n = bulk !== BULK_NONE && left > 1 ? tryBulk(cpu, i, bulk, size, d, countUpTo(cpu, asz, left)) : 0;
    let eq = 0;
    if (n === 0) {
      eq = once(cpu, i, size, d);
      decCount(cpu, asz);
      left--;
    } else {
      left -= n;
    }
    if (countZero(cpu, asz)) return;
    if (until >= 0 && eq !== until) return;
    // hits is fresh only while data breakpoints are armed (which forces the slow loop).
    if (left === 0 || (cpu.dbg.hits !== 0 && cpu.dbg.data !== 0)) {
      // Not finished: resume this instruction next time (not retired yet). RIP points past it.
      cpu.rip -= i.len;
      cpu.icount--;
      return;
    }
  }
}

/** Handlers for one instruction: [size index 1/2/4/8 -> 0..3][mode: 0 none, 1 REP, 2 REPE, 3 REPNE]. */
function makeHandlers(once: Once, bulk: number): Handler[][] {
  return [1, 2, 4, 8].map((size) => [
    (cpu: Cpu, i: Insn) => { once(cpu, i, size, stepOf(cpu, size)); },
    (cpu: Cpu, i: Insn) => repeat(cpu, i, once, size, -1, bulk),
    (cpu: Cpu, i: Insn) => repeat(cpu, i, once, size, 1, BULK_NONE),
    (cpu: Cpu, i: Insn) => repeat(cpu, i, once, size, 0, BULK_NONE),
  ]);
}
const MOVS = makeHandlers(movsOnce, BULK_MOVS);
const CMPS = makeHandlers(cmpsOnce, BULK_NONE);
const STOS = makeHandlers(stosOnce, BULK_STOS);
const LODS = makeHandlers(lodsOnce, BULK_NONE);
const SCAS = makeHandlers(scasOnce, BULK_NONE);

function pick(table: Handler[][], i: Insn, conditional: boolean): Handler {
  const size = (i.op & 1) === 0 ? 1 : i.osz;
  const k = size === 1 ? 0 : size === 2 ? 1 : size === 4 ? 2 : 3;
  const mode = i.rep === 0 ? 0 : !conditional ? 1 : i.rep === 0xf3 ? 2 : 3;
  return table[k][mode];
}

export function bind(i: Insn): Handler | undefined {
  if (i.lock || i.map !== 0) return undefined;
  switch (i.op) {
    case 0xa4: case 0xa5: return pick(MOVS, i, false);
    case 0xa6: case 0xa7: return pick(CMPS, i, true);
    case 0xaa: case 0xab: return pick(STOS, i, false);
    case 0xac: case 0xad: return pick(LODS, i, false);
    case 0xae: case 0xaf: return pick(SCAS, i, true);
  }
  return undefined;
}
