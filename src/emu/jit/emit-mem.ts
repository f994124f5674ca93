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
    g.lowOf.set(la, `${t | 0}`);
    return la;
  }
  const parts = [`${i.disp}`];
  const low = [`${i.disp}`];
  const checks: string[] = [];
  const b = i.base, x = i.index;
  if (b >= 0) {
    parts.push(`${g.hi(b)} * 4294967296 + (${g.lo(b)} >>> 0)`);
    low.push(g.lo(b));
    checks.push(`((${g.hi(b)} << 16) >> 16) !== ${g.hi(b)}`);
  }
  if (x >= 0) {
    parts.push(`(${g.hi(x)} * 4294967296 + (${g.lo(x)} >>> 0)) * ${1 << i.scale}`);
    low.push(i.scale === 0 ? g.lo(x) : `(${g.lo(x)} << ${i.scale})`);
    checks.push(`((${g.hi(x)} << 16) >> 16) !== ${g.hi(x)}`);
  }
  g.emit(`let ${la} = ${parts.join(' + ')};`);
  checks.push(`${la} < ${-CANON}`, `${la} >= ${CANON}`);
  const vec = b === RSP || b === RBP ? SS : GP;
  const args = [b >= 0 ? g.lo(b) : '0', b >= 0 ? g.hi(b) : '0', x >= 0 ? g.lo(x) : '0', x >= 0 ? g.hi(x) : '0', `${i.scale}`, `${i.disp}`, `${vec}`];
  g.emit(`if (${checks.join(' || ')}) ${la} = K.eaExact(${args.join(', ')});`);
  // The low 32 bits of the address in int32 arithmetic (sums of int32s are exact in a double, and
  // `| 0` keeps their low 32 bits: the address modulo 2^32 whatever the carries): the TLB index and
  // page offset come from it without truncating a double (slow when the address is beyond ±2^31).
  const lo = g.fresh('ll');
  g.emit(`const ${lo} = (${low.join(' + ')}) | 0;`);
  g.lowOf.set(la, lo);
  return la;
}

const GET: Record<number, string> = { 1: 'U8[$]', 2: 'DV.getUint16($, true)', 4: 'DV.getInt32($, true)' };

/** Page offset, TLB tag (the virtual page number) and TLB index of linear address `la`: three new consts. */
function tlbKey(g: Gen, la: string): [string, string, string] {
  const o = g.fresh('o'), p = g.fresh('p'), t = g.fresh('t');
  const lo = g.lowOf.get(la);
  if (lo === undefined) g.emit(`const ${o} = ${la} & 4095, ${p} = (${la} - ${o}) / 4096, ${t} = ${p} & 2047;`);
  else g.emit(`const ${o} = ${lo} & 4095, ${p} = (${la} - ${o}) / 4096, ${t} = (${lo} >>> 12) & 2047;`);
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
 * The stack address RSP + `delta` (64-bit mode: no segment base) in a new
 * const, its low half known (tlbKey), after the canonical check of
 * operands.ts stackAddr (#SS(0)).
 */
export function emitStackAddr(g: Gen, delta: number): string {
  const sp = g.fresh('sp'), lo = g.fresh('spl');
  g.emit(`const ${sp} = ${g.hi(RSP)} * 4294967296 + (${g.lo(RSP)} >>> 0)${delta === 0 ? '' : ` + ${delta}`}, ${lo} = (${g.lo(RSP)} + ${delta}) | 0;`);
  g.emit(`if (${sp} < ${-CANON} || ${sp} >= ${CANON}) throw new GF(${SS}, 0);`);
  g.lowOf.set(sp, lo);
  return sp;
}

/** RSP ← the stack address `sp` (from emitStackAddr) + `delta` (operands.ts setRsp). */
export function setRsp(g: Gen, sp: string, delta = 0): void {
  const v = delta === 0 ? sp : `(${sp} + ${delta})`;
  g.emit(`${g.lo(RSP)} = ${delta === 0 ? g.lowOf.get(sp) : `(${g.lowOf.get(sp)} + ${delta}) | 0`}; ${g.hi(RSP)} = Math.floor(${v} / 4294967296) | 0;`);
}
