/**
 * 8D /r  LEA (SDM Vol. 2 LEA): the effective address (offset) of the memory
 * operand — no segment base, no canonical check, no memory access — computed
 * at the address size (67: 32 bits) and then truncated or zero-extended to the
 * operand size (SDM Table "Non-64-bit Mode LEA Operation with Address and
 * Operand Size Attributes" and its 64-bit counterpart). The register form is #UD.
 */
import type { Cpu } from '../cpu.ts';
import type { Handler, Insn } from '../insn.ts';
import { offsetHalves, offsetHi } from '../operands.ts';

const TWO32 = 4294967296;

/** Low 32 bits of the effective address (all that 16/32-bit results and 67 need). */
function eaLo(cpu: Cpu, i: Insn): number {
  if (i.ripRel) return (cpu.rip + i.disp) | 0;
  const r = cpu.r;
  let a = i.disp;
  if (i.base >= 0) a += r[2 * i.base];
  if (i.index >= 0) a += r[2 * i.index] << i.scale;
  return a | 0;
}

// ---- 64-bit operand size, 64-bit address size (the hot forms)
const lea64_base: Handler = (cpu, i) => {
  const r = cpu.r, b = 2 * i.base, d = i.disp;
  const blo = r[b];
  const lo = (blo + d) | 0;
  // Carry out of bit 31 from base + disp, plus the displacement's sign extension.
  const carry = (lo >>> 0) < (blo >>> 0) ? 1 : 0;
  const n = 2 * i.reg;
  r[n + 1] = (r[b + 1] + (d >> 31) + carry) | 0;
  r[n] = lo;
};
const lea64_rip: Handler = (cpu, i) => {
  const t = cpu.rip + i.disp, r = cpu.r, n = 2 * i.reg;
  r[n] = t | 0;
  r[n + 1] = Math.floor(t / TWO32) | 0;
};
/** Any base/index/scale combination. */
const lea64_sib: Handler = (cpu, i) => {
  const lo = offsetHalves(cpu, i), r = cpu.r, n = 2 * i.reg;
  r[n] = lo;
  r[n + 1] = offsetHi;
};

// ---- 32-bit results: 32-bit operand size (any address size), or 64-bit operand size with 67
const lea32: Handler = (cpu, i) => {
  const lo = eaLo(cpu, i), r = cpu.r, n = 2 * i.reg;
  r[n] = lo;
  r[n + 1] = 0;
};
// ---- 16-bit operand size: the low 16 bits of the address, bits 63:16 kept
const lea16: Handler = (cpu, i) => {
  const lo = eaLo(cpu, i), r = cpu.r, n = 2 * i.reg;
  r[n] = (r[n] & ~0xffff) | (lo & 0xffff);
};

export function bindLea(i: Insn): Handler | undefined {
  if (i.regForm) return undefined;
  if (i.osz === 2) return lea16;
  if (i.osz === 4 || i.asz === 4) return lea32;
  if (i.ripRel) return lea64_rip;
  return i.index < 0 && i.base >= 0 ? lea64_base : lea64_sib;
}
