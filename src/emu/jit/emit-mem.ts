/**
 * Memory operands in generated code: the effective address (operands.ts
 * `ea`, in int32 halves) and loads/stores with the software TLB inlined (perf.md §3:
 * tag compare, then a DataView access; anything else — a miss, a page-crossing
 * access, MMIO, a code page, a watched page — calls the MMU, which walks,
 * faults, or tells the CPU a code page was written).
 */
import { RBP, RSP } from '../regs.ts';
import { SEG_FS, type Insn } from '../insn.ts';
import type { Gen } from './gen.ts';

const CANON = 2 ** 47;
const SS = 12, GP = 13;

/**
 * Emit the linear address of `i`'s memory operand; returns the name of a
 * const holding it as a number. The address is computed in int32 halves
 * (operands.ts offsetHalves: base + index·2^scale + disp modulo 2^64), so
 * the canonical check is one test of the high half and the TLB index, page
 * offset and page number come without dividing or truncating a double
 * (tlbKey); the number itself is only needed by the MMU's slow path.
 */
export function emitEa(g: Gen, i: Insn, next: number): string {
  const la = g.fresh('la');
  if (i.ripRel) {
    const t = next + i.disp;
    if (t < -CANON || t >= CANON) g.emit(`throw new GF(${GP}, 0);`);
    g.emit(`const ${la} = ${t};`);
    g.halvesOf.set(la, [`${t | 0}`, `${Math.floor(t / 4294967296) | 0}`]);
    return la;
  }
  const [lo, hi, add] = emitOffsetHalves(g, i, 'll', 'lh');
  if (i.seg >= SEG_FS) {
    // FS/GS: the segment base joins the sum (operands.ts linearAddress). Only system
    // instructions change it (WRFSBASE, WRMSR, SWAPGS, MOV to FS/GS): they end regions.
    const sb = g.fresh('sb');
    g.emit(`const ${sb} = cpu.seg[${i.seg}].base;`);
    add(`(${sb} | 0)`, `(Math.floor(${sb} / 4294967296) | 0)`);
  }
  // Not canonical: #GP(0), or #SS(0) for an RSP/RBP base, as the interpreter's exact path raises.
  g.emit(`if (((${hi} << 16) >> 16) !== ${hi}) throw new GF(${i.base === RSP || i.base === RBP ? SS : GP}, 0);`);
  g.emit(`const ${la} = ${hi} * 4294967296 + (${lo} >>> 0);`);
  g.halvesOf.set(la, [lo, hi]);
  return la;
}

/**
 * base + index·2^scale + disp modulo 2^64 (operands.ts offsetHalves) into two
 * new int32 lets named from `loName`/`hiName`; returns them and the adder
 * that folds another (lo, hi) pair in (emitEa adds an FS/GS base with it).
 */
export function emitOffsetHalves(g: Gen, i: Insn, loName: string, hiName: string): [string, string, (xl: string, xh: string) => void] {
  const lo = g.fresh(loName), hi = g.fresh(hiName);
  const d = i.disp | 0;
  g.emit(`let ${lo} = ${d}, ${hi} = ${d >> 31};`);
  const add = (xl: string, xh: string): void => {
    const c = g.fresh('c');
    g.emit(`{ const ${c} = (${lo} >>> 0) + (${xl} >>> 0); ${hi} = (${hi} + ${xh} + (${c} > 4294967295 ? 1 : 0)) | 0; ${lo} = ${c} | 0; }`);
  };
  const b = i.base, x = i.index;
  if (b >= 0) add(g.lo(b), g.hi(b));
  if (x >= 0) {
    const sc = i.scale;
    if (sc === 0) add(g.lo(x), g.hi(x));
    else add(`(${g.lo(x)} << ${sc})`, `((${g.hi(x)} << ${sc}) | (${g.lo(x)} >>> ${32 - sc}))`);
  }
  return [lo, hi, add];
}

const GET: Record<number, string> = { 1: 'U8[$]', 2: 'DV.getUint16($, true)', 4: 'DV.getInt32($, true)' };

/** Page offset, TLB tag (the virtual page number) and TLB index of linear address `la`: three new consts. */
function tlbKey(g: Gen, la: string): [string, string, string] {
  const o = g.fresh('o'), p = g.fresh('p'), t = g.fresh('t');
  const [lo, hi] = g.halvesOf.get(la)!;
  g.emit(`const ${o} = ${lo} & 4095, ${p} = ${hi} * 1048576 + (${lo} >>> 12), ${t} = (${lo} >>> 12) & 2047;`);
  return [o, p, t];
}

/** `o <= 4096 - size`: the access lies within its page (always, for a byte). */
function inPage(o: string, size: number): string {
  return size === 1 ? '' : ` && ${o} <= ${4096 - size}`;
}

/**
 * Load `size` bytes at `la` into new lets; returns [lo, hi] (hi only for 8).
 * `rmw`: the read of a read-modify-write, translated with write intent (mmu.ts rmw*).
 * The slow path (the MMU) may set cpu.slow: it records that in `sx`, which
 * compile.ts tests after the instruction (a local, not a load of cpu.slow).
 */
export function emitLoad(g: Gen, size: number, la: string, rmw = false): [string, string] {
  const v = g.fresh('v'), vh = g.fresh('vh');
  const [o, p, t] = tlbKey(g, la);
  const T = rmw ? 'WT' : 'RT', P = rmw ? 'WP' : 'RP';
  const slow = rmw ? `mmu.rmw${size * 8}(${la})` : `mmu.read${size === 1 ? 8 : size * 8}(${la})`;
  g.emit(`let ${v}, ${vh} = 0;`);
  if (size === 8) {
    g.emit(`if (${T}[${t}] === ${p}${inPage(o, 8)}) { ${v} = DV.getInt32(${P}[${t}] + ${o}, true); ${vh} = DV.getInt32(${P}[${t}] + ${o} + 4, true); }`);
    g.emit(`else { ${v} = ${slow}; ${vh} = mmu.hi; if (cpu.slow) sx = 1; }`);
  } else {
    g.emit(`if (${T}[${t}] === ${p}${inPage(o, size)}) ${v} = ${GET[size].replace('$', `${P}[${t}] + ${o}`)}; else { ${v} = ${slow}; if (cpu.slow) sx = 1; }`);
  }
  return [v, vh];
}

/** Store `size` bytes of (lo, hi) at `la` (the slow path records cpu.slow in `sx`, as emitLoad). */
export function emitStore(g: Gen, size: number, la: string, lo: string, hi = '0'): void {
  const [o, p, t] = tlbKey(g, la);
  const at = `WP[${t}] + ${o}`;
  if (size === 8) {
    g.emit(`if (WT[${t}] === ${p}${inPage(o, 8)}) { DV.setInt32(${at}, ${lo}, true); DV.setInt32(${at} + 4, ${hi}, true); } else { mmu.write64(${la}, ${lo}, ${hi}); if (cpu.slow) sx = 1; }`);
  } else {
    const set = size === 1 ? `U8[${at}] = ${lo}` : size === 2 ? `DV.setUint16(${at}, ${lo} & 65535, true)` : `DV.setInt32(${at}, ${lo}, true)`;
    g.emit(`if (WT[${t}] === ${p}${inPage(o, size)}) ${set}; else { mmu.write${size * 8}(${la}, ${lo}); if (cpu.slow) sx = 1; }`);
  }
}

/**
 * The stack address RSP + `delta` (0 or -8; 64-bit mode: no segment base) in
 * a new const, its halves known (tlbKey), after the canonical check of
 * operands.ts stackAddr (#SS(0)).
 */
export function emitStackAddr(g: Gen, delta: 0 | -8): string {
  const sp = g.fresh('sp'), lo = g.fresh('spl'), hi = g.fresh('sph');
  const l = g.lo(RSP), h = g.hi(RSP);
  if (delta === 0) g.emit(`const ${lo} = ${l}, ${hi} = ${h};`);
  else g.emit(`const ${lo} = (${l} - 8) | 0, ${hi} = (${h} - ((${l} >>> 0) < 8 ? 1 : 0)) | 0;`);
  g.emit(`if (((${hi} << 16) >> 16) !== ${hi}) throw new GF(${SS}, 0);`);
  g.emit(`const ${sp} = ${hi} * 4294967296 + (${lo} >>> 0);`);
  g.halvesOf.set(sp, [lo, hi]);
  return sp;
}

/** RSP ← the stack address `sp` (from emitStackAddr) + `delta` (0 or 8; operands.ts setRsp). */
export function setRsp(g: Gen, sp: string, delta: 0 | 8 = 0): void {
  const [lo, hi] = g.halvesOf.get(sp)!;
  if (delta === 0) g.emit(`${g.lo(RSP)} = ${lo}; ${g.hi(RSP)} = ${hi};`);
  else g.emit(`${g.lo(RSP)} = (${lo} + 8) | 0; ${g.hi(RSP)} = (${hi} + ((${lo} >>> 0) >= 4294967288 ? 1 : 0)) | 0;`);
}
