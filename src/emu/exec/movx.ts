/**
 * Data movement with a size change or an exchange (SDM Vol. 2 MOVZX, MOVSX,
 * MOVSXD, XCHG, CBW/CWDE/CDQE, CWD/CDQ/CQO). The hot MOVZX/MOVSX forms are
 * specialised per source size, destination size and register/memory form.
 * None of these instructions changes flags.
 */
import type { Cpu } from '../cpu.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, getReg8, setReg8 } from '../operands.ts';

// Destination writers: 16-bit merges, 32-bit zero-extends, 64-bit from a sign-extended int32.
function put16(cpu: Cpu, n: number, v: number): void {
  const r = cpu.r;
  r[2 * n] = (r[2 * n] & ~0xffff) | (v & 0xffff);
}
function put32(cpu: Cpu, n: number, v: number): void {
  const r = cpu.r;
  r[2 * n] = v;
  r[2 * n + 1] = 0;
}
function put64s(cpu: Cpu, n: number, v: number): void {
  const r = cpu.r;
  r[2 * n] = v;
  r[2 * n + 1] = v >> 31;
}
const rm8r = (cpu: Cpu, i: Insn): number => getReg8(cpu, i.rm8);
const rm8m = (cpu: Cpu, i: Insn): number => cpu.mmu.read8(ea(cpu, i));
const rm16r = (cpu: Cpu, i: Insn): number => cpu.r[2 * i.rm] & 0xffff;
const rm16m = (cpu: Cpu, i: Insn): number => cpu.mmu.read16(ea(cpu, i));
const sx8 = (v: number): number => (v << 24) >> 24;
const sx16 = (v: number): number => (v << 16) >> 16;

// ---- 0F B6 / 0F B7  MOVZX (a 64-bit destination gets the same zero-extended value as a 32-bit one)
const movzx_b16_reg: Handler = (cpu, i) => put16(cpu, i.reg, rm8r(cpu, i));
const movzx_b16_mem: Handler = (cpu, i) => put16(cpu, i.reg, rm8m(cpu, i));
const movzx_b32_reg: Handler = (cpu, i) => put32(cpu, i.reg, rm8r(cpu, i));
const movzx_b32_mem: Handler = (cpu, i) => put32(cpu, i.reg, rm8m(cpu, i));
const movzx_w16_reg: Handler = (cpu, i) => put16(cpu, i.reg, rm16r(cpu, i));
const movzx_w16_mem: Handler = (cpu, i) => put16(cpu, i.reg, rm16m(cpu, i));
const movzx_w32_reg: Handler = (cpu, i) => put32(cpu, i.reg, rm16r(cpu, i));
const movzx_w32_mem: Handler = (cpu, i) => put32(cpu, i.reg, rm16m(cpu, i));

// ---- 0F BE / 0F BF  MOVSX
const movsx_b16_reg: Handler = (cpu, i) => put16(cpu, i.reg, sx8(rm8r(cpu, i)));
const movsx_b16_mem: Handler = (cpu, i) => put16(cpu, i.reg, sx8(rm8m(cpu, i)));
const movsx_b32_reg: Handler = (cpu, i) => put32(cpu, i.reg, sx8(rm8r(cpu, i)));
const movsx_b32_mem: Handler = (cpu, i) => put32(cpu, i.reg, sx8(rm8m(cpu, i)));
const movsx_b64_reg: Handler = (cpu, i) => put64s(cpu, i.reg, sx8(rm8r(cpu, i)));
const movsx_b64_mem: Handler = (cpu, i) => put64s(cpu, i.reg, sx8(rm8m(cpu, i)));
const movsx_w32_reg: Handler = (cpu, i) => put32(cpu, i.reg, sx16(rm16r(cpu, i)));
const movsx_w32_mem: Handler = (cpu, i) => put32(cpu, i.reg, sx16(rm16m(cpu, i)));
const movsx_w64_reg: Handler = (cpu, i) => put64s(cpu, i.reg, sx16(rm16r(cpu, i)));
const movsx_w64_mem: Handler = (cpu, i) => put64s(cpu, i.reg, sx16(rm16m(cpu, i)));

export function bindMovzx(i: Insn): Handler {
  const rf = i.regForm;
  if (i.op === 0xb6) {
    if (i.osz === 2) return rf ? movzx_b16_reg : movzx_b16_mem;
    return rf ? movzx_b32_reg : movzx_b32_mem;
  }
  if (i.osz === 2) return rf ? movzx_w16_reg : movzx_w16_mem; // MOVZX r16, r/m16 is a plain move
  return rf ? movzx_w32_reg : movzx_w32_mem;
}

export function bindMovsx(i: Insn): Handler {
  const rf = i.regForm;
  if (i.op === 0xbe) {
    if (i.osz === 2) return rf ? movsx_b16_reg : movsx_b16_mem;
    if (i.osz === 4) return rf ? movsx_b32_reg : movsx_b32_mem;
    return rf ? movsx_b64_reg : movsx_b64_mem;
  }
  if (i.osz === 2) return rf ? movzx_w16_reg : movzx_w16_mem; // MOVSX r16, r/m16 is a plain move
  if (i.osz === 4) return rf ? movsx_w32_reg : movsx_w32_mem;
  return rf ? movsx_w64_reg : movsx_w64_mem;
}

// ---- 63 /r  MOVSXD. With REX.W: r64 <- sign-extended r/m32. Without REX.W
// (SDM MOVSXD: "MOVSXD r32, r/m32" / "MOVSXD r16, r/m16", use discouraged) it
// is a plain move of the operand size: a 32-bit destination is zero-extended
// as every 32-bit write is, a 16-bit one keeps bits 63:16.
const movsxd64_reg: Handler = (cpu, i) => put64s(cpu, i.reg, cpu.r[2 * i.rm]);
const movsxd64_mem: Handler = (cpu, i) => put64s(cpu, i.reg, cpu.mmu.read32(ea(cpu, i)));
const movsxd32_reg: Handler = (cpu, i) => put32(cpu, i.reg, cpu.r[2 * i.rm]);
const movsxd32_mem: Handler = (cpu, i) => put32(cpu, i.reg, cpu.mmu.read32(ea(cpu, i)));

export function bindMovsxd(i: Insn): Handler {
  const rf = i.regForm;
  if (i.osz === 8) return rf ? movsxd64_reg : movsxd64_mem;
  if (i.osz === 4) return rf ? movsxd32_reg : movsxd32_mem;
  return rf ? movzx_w16_reg : movzx_w16_mem;
}

// ---- 86 / 87 /r  XCHG r/m, r (a memory form is always locked; the store
// happens before any register changes).
function xchg8(cpu: Cpu, i: Insn): void {
  const a = getReg8(cpu, i.reg8);
  if (i.regForm) {
    const b = getReg8(cpu, i.rm8);
    setReg8(cpu, i.rm8, a);
    setReg8(cpu, i.reg8, b);
    return;
  }
  const la = ea(cpu, i);
  const b = cpu.mmu.rmw8(la);
  cpu.mmu.write8(la, a);
  setReg8(cpu, i.reg8, b);
}

function xchgMem(cpu: Cpu, i: Insn): void {
  const la = ea(cpu, i), mmu = cpu.mmu, r = cpu.r, n = 2 * i.reg;
  switch (i.osz) {
    case 2: {
      const b = mmu.rmw16(la);
      mmu.write16(la, r[n] & 0xffff);
      r[n] = (r[n] & ~0xffff) | b;
      return;
    }
    case 4: {
      const b = mmu.rmw32(la);
      mmu.write32(la, r[n]);
      r[n] = b;
      r[n + 1] = 0;
      return;
    }
    default: {
      const lo = mmu.rmw64(la), hi = mmu.hi;
      mmu.write64(la, r[n], r[n + 1]);
      r[n] = lo;
      r[n + 1] = hi;
    }
  }
}

/** Swap GPRs a and b at an operand size (32-bit zero-extends both, even a == b). */
function swapRegs(cpu: Cpu, a: number, b: number, osz: number): void {
  const r = cpu.r;
  const alo = r[2 * a], ahi = r[2 * a + 1], blo = r[2 * b], bhi = r[2 * b + 1];
  if (osz === 2) {
    r[2 * a] = (alo & ~0xffff) | (blo & 0xffff);
    r[2 * b] = (r[2 * b] & ~0xffff) | (alo & 0xffff);
  } else if (osz === 4) {
    r[2 * a] = blo;
    r[2 * a + 1] = 0;
    r[2 * b] = alo;
    r[2 * b + 1] = 0;
  } else {
    r[2 * a] = blo;
    r[2 * a + 1] = bhi;
    r[2 * b] = alo;
    r[2 * b + 1] = ahi;
  }
}

const xchgRR: Handler = (cpu, i) => swapRegs(cpu, i.reg, i.rm, i.osz);

export function bindXchg(i: Insn): Handler {
  if (i.op === 0x86) return xchg8;
  return i.regForm ? xchgRR : xchgMem;
}

// ---- 90+r  XCHG rAX, r. 90 itself (no REX.B) is NOP at every operand size —
// it does not zero-extend EAX — and F3 90 is PAUSE (SDM NOP, PAUSE); with
// REX.B, 90 is XCHG r8, rAX.
const nop: Handler = () => {};
const xchgAcc: Handler = (cpu, i) => swapRegs(cpu, 0, i.opReg, i.osz);

export function bindXchgAcc(i: Insn): Handler {
  return i.opReg === 0 ? nop : xchgAcc;
}

// ---- 98  CBW / CWDE / CDQE
const cbw: Handler = (cpu) => put16(cpu, 0, sx8(cpu.r[0] & 0xff));
const cwde: Handler = (cpu) => put32(cpu, 0, sx16(cpu.r[0] & 0xffff));
const cdqe: Handler = (cpu) => put64s(cpu, 0, cpu.r[0]);

export function bindCbw(i: Insn): Handler {
  return i.osz === 2 ? cbw : i.osz === 4 ? cwde : cdqe;
}

// ---- 99  CWD / CDQ / CQO: rDX <- the sign of rAX, repeated
const cwd: Handler = (cpu) => put16(cpu, 2, (cpu.r[0] << 16) >> 31);
const cdq: Handler = (cpu) => put32(cpu, 2, cpu.r[0] >> 31);
const cqo: Handler = (cpu) => put64s(cpu, 2, cpu.r[1] >> 31);

export function bindCwd(i: Insn): Handler {
  return i.osz === 2 ? cwd : i.osz === 4 ? cdq : cqo;
}
