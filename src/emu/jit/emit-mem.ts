/**
 * Memory operands in generated code: the effective address (the
 * interpreter's fast path of operands.ts `ea`, with its exact path as a
 * runtime call) and loads/stores with the software TLB inlined (perf.md §3:
 * tag compare, then a DataView access; anything else — a miss, a page-crossing
 * access, MMIO, a code page, a watched page — calls the MMU, which walks,
 * faults, or tells the CPU a code page was written).
 */
import { RBP, RSP } from '../regs.ts';
import type { Insn } from '../insn.ts';
import type { Gen } from './gen.ts';

const CANON = 2 ** 47;
const SS = 12, GP = 13;

/** Emit the linear address of `i`'s memory operand into a new const; returns its name. `next` is the following RIP. */
export function emitEa(g: Gen, i: Insn, next: number): string {
  const la = g.fresh('la');
  if (i.ripRel) {
    const t = next + i.disp;
    if (t < -CANON || t >= CANON) g.emit(`throw new GF(${GP}, 0);`);
    g.emit(`const ${la} = ${t};`);
    return la;
  }
  const parts = [`${i.disp}`];
  const checks: string[] = [];
  const b = i.base, x = i.index;
  if (b >= 0) {
    parts.push(`${g.hi(b)} * 4294967296 + (${g.lo(b)} >>> 0)`);
    checks.push(`((${g.hi(b)} << 16) >> 16) !== ${g.hi(b)}`);
  }
  if (x >= 0) {
    parts.push(`(${g.hi(x)} * 4294967296 + (${g.lo(x)} >>> 0)) * ${1 << i.scale}`);
    checks.push(`((${g.hi(x)} << 16) >> 16) !== ${g.hi(x)}`);
  }
  g.emit(`let ${la} = ${parts.join(' + ')};`);
  checks.push(`${la} < ${-CANON}`, `${la} >= ${CANON}`);
  const vec = b === RSP || b === RBP ? SS : GP;
  const args = [b >= 0 ? g.lo(b) : '0', b >= 0 ? g.hi(b) : '0', x >= 0 ? g.lo(x) : '0', x >= 0 ? g.hi(x) : '0', `${i.scale}`, `${i.disp}`, `${vec}`];
  g.emit(`if (${checks.join(' || ')}) ${la} = K.eaExact(${args.join(', ')});`);
  return la;
}

const GET: Record<number, string> = { 1: 'U8[$]', 2: 'DV.getUint16($, true)', 4: 'DV.getInt32($, true)' };

/**
 * Load `size` bytes at `la` into new lets; returns [lo, hi] (hi only for 8).
 * `rmw`: the read of a read-modify-write, translated with write intent (mmu.ts rmw*).
 */
export function emitLoad(g: Gen, size: number, la: string, rmw = false): [string, string] {
  const v = g.fresh('v'), vh = g.fresh('vh'), o = g.fresh('o'), p = g.fresh('p'), t = g.fresh('t');
  const T = rmw ? 'WT' : 'RT', P = rmw ? 'WP' : 'RP';
  const slow = rmw ? `mmu.rmw${size * 8}(${la})` : `mmu.read${size === 1 ? 8 : size * 8}(${la})`;
  g.emit(`const ${o} = ${la} & 4095, ${p} = (${la} - ${o}) / 4096, ${t} = ${p} & 2047;`);
  g.emit(`let ${v}, ${vh} = 0;`);
  if (size === 8) {
    g.emit(`if (${T}[${t}] === ${p} && ${o} <= 4088) { ${v} = DV.getInt32(${P}[${t}] + ${o}, true); ${vh} = DV.getInt32(${P}[${t}] + ${o} + 4, true); }`);
    g.emit(`else { ${v} = ${slow}; ${vh} = mmu.hi; }`);
  } else {
    g.emit(`if (${T}[${t}] === ${p} && ${o} <= ${4096 - size}) ${v} = ${GET[size].replace('$', `${P}[${t}] + ${o}`)}; else ${v} = ${slow};`);
  }
  return [v, vh];
}

/** Store `size` bytes of (lo, hi) at `la`. */
export function emitStore(g: Gen, size: number, la: string, lo: string, hi = '0'): void {
  const o = g.fresh('o'), p = g.fresh('p'), t = g.fresh('t');
  g.emit(`const ${o} = ${la} & 4095, ${p} = (${la} - ${o}) / 4096, ${t} = ${p} & 2047;`);
  const at = `WP[${t}] + ${o}`;
  if (size === 8) {
    g.emit(`if (WT[${t}] === ${p} && ${o} <= 4088) { DV.setInt32(${at}, ${lo}, true); DV.setInt32(${at} + 4, ${hi}, true); } else mmu.write64(${la}, ${lo}, ${hi});`);
  } else {
    const set = size === 1 ? `U8[${at}] = ${lo}` : size === 2 ? `DV.setUint16(${at}, ${lo} & 65535, true)` : `DV.setInt32(${at}, ${lo}, true)`;
    g.emit(`if (WT[${t}] === ${p} && ${o} <= ${4096 - size}) ${set}; else mmu.write${size * 8}(${la}, ${lo});`);
  }
}

/** The stack pointer as a linear address (64-bit mode: RSP, no segment base). */
export function rspLinear(g: Gen): string {
  return `(${g.hi(RSP)} * 4294967296 + (${g.lo(RSP)} >>> 0))`;
}

/** Set RSP from a linear address expression held in `sp` (operands.ts setRsp). */
export function setRsp(g: Gen, sp: string): void {
  g.emit(`${g.lo(RSP)} = ${sp} | 0; ${g.hi(RSP)} = Math.floor(${sp} / 4294967296) | 0;`);
}

/** #SS(0) unless `sp` is canonical (operands.ts stackAddr). */
export function checkStack(g: Gen, sp: string): void {
  g.emit(`if (${sp} < ${-CANON} || ${sp} >= ${CANON}) throw new GF(${SS}, 0);`);
}
