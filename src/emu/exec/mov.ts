/**
 * Instruction family: data movement (SDM Vol. 2 MOV, MOVZX/MOVSX/MOVSXD, LEA,
 * XCHG, CBW/CWD, CMOVcc, SETcc, NOP/hints/fences). This file holds the plain
 * MOV forms and `bind` for the whole family; the rest lives in movx.ts
 * (extensions, XCHG, CBW/CWD), lea.ts, cmov.ts (CMOVcc/SETcc) and hint.ts
 * (NOPs, fences, CLFLUSH, FSGSBASE).
 *
 * The hot MOV forms are specialised per operand size and register/memory form
 * at bind time; none allocates. MOV never changes flags.
 */
import type { Cpu } from '../cpu.ts';
import { SEG_FS, type Handler, type Insn } from '../insn.ts';
import { ea, getReg8, linearAddress, setReg8 } from '../operands.ts';
import { bindCmov, bindSetcc } from './cmov.ts';
import { bindHint } from './hint.ts';
import { bindLea } from './lea.ts';
import { bindCbw, bindCwd, bindMovsx, bindMovsxd, bindMovzx, bindXchg, bindXchgAcc } from './movx.ts';


// ---- 88 /r  MOV r/m8, r8  and  8A /r  MOV r8, r/m8
const mov8_rm_r_reg: Handler = (cpu, i) => setReg8(cpu, i.rm8, getReg8(cpu, i.reg8));
const mov8_rm_r_mem: Handler = (cpu, i) => cpu.mmu.write8(ea(cpu, i), getReg8(cpu, i.reg8));
const mov8_r_rm_reg: Handler = (cpu, i) => setReg8(cpu, i.reg8, getReg8(cpu, i.rm8));
const mov8_r_rm_mem: Handler = (cpu, i) => setReg8(cpu, i.reg8, cpu.mmu.read8(ea(cpu, i)));

// ---- 89 /r  MOV r/m, r  (16/32/64). Register forms copy between GPRs d ← s at a size
// (16 merges, 32 zero-extends: SDM Vol. 1 §3.4.1.1); small helpers TurboFan inlines.
function copy16(cpu: Cpu, d: number, s: number): void {
  const r = cpu.r;
  r[2 * d] = (r[2 * d] & ~0xffff) | (r[2 * s] & 0xffff);
}
function copy32(cpu: Cpu, d: number, s: number): void {
  const r = cpu.r;
  r[2 * d] = r[2 * s];
  r[2 * d + 1] = 0;
}
function copy64(cpu: Cpu, d: number, s: number): void {
  const r = cpu.r;
  r[2 * d] = r[2 * s];
  r[2 * d + 1] = r[2 * s + 1];
}
const mov16_rm_r_reg: Handler = (cpu, i) => copy16(cpu, i.rm, i.reg);
const mov32_rm_r_reg: Handler = (cpu, i) => copy32(cpu, i.rm, i.reg);
const mov64_rm_r_reg: Handler = (cpu, i) => copy64(cpu, i.rm, i.reg);
const mov16_rm_r_mem: Handler = (cpu, i) => cpu.mmu.write16(ea(cpu, i), cpu.r[2 * i.reg] & 0xffff);
const mov32_rm_r_mem: Handler = (cpu, i) => cpu.mmu.write32(ea(cpu, i), cpu.r[2 * i.reg]);
const mov64_rm_r_mem: Handler = (cpu, i) => {
  const s = 2 * i.reg;
  cpu.mmu.write64(ea(cpu, i), cpu.r[s], cpu.r[s + 1]);
};

// ---- 8B /r  MOV r, r/m  (16/32/64)
const mov16_r_rm_reg: Handler = (cpu, i) => copy16(cpu, i.reg, i.rm);
const mov32_r_rm_reg: Handler = (cpu, i) => copy32(cpu, i.reg, i.rm);
const mov64_r_rm_reg: Handler = (cpu, i) => copy64(cpu, i.reg, i.rm);
const mov16_r_rm_mem: Handler = (cpu, i) => {
  const v = cpu.mmu.read16(ea(cpu, i));
  const r = cpu.r, d = 2 * i.reg;
  r[d] = (r[d] & ~0xffff) | v;
};
const mov32_r_rm_mem: Handler = (cpu, i) => {
  const v = cpu.mmu.read32(ea(cpu, i));
  const r = cpu.r, d = 2 * i.reg;
  r[d] = v;
  r[d + 1] = 0;
};
const mov64_r_rm_mem: Handler = (cpu, i) => {
  const mmu = cpu.mmu;
  const lo = mmu.read64(ea(cpu, i));
  const r = cpu.r, d = 2 * i.reg;
  r[d] = lo;
  r[d + 1] = mmu.hi;
};

// ---- C6 /0 ib  MOV r/m8, imm8;  C7 /0 iw/id  MOV r/m, imm (64-bit: imm32 sign-extended)
const mov8_rm_i_reg: Handler = (cpu, i) => setReg8(cpu, i.rm8, i.imm);
const mov8_rm_i_mem: Handler = (cpu, i) => cpu.mmu.write8(ea(cpu, i), i.imm & 0xff);
const mov16_rm_i_reg: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.rm;
  r[d] = (r[d] & ~0xffff) | (i.imm & 0xffff);
};
const mov32_rm_i_reg: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.rm;
  r[d] = i.imm;
  r[d + 1] = 0;
};
const mov64_rm_i_reg: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.rm;
  r[d] = i.imm;
  r[d + 1] = i.imm >> 31;
};
const mov16_rm_i_mem: Handler = (cpu, i) => cpu.mmu.write16(ea(cpu, i), i.imm & 0xffff);
const mov32_rm_i_mem: Handler = (cpu, i) => cpu.mmu.write32(ea(cpu, i), i.imm);
const mov64_rm_i_mem: Handler = (cpu, i) => cpu.mmu.write64(ea(cpu, i), i.imm, i.imm >> 31);

// ---- B0+r ib  MOV r8, imm8;  B8+r  MOV r, imm16/imm32/imm64
const mov8_o_i: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.opReg;
  r[d] = (r[d] & ~0xff) | (i.imm & 0xff);
};
/** B4–B7 without REX: AH, CH, DH, BH. */
const mov8_oh_i: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * (i.opReg & 3);
  r[d] = (r[d] & ~0xff00) | ((i.imm & 0xff) << 8);
};
const mov16_o_i: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.opReg;
  r[d] = (r[d] & ~0xffff) | (i.imm & 0xffff);
};
const mov32_o_i: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.opReg;
  r[d] = i.imm;
  r[d + 1] = 0;
};
const mov64_o_i: Handler = (cpu, i) => {
  const r = cpu.r, d = 2 * i.opReg;
  r[d] = i.imm;
  r[d + 1] = i.immHi;
};

// ---- A0–A3  MOV AL/rAX <-> moffs (the offset has the address size; FS/GS bases apply)
/** Linear address of a moffs operand: #GP(0) if it is not canonical. */
function moffs(cpu: Cpu, i: Insn): number {
  return linearAddress(i.imm, i.asz === 8 ? i.immHi : 0, i.seg >= SEG_FS ? cpu.seg[i.seg].base : 0);
}
function movMoffs(cpu: Cpu, i: Insn): void {
  const la = moffs(cpu, i), r = cpu.r, mmu = cpu.mmu;
  switch (i.op === 0xa0 || i.op === 0xa2 ? 1 : i.osz) {
    case 1:
      if (i.op === 0xa0) r[0] = (r[0] & ~0xff) | mmu.read8(la);
      else mmu.write8(la, r[0] & 0xff);
      return;
    case 2:
      if (i.op === 0xa1) r[0] = (r[0] & ~0xffff) | mmu.read16(la);
      else mmu.write16(la, r[0] & 0xffff);
      return;
    case 4:
      if (i.op === 0xa1) {
        r[0] = mmu.read32(la);
        r[1] = 0;
      } else {
        mmu.write32(la, r[0]);
      }
      return;
    default:
      if (i.op === 0xa1) {
        r[0] = mmu.read64(la);
        r[1] = mmu.hi;
      } else {
        mmu.write64(la, r[0], r[1]);
      }
  }
}

// ---- 8C /r  MOV r/m, Sreg: 16 bits to memory; a register gets the selector
// zero-extended with a 32/64-bit operand size (SDM MOV: "the upper bits are
// cleared" on P6 and later), only its low 16 bits with a 16-bit one.
function movFromSreg(cpu: Cpu, i: Insn): void {
  const sel = cpu.seg[i.digit].selector & 0xffff;
  if (!i.regForm) {
    cpu.mmu.write16(ea(cpu, i), sel);
    return;
  }
  const r = cpu.r, d = 2 * i.rm;
  if (i.osz === 2) {
    r[d] = (r[d] & ~0xffff) | sel;
  } else {
    r[d] = sel;
    r[d + 1] = 0;
  }
}

function pick(i: Insn, reg: Handler, mem: Handler): Handler {
  return i.regForm ? reg : mem;
}

function bySize(i: Insn, h16: Handler, h32: Handler, h64: Handler): Handler {
  return i.osz === 2 ? h16 : i.osz === 4 ? h32 : h64;
}

function bindMov(i: Insn): Handler | undefined {
  const rf = i.regForm;
  switch (i.op) {
    case 0x88: return pick(i, mov8_rm_r_reg, mov8_rm_r_mem);
    case 0x89: return rf ? bySize(i, mov16_rm_r_reg, mov32_rm_r_reg, mov64_rm_r_reg) : bySize(i, mov16_rm_r_mem, mov32_rm_r_mem, mov64_rm_r_mem);
    case 0x8a: return pick(i, mov8_r_rm_reg, mov8_r_rm_mem);
    case 0x8b: return rf ? bySize(i, mov16_r_rm_reg, mov32_r_rm_reg, mov64_r_rm_reg) : bySize(i, mov16_r_rm_mem, mov32_r_rm_mem, mov64_r_rm_mem);
    case 0x8c: return i.digit <= 5 ? movFromSreg : undefined; // sreg 6, 7 do not exist
    case 0xc6: return i.digit === 0 ? pick(i, mov8_rm_i_reg, mov8_rm_i_mem) : undefined;
    case 0xc7:
      if (i.digit !== 0) return undefined;
      return rf ? bySize(i, mov16_rm_i_reg, mov32_rm_i_reg, mov64_rm_i_reg) : bySize(i, mov16_rm_i_mem, mov32_rm_i_mem, mov64_rm_i_mem);
  }
  if (i.op >= 0xa0 && i.op <= 0xa3) return movMoffs;
  if (i.op >= 0xb0 && i.op <= 0xb7) return !i.rex && i.opReg >= 4 ? mov8_oh_i : mov8_o_i;
  if (i.op >= 0xb8 && i.op <= 0xbf) return bySize(i, mov16_o_i, mov32_o_i, mov64_o_i);
  return undefined;
}

/** LOCK is valid only on XCHG with a memory operand here (SDM Vol. 2 LOCK). */
function lockOk(i: Insn): boolean {
  return !i.lock || (i.map === 0 && (i.op === 0x86 || i.op === 0x87) && !i.regForm);
}

export function bind(i: Insn): Handler | undefined {
  if (!lockOk(i)) return undefined;
  if (i.map === 0) {
    switch (i.op) {
      case 0x63: return bindMovsxd(i);
      case 0x86: case 0x87: return bindXchg(i);
      case 0x8d: return bindLea(i);
      case 0x98: return bindCbw(i);
      case 0x99: return bindCwd(i);
    }
    if (i.op >= 0x90 && i.op <= 0x97) return bindXchgAcc(i);
    return bindMov(i);
  }
  if (i.op >= 0x40 && i.op <= 0x4f) return bindCmov(i);
  if (i.op >= 0x90 && i.op <= 0x9f) return bindSetcc(i);
  switch (i.op) {
    case 0xb6: case 0xb7: return bindMovzx(i);
    case 0xbe: case 0xbf: return bindMovsx(i);
  }
  return bindHint(i); // 0F 0D, 0F 18–1F, 0F AE
}
