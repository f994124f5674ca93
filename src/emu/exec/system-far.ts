/**
 * Far transfers in 64-bit mode (SDM Vol. 2 RET, JMP, CALL: the far
 * pseudo-code for IA-32e mode; Vol. 3 §5.8): RET far (CB, CA imm16) to the
 * same privilege level or an outer one (CPL 0 → 3 pops RSP and SS too), JMP
 * far and CALL far through a memory pointer m16:16/32/64 (FF /5, FF /3) to a
 * code segment. The operand size is 32 bits by default (66: 16, REX.W: 64);
 * each stack slot is of that size, the selector its low 16 bits. A target
 * through a call gate (the only way JMP/CALL change privilege) is not
 * emulated: the run stops with EXIT_UNSUPPORTED. A far transfer to a 32-bit
 * code segment lands in compatibility mode, which stops the run too (cpu.ts).
 */
import type { Cpu } from '../cpu.ts';
import { EXIT_UNSUPPORTED } from '../exits.ts';
import { GP, GuestFault, NP, SS } from '../fault.ts';
import { SEG_CS, SEG_SS, type Insn } from '../insn.ts';
import { adjustRsp, ea, rspLinear } from '../operands.ts';
import { RSP } from '../regs.ts';
import { checkReturnCs, checkReturnSs, iretDescriptor, nullInaccessible } from './system-flow.ts';

const TWO32 = 4294967296;

function gp(code: number): never {
  throw new GuestFault(GP, code);
}

/** Read an `osz`-byte slot at `la`: returns lo (zero-extended), hi in `slotHi`. */
let slotHi = 0;
function readSlot(cpu: Cpu, la: number, osz: number): number {
  const mmu = cpu.mmu;
  slotHi = 0;
  if (osz === 8) {
    const lo = mmu.read64(la);
    slotHi = mmu.hi;
    return lo;
  }
  return osz === 4 ? mmu.read32(la) : mmu.read16(la);
}

function stackRange(sp: number, bytes: number): void {
  if (sp < -(2 ** 47) || sp + bytes > 2 ** 47) throw new GuestFault(SS, 0);
}

/**
 * The code segment a far JMP/CALL names, at the same privilege level:
 * conforming DPL ≤ CPL, non-conforming RPL ≤ CPL and DPL = CPL; L = D = 1 is
 * reserved; not present is #NP. Returns the descriptor words.
 */
function checkTargetCs(cpu: Cpu, sel: number): [number, number] {
  if ((sel & 0xfffc) === 0) gp(0);
  const [lo, hi] = iretDescriptor(cpu, sel);
  const type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3, rpl = sel & 3;
  if (((hi >> 12) & 1) === 0) {
    if (type === 0xc) {
      cpu.exit.message = 'far JMP/CALL through a call gate is not emulated';
      cpu.vmexit(EXIT_UNSUPPORTED);
    }
    gp(sel & 0xfffc); // other system descriptors (task gates, TSS) are #GP in IA-32e mode
  }
  if ((type & 8) === 0) gp(sel & 0xfffc);
  if ((type & 4) !== 0 ? dpl > cpu.cpl : rpl > cpu.cpl || dpl !== cpu.cpl) gp(sel & 0xfffc);
  if (((hi >> 21) & 1) === 1 && ((hi >> 22) & 1) === 1) gp(sel & 0xfffc);
  if (((hi >> 15) & 1) === 0) throw new GuestFault(NP, sel & 0xfffc);
  return [lo, hi];
}

/** Load CS (RPL := CPL) and RIP; a 64-bit target must be canonical (#GP(0)). */
function enterCs(cpu: Cpu, sel: number, lo: number, hi: number, ripLo: number, ripHi: number): void {
  const to64 = ((hi >> 21) & 1) === 1;
  if (to64 && (ripHi << 16) >> 16 !== ripHi) gp(0);
  cpu.rip = to64 ? ripHi * TWO32 + (ripLo >>> 0) : ripLo >>> 0;
  cpu.seg[SEG_CS].loadDescriptor((sel & 0xfffc) | cpu.cpl, lo, hi);
  cpu.setCpl(cpu.cpl);
  cpu.updateSlow();
}

/** RET far [imm16]: pop RIP and CS; to an outer level also RSP and SS (each RSP adjusted by imm16). */
function retFar(cpu: Cpu, i: Insn): void {
  const osz = i.osz, n = i.op === 0xca ? i.imm & 0xffff : 0;
  const sp = rspLinear(cpu);
  stackRange(sp, 2 * osz);
  const ripLo = readSlot(cpu, sp, osz), ripHi = slotHi;
  const csSel = readSlot(cpu, sp + osz, osz) & 0xffff;
  const [clo, chi] = checkReturnCs(cpu, csSel);
  const newCpl = csSel & 3;
  const to64 = ((chi >> 21) & 1) === 1;
  if (newCpl === cpu.cpl) {
    if (to64 && (ripHi << 16) >> 16 !== ripHi) gp(0);
    cpu.rip = to64 ? ripHi * TWO32 + (ripLo >>> 0) : ripLo >>> 0;
    cpu.seg[SEG_CS].loadDescriptor(csSel, clo, chi);
    adjustRsp(cpu, 2 * osz + n);
    cpu.setCpl(newCpl);
    cpu.updateSlow();
    return;
  }
  // Outer privilege level: RSP and SS follow (after the imm16 is released from the old stack).
  const sp2 = sp + 2 * osz + n;
  stackRange(sp2, 2 * osz);
  const rspLo = readSlot(cpu, sp2, osz), rspHi = slotHi;
  const ssSel = readSlot(cpu, sp2 + osz, osz) & 0xffff;
  const ssDesc = checkReturnSs(cpu, ssSel, newCpl, to64);
  if (to64 && (ripHi << 16) >> 16 !== ripHi) gp(0);
  cpu.rip = to64 ? ripHi * TWO32 + (ripLo >>> 0) : ripLo >>> 0;
  cpu.seg[SEG_CS].loadDescriptor(csSel, clo, chi);
  if (ssDesc === null) cpu.seg[SEG_SS].loadNull(ssSel);
  else cpu.seg[SEG_SS].loadDescriptor(ssSel, ssDesc[0], ssDesc[1]);
  cpu.r[2 * RSP] = rspLo;
  cpu.r[2 * RSP + 1] = rspHi;
  adjustRsp(cpu, n);
  nullInaccessible(cpu, newCpl);
  cpu.setCpl(newCpl);
  cpu.updateSlow();
}

/** The far pointer m16:16/32/64 of FF /3 and FF /5: the offset, then the selector. */
function farPointer(cpu: Cpu, i: Insn): [number, number, number] {
  const la = ea(cpu, i), osz = i.osz;
  const lo = readSlot(cpu, la, osz), hi = slotHi;
  return [lo, hi, cpu.mmu.read16(la + osz)];
}

function jmpFar(cpu: Cpu, i: Insn): void {
  const [ripLo, ripHi, sel] = farPointer(cpu, i);
  const [lo, hi] = checkTargetCs(cpu, sel);
  enterCs(cpu, sel, lo, hi, ripLo, ripHi);
}

/** CALL far: push CS then the return RIP (slots of the operand size), then jump; nothing changes if a push faults. */
function callFar(cpu: Cpu, i: Insn): void {
  const [ripLo, ripHi, sel] = farPointer(cpu, i);
  const [lo, hi] = checkTargetCs(cpu, sel);
  if (((hi >> 21) & 1) === 1 && (ripHi << 16) >> 16 !== ripHi) gp(0); // before anything is pushed
  const osz = i.osz, mmu = cpu.mmu;
  const sp = rspLinear(cpu) - 2 * osz;
  stackRange(sp, 2 * osz);
  const ret = cpu.rip, cs = cpu.seg[SEG_CS].selector;
  const retLo = ret | 0, retHi = Math.floor(ret / TWO32) | 0;
  mmu.checkWritable(sp);
  mmu.checkWritable(sp + 2 * osz - 1);
  if (osz === 8) {
    mmu.write64(sp + 8, cs, 0);
    mmu.write64(sp, retLo, retHi);
  } else if (osz === 4) {
    mmu.write32(sp + 4, cs);
    mmu.write32(sp, retLo);
  } else {
    mmu.write16(sp + 2, cs);
    mmu.write16(sp, retLo);
  }
  adjustRsp(cpu, -2 * osz);
  enterCs(cpu, sel, lo, hi, ripLo, ripHi);
}

/** CB/CA: RET far; FF /3 CALL far, FF /5 JMP far (memory forms only: the register form is #UD). */
export function bindFar(i: Insn): ((cpu: Cpu, i: Insn) => void) | undefined {
  if (i.op === 0xca || i.op === 0xcb) return retFar;
  if (i.op === 0xff && !i.regForm) return i.digit === 3 ? callFar : i.digit === 5 ? jmpFar : undefined;
  return undefined;
}
