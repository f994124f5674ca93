/**
 * Instruction family: bit operations — BT/BTS/BTR/BTC with a register bit
 * offset (0F A3/AB/B3/BB) or imm8 (0F BA /4–/7), BSF/BSR (0F BC/BD),
 * TZCNT/LZCNT (F3 0F BC/BD), POPCNT (F3 0F B8; without F3, 0F B8 is #UD) and
 * BSWAP (0F C8+r). LOCK is accepted only by BTS/BTR/BTC with a memory
 * destination (SDM Vol. 2 LOCK); anything else with LOCK is #UD.
 *
 * TZCNT/LZCNT/POPCNT are always available here (the CPUID bits the guest sees
 * are configured elsewhere); a CPU without them would run F3 0F BC/BD as
 * BSF/BSR and fault on F3 0F B8.
 */
import type { Cpu } from '../cpu.ts';
import { GP, GuestFault, SS } from '../fault.ts';
import { arithFlags, setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea } from '../operands.ts';
import { FLAG_CF, FLAG_PF, FLAG_ZF, RBP, RSP } from '../regs.ts';
import { readE, readG, readReg, writeG, writeReg } from './rmw.ts';

const BT = 0, BTS = 1, BTR = 2, BTC = 3;

export function bind(i: Insn): Handler | undefined {
  const op = i.op;
  if (op >= 0xc8) return i.lock ? undefined : bswap;
  if (op === 0xa3 || op === 0xab || op === 0xb3 || op === 0xbb || op === 0xba) {
    const k = op === 0xba ? i.digit - 4 : op === 0xa3 ? BT : op === 0xab ? BTS : op === 0xb3 ? BTR : BTC;
    if (k < 0) return undefined;
    if (i.lock && (k === BT || i.regForm)) return undefined;
    return op === 0xba ? BT_IMM[k] : BT_REG[k];
  }
  if (i.lock) return undefined;
  const f3 = i.rep === 0xf3;
  switch (op) {
    case 0xb8: return f3 ? popcnt : undefined;
    case 0xbc: return f3 ? tzcnt : bsf;
    case 0xbd: return f3 ? lzcnt : bsr;
  }
  return undefined;
}

// ---- BT family (SDM Vol. 2 BT, BTS, BTR, BTC): CF ← the selected bit; ZF unaffected;
// OF, SF, AF, PF undefined — left unchanged (as the AMD host does).

function setCF(cpu: Cpu, cf: number): void {
  setArithFlags(cpu.fl, (arithFlags(cpu.fl) & ~FLAG_CF) | cf);
}

/** Test and change bit `bit` of the E operand (register, or memory at la). */
function bitOp(cpu: Cpu, i: Insn, op: number, la: number, bit: number): void {
  const size = i.osz, m = cpu.mmu;
  let lo: number, hi = 0;
  if (i.regForm) {
    lo = readReg(cpu, size, i.rm);
    hi = m.hi;
  } else {
    // BT only reads; BTS/BTR/BTC read with write intent (a fault reports W=1).
    lo = op === BT ? (size === 2 ? m.read16(la) : size === 4 ? m.read32(la) : m.read64(la)) : m.rmwSized(la, size);
    hi = m.hi;
  }
  const inHi = bit >= 32, mask = 1 << (bit & 31);
  const cf = ((inHi ? hi : lo) & mask) !== 0 ? 1 : 0;
  if (op !== BT) {
    let w = inHi ? hi : lo;
    w = op === BTS ? w | mask : op === BTR ? w & ~mask : w ^ mask;
    if (inHi) hi = w;
    else lo = w;
    if (i.regForm) writeReg(cpu, size, i.rm, lo, hi);
    else if (size === 2) m.write16(la, lo);
    else if (size === 4) m.write32(la, lo);
    else m.write64(la, lo, hi);
  }
  setCF(cpu, cf);
}

/** 0F BA /4–/7: the offset is imm8 masked to the operand width; the operand is E itself. */
function btImm(cpu: Cpu, i: Insn, op: number): void {
  bitOp(cpu, i, op, i.regForm ? 0 : ea(cpu, i), i.imm & (i.osz * 8 - 1));
}

/**
 * Register offset: for a register E the offset is taken modulo the width;
 * for memory it is a signed bit index from the "bit base" at the effective
 * address, and the operand-sized unit EA + size·floor(offset / width) is
 * accessed (SDM Vol. 2 BT, Table 3-2 and "bit base" discussion).
 */
function btReg(cpu: Cpu, i: Insn, op: number): void {
  const size = i.osz, bits = size * 8;
  const olo = readG(cpu, i, size), ohi = cpu.mmu.hi;
  if (i.regForm) {
    bitOp(cpu, i, op, 0, olo & (bits - 1));
    return;
  }
  let dlo: number, dhi: number;
  if (size === 2) {
    dlo = (((olo << 16) >> 16) >> 4) * 2;
    dhi = dlo < 0 ? -1 : 0;
  } else if (size === 4) {
    dlo = (olo >> 5) * 4;
    dhi = dlo < 0 ? -1 : 0;
  } else {
    // (offset >> 6) · 8 on the 64-bit signed offset, as halves
    dlo = ((olo >>> 3) | (ohi << 29)) & ~7;
    dhi = ohi >> 3;
  }
  const la = ea(cpu, i) + dhi * 4294967296 + (dlo >>> 0);
  if (la < -(2 ** 47) || la >= 2 ** 47) throw new GuestFault(i.base === RSP || i.base === RBP ? SS : GP, 0);
  bitOp(cpu, i, op, la, olo & (bits - 1));
}

const BT_IMM: readonly Handler[] = [
  (cpu, i) => btImm(cpu, i, BT), (cpu, i) => btImm(cpu, i, BTS),
  (cpu, i) => btImm(cpu, i, BTR), (cpu, i) => btImm(cpu, i, BTC),
];
const BT_REG: readonly Handler[] = [
  (cpu, i) => btReg(cpu, i, BT), (cpu, i) => btReg(cpu, i, BTS),
  (cpu, i) => btReg(cpu, i, BTR), (cpu, i) => btReg(cpu, i, BTC),
];

// ---- bit scans and counts. Source E (register or memory), destination G.

/** Read E at the operand size (memory or register); hi in cpu.mmu.hi (0 unless 64-bit). */
function source(cpu: Cpu, i: Insn): number {
  const lo = readE(cpu, i, i.osz, i.regForm ? 0 : ea(cpu, i));
  if (i.osz !== 8) cpu.mmu.hi = 0;
  return lo;
}

function tz(lo: number, hi: number): number {
  return lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
}
/** Index of the highest set bit (value non-zero). */
function msb(lo: number, hi: number): number {
  return hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
}
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * BSF/BSR (SDM Vol. 2 BSF, BSR): ZF = (source = 0); the destination is left
 * unchanged (all 64 bits) when the source is 0, as hardware does (AMD
 * documents it; Intel calls it undefined). CF, OF, SF, AF, PF are undefined:
 * as the AMD host, CF = OF = SF = AF = 0 and PF = parity of the index (of 0
 * when the source is 0).
 */
function scan(cpu: Cpu, i: Insn, forward: boolean): void {
  const lo = source(cpu, i), hi = cpu.mmu.hi;
  if (lo === 0 && hi === 0) {
    setArithFlags(cpu.fl, FLAG_ZF | FLAG_PF);
    return;
  }
  const n = forward ? tz(lo, hi) : msb(lo, hi);
  setArithFlags(cpu.fl, parityFlag(n));
  writeG(cpu, i, i.osz, n, 0);
}
const bsf: Handler = (cpu, i) => scan(cpu, i, true);
const bsr: Handler = (cpu, i) => scan(cpu, i, false);

function parityFlag(n: number): number {
  return popcount32(n & 0xff) & 1 ? 0 : FLAG_PF;
}

/**
 * TZCNT/LZCNT (SDM Vol. 2): the count of trailing/leading zero bits (the
 * width when the source is 0); CF = (source = 0), ZF = (result = 0);
 * OF, SF, AF, PF undefined → 0 (as the host).
 */
function count(cpu: Cpu, i: Insn, trailing: boolean): void {
  const lo = source(cpu, i), hi = cpu.mmu.hi, bits = i.osz * 8;
  let n: number;
  if (lo === 0 && hi === 0) n = bits;
  else if (trailing) n = tz(lo, hi);
  else n = bits - 1 - msb(lo, hi);
  setArithFlags(cpu.fl, (n === bits ? FLAG_CF : 0) | (n === 0 ? FLAG_ZF : 0));
  writeG(cpu, i, i.osz, n, 0);
}
const tzcnt: Handler = (cpu, i) => count(cpu, i, true);
const lzcnt: Handler = (cpu, i) => count(cpu, i, false);

/** POPCNT (SDM Vol. 2): ZF = (source = 0); OF, SF, AF, CF, PF cleared. */
function popcnt(cpu: Cpu, i: Insn): void {
  const lo = source(cpu, i), hi = cpu.mmu.hi;
  const n = popcount32(lo) + popcount32(hi);
  setArithFlags(cpu.fl, n === 0 ? FLAG_ZF : 0);
  writeG(cpu, i, i.osz, n, 0);
}

function swap32(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

/**
 * BSWAP r32/r64 (SDM Vol. 2 BSWAP); no flags. With a 16-bit operand the
 * result is undefined: like the AMD host (and reportedly Intel CPUs), bits
 * 15:0 become 0 and the rest of the register is kept.
 */
function bswap(cpu: Cpu, i: Insn): void {
  const r = cpu.r, x = 2 * i.opReg;
  if (i.osz === 8) {
    const lo = r[x];
    r[x] = swap32(r[x + 1]);
    r[x + 1] = swap32(lo);
  } else if (i.osz === 4) {
    r[x] = swap32(r[x]);
    r[x + 1] = 0;
  } else {
    r[x] &= ~0xffff;
  }
}
