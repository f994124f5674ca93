/**
 * DIV / IDIV (F6/F7 /6 /7, SDM Vol. 2 DIV, IDIV): AX ÷ r/m8 → AL, AH;
 * DX:AX ÷ r/m16; EDX:EAX ÷ r/m32; RDX:RAX ÷ r/m64 → quotient in rAX,
 * remainder in rDX. #DE when the divisor is 0 or the quotient does not fit
 * (including IDIV of the most negative value by −1). IDIV truncates toward
 * zero; the remainder has the dividend's sign. The source is read and the
 * checks made before any register changes. Flags (all undefined) are left
 * unchanged.
 *
 * Up to 32-bit divisors everything is exact in doubles (a 64 ÷ 32 division is
 * done as two 48 ÷ 32 steps). The 128 ÷ 64 division uses doubles when the
 * dividend is below 2^52 in magnitude (where floor/trunc of the double
 * quotient is exact) and BigInt otherwise: a genuinely rare path.
 */
import type { Cpu } from '../cpu.ts';
import { DE, GuestFault } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, getReg8, setReg16, setReg32 } from '../operands.ts';
import { RAX, RDX } from '../regs.ts';

const TWO32 = 4294967296;

function de(): never {
  throw new GuestFault(DE);
}

function srcLo(cpu: Cpu, i: Insn, size: number): number {
  if (i.regForm) {
    if (size === 1) return getReg8(cpu, i.rm8);
    cpu.mmu.hi = cpu.r[2 * i.rm + 1];
    return size === 2 ? cpu.r[2 * i.rm] & 0xffff : cpu.r[2 * i.rm];
  }
  const la = ea(cpu, i), m = cpu.mmu;
  return size === 1 ? m.read8(la) : size === 2 ? m.read16(la) : size === 4 ? m.read32(la) : m.read64(la);
}

let remainder = 0;

/** Unsigned (hi:lo) ÷ d with hi < d, all 32-bit unsigned: quotient (< 2^32), remainder in `remainder`. */
function div64by32(hi: number, lo: number, d: number): number {
  const n1 = hi * 65536 + (lo >>> 16); // < d·2^16 ≤ 2^48
  const q1 = Math.floor(n1 / d), r1 = n1 - q1 * d;
  const n2 = r1 * 65536 + (lo & 0xffff);
  const q2 = Math.floor(n2 / d);
  remainder = n2 - q2 * d;
  return q1 * 65536 + q2;
}

function div8(cpu: Cpu, i: Insn): void {
  const d = srcLo(cpu, i, 1), n = cpu.r[0] & 0xffff;
  if (d === 0) de();
  const q = Math.floor(n / d);
  if (q > 0xff) de();
  setReg16(cpu, RAX, ((n - q * d) << 8) | q);
}
function idiv8(cpu: Cpu, i: Insn): void {
  const d = (srcLo(cpu, i, 1) << 24) >> 24, n = (cpu.r[0] << 16) >> 16;
  if (d === 0) de();
  const q = Math.trunc(n / d);
  if (q > 127 || q < -128) de();
  setReg16(cpu, RAX, (((n - q * d) & 0xff) << 8) | (q & 0xff));
}
function div16(cpu: Cpu, i: Insn): void {
  const d = srcLo(cpu, i, 2), n = (cpu.r[4] & 0xffff) * 65536 + (cpu.r[0] & 0xffff);
  if (d === 0) de();
  const q = Math.floor(n / d);
  if (q > 0xffff) de();
  setReg16(cpu, RAX, q);
  setReg16(cpu, RDX, n - q * d);
}
function idiv16(cpu: Cpu, i: Insn): void {
  const d = (srcLo(cpu, i, 2) << 16) >> 16, n = (cpu.r[4] << 16) | (cpu.r[0] & 0xffff);
  if (d === 0) de();
  const q = Math.trunc(n / d);
  if (q > 32767 || q < -32768) de();
  setReg16(cpu, RAX, q);
  setReg16(cpu, RDX, n - q * d);
}
function div32(cpu: Cpu, i: Insn): void {
  const d = srcLo(cpu, i, 4) >>> 0, hi = cpu.r[4] >>> 0;
  if (d === 0 || hi >= d) de();
  const q = div64by32(hi, cpu.r[0], d);
  setReg32(cpu, RAX, q | 0);
  setReg32(cpu, RDX, remainder | 0);
}
function idiv32(cpu: Cpu, i: Insn): void {
  const d = srcLo(cpu, i, 4);
  if (d === 0) de();
  let lo = cpu.r[0], hi = cpu.r[4];
  const negN = hi < 0, negD = d < 0;
  if (negN) {
    // |EDX:EAX| as an unsigned 64-bit value
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
    lo = -lo | 0;
  }
  const ad = negD ? -d >>> 0 : d;
  if (hi >>> 0 >= ad) de(); // |quotient| ≥ 2^32
  const q = div64by32(hi >>> 0, lo, ad);
  if (q > (negN !== negD ? 0x80000000 : 0x7fffffff)) de();
  setReg32(cpu, RAX, negN !== negD ? -q | 0 : q | 0);
  setReg32(cpu, RDX, negN ? -remainder | 0 : remainder | 0);
}

function setRaxRdx(cpu: Cpu, q: number, r: number): void {
  const g = cpu.r;
  g[0] = q | 0;
  g[1] = Math.floor(q / TWO32) | 0;
  g[4] = r | 0;
  g[5] = Math.floor(r / TWO32) | 0;
}

function div64(cpu: Cpu, i: Insn): void {
  const dl = srcLo(cpu, i, 8), dh = cpu.mmu.hi, g = cpu.r;
  if (dl === 0 && dh === 0) de();
  if (g[4] === 0 && g[5] === 0 && g[1] >>> 0 < 0x100000 && dh >>> 0 < 0x200000) {
    // Dividend < 2^52, divisor < 2^53: exact in doubles.
    const n = (g[1] >>> 0) * TWO32 + (g[0] >>> 0), d = (dh >>> 0) * TWO32 + (dl >>> 0);
    const q = Math.floor(n / d);
    setRaxRdx(cpu, q, n - q * d);
    return;
  }
  divBig(cpu, false, dl, dh);
}
function idiv64(cpu: Cpu, i: Insn): void {
  const dl = srcLo(cpu, i, 8), dh = cpu.mmu.hi, g = cpu.r;
  if (dl === 0 && dh === 0) de();
  const s = g[1] >> 31;
  if (g[4] === s && g[5] === s && g[1] >= -0x100000 && g[1] < 0x100000 && dh >= -0x200000 && dh < 0x200000) {
    // |dividend| ≤ 2^52, |divisor| < 2^53: exact in doubles; the quotient cannot overflow.
    const n = g[1] * TWO32 + (g[0] >>> 0), d = dh * TWO32 + (dl >>> 0);
    const q = Math.trunc(n / d);
    setRaxRdx(cpu, q, n - q * d);
    return;
  }
  divBig(cpu, true, dl, dh);
}

/** The general 128 ÷ 64 division (rare: BigInt is acceptable here). */
function divBig(cpu: Cpu, signed: boolean, dl: number, dh: number): void {
  const g = cpu.r;
  const u = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  let n = (u(g[4], g[5]) << 64n) | u(g[0], g[1]);
  let d = u(dl, dh);
  if (signed) {
    n = BigInt.asIntN(128, n);
    d = BigInt.asIntN(64, d);
  }
  const q = n / d, r = n % d;
  if (signed ? q < -(1n << 63n) || q >= 1n << 63n : q >= 1n << 64n) de();
  const lo32 = (v: bigint, k: bigint): number => Number(BigInt.asUintN(32, v >> k)) | 0;
  g[0] = lo32(q, 0n);
  g[1] = lo32(q, 32n);
  g[4] = lo32(r, 0n);
  g[5] = lo32(r, 32n);
}

/** [8, 16, 32, 64 bits]. */
export const DIV: readonly Handler[] = [div8, div16, div32, div64];
export const IDIV: readonly Handler[] = [idiv8, idiv16, idiv32, idiv64];
