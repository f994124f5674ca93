/**
 * 0F 40–4F CMOVcc and 0F 90–9F SETcc (SDM Vol. 2 CMOVcc, SETcc): condition
 * codes per SDM Vol. 1 Appendix B, evaluated on the lazy flags by `cond`.
 * Handlers are built once per condition, operand size and form.
 *
 * CMOVcc reads its source even when the condition is false (a memory source
 * can fault either way), and a 32-bit CMOVcc zero-extends the destination
 * into bits 63:32 whatever the condition (SDM CMOVcc, 64-bit mode note).
 */
import { cond } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, setReg8 } from '../operands.ts';

/** [cc][size index 0/1/2 = 16/32/64][0 register, 1 memory] */
const CMOV: Handler[][][] = [];
/** [cc][0 register, 1 memory] */
const SETCC: Handler[][] = [];

function makeCmov(cc: number): Handler[][] {
  const r16: Handler = (cpu, i) => {
    const r = cpu.r, v = r[2 * i.rm], d = 2 * i.reg;
    if (cond(cpu.fl, cc)) r[d] = (r[d] & ~0xffff) | (v & 0xffff);
  };
  const m16: Handler = (cpu, i) => {
    const v = cpu.mmu.read16(ea(cpu, i));
    const r = cpu.r, d = 2 * i.reg;
    if (cond(cpu.fl, cc)) r[d] = (r[d] & ~0xffff) | v;
  };
  const r32: Handler = (cpu, i) => {
    const r = cpu.r, v = r[2 * i.rm], d = 2 * i.reg;
    if (cond(cpu.fl, cc)) r[d] = v;
    r[d + 1] = 0;
  };
  const m32: Handler = (cpu, i) => {
    const v = cpu.mmu.read32(ea(cpu, i));
    const r = cpu.r, d = 2 * i.reg;
    if (cond(cpu.fl, cc)) r[d] = v;
    r[d + 1] = 0;
  };
  const r64: Handler = (cpu, i) => {
    if (!cond(cpu.fl, cc)) return;
    const r = cpu.r, s = 2 * i.rm, d = 2 * i.reg;
    r[d] = r[s];
    r[d + 1] = r[s + 1];
  };
  const m64: Handler = (cpu, i) => {
    const mmu = cpu.mmu;
    const lo = mmu.read64(ea(cpu, i)), hi = mmu.hi;
    if (!cond(cpu.fl, cc)) return;
    const r = cpu.r, d = 2 * i.reg;
    r[d] = lo;
    r[d + 1] = hi;
  };
  return [[r16, m16], [r32, m32], [r64, m64]];
}

function makeSetcc(cc: number): Handler[] {
  const reg: Handler = (cpu, i) => setReg8(cpu, i.rm8, cond(cpu.fl, cc) ? 1 : 0);
  const mem: Handler = (cpu, i) => cpu.mmu.write8(ea(cpu, i), cond(cpu.fl, cc) ? 1 : 0);
  return [reg, mem];
}

for (let cc = 0; cc < 16; cc++) {
  CMOV.push(makeCmov(cc));
  SETCC.push(makeSetcc(cc));
}

export function bindCmov(i: Insn): Handler {
  return CMOV[i.op & 15][i.osz === 2 ? 0 : i.osz === 4 ? 1 : 2][i.regForm ? 0 : 1];
}

/** SETcc r/m8: ModRM.reg is ignored. */
export function bindSetcc(i: Insn): Handler {
  return SETCC[i.op & 15][i.regForm ? 0 : 1];
}
