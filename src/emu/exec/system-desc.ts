/**
 * Descriptor tables and segment loads in 64-bit mode: LGDT/LIDT/SGDT/SIDT
 * (0F 01 /2 /3 /0 /1), LTR/STR/LLDT/SLDT (0F 00 /3 /1 /2 /0), INVLPG
 * (0F 01 /7), SWAPGS (0F 01 F8), MOV Sreg, r/m16 (8E) (SDM Vol. 2 for each;
 * Vol. 3 §3.4–3.5, §5.5–5.6 for the descriptor checks). Descriptor-table
 * accesses are implicit supervisor accesses, also at CPL 3.
 */
import type { Cpu } from '../cpu.ts';
import { GP, GuestFault, NP, SS } from '../fault.ts';
import { SEG_GS, SEG_SS, type Insn } from '../insn.ts';
import { descriptorAddress } from '../interrupts.ts';
import { ea, readRm16, setReg16, setReg32, setReg64 } from '../operands.ts';

const TWO32 = 4294967296;

function gp(code: number): never {
  throw new GuestFault(GP, code);
}
function privileged(cpu: Cpu): void {
  if (cpu.cpl !== 0) gp(0);
}

/** Run `f` with supervisor access rights (descriptor-table reads and A/busy-bit writes). */
function supervisor<T>(cpu: Cpu, f: () => T): T {
  const mmu = cpu.mmu;
  if (!mmu.user) return f();
  mmu.setUser(false);
  try {
    return f();
  } finally {
    mmu.setUser(cpu.cpl === 3);
  }
}

// ------------------------------------------------------------ GDTR / IDTR
/** LGDT/LIDT m16&64: limit then a 64-bit base, which must be canonical. */
function loadTable(cpu: Cpu, i: Insn, idt: boolean): void {
  privileged(cpu);
  const la = ea(cpu, i);
  const limit = cpu.mmu.read16(la);
  const lo = cpu.mmu.read32(la + 2), hi = cpu.mmu.read32(la + 6);
  if ((hi << 16) >> 16 !== hi) gp(0);
  const t = idt ? cpu.idtr : cpu.gdtr;
  t.limit = limit;
  t.base = hi * TWO32 + (lo >>> 0);
}

/** SGDT/SIDT m16&64 (allowed at any CPL: UMIP is not implemented). */
function storeTable(cpu: Cpu, i: Insn, idt: boolean): void {
  const la = ea(cpu, i);
  const t = idt ? cpu.idtr : cpu.gdtr;
  cpu.mmu.checkWritable(la);
  cpu.mmu.checkWritable(la + 9);
  cpu.mmu.write16(la, t.limit);
  cpu.mmu.write64(la + 2, t.base | 0, Math.floor(t.base / TWO32) | 0);
}

export const lgdt = (cpu: Cpu, i: Insn): void => loadTable(cpu, i, false);
export const lidt = (cpu: Cpu, i: Insn): void => loadTable(cpu, i, true);
export const sgdt = (cpu: Cpu, i: Insn): void => storeTable(cpu, i, false);
export const sidt = (cpu: Cpu, i: Insn): void => storeTable(cpu, i, true);

// -------------------------------------------------------------- TR / LDTR
/**
 * Read the 16-byte system descriptor for LTR/LLDT (GDT only): null → #GP(0),
 * TI = 1, beyond the limit, wrong type → #GP(sel), not present → #NP(sel),
 * non-canonical base → #GP(sel). Returns [la, w0, w1, w2].
 */
function systemDescriptor(cpu: Cpu, sel: number, type: number): [number, number, number, number] {
  if ((sel & 0xfffc) === 0) gp(0);
  if (sel & 4) gp(sel & 0xfffc);
  const la = descriptorAddress(cpu, sel, GP, 0, 16);
  const mmu = cpu.mmu;
  const w0 = mmu.read32(la), w1 = mmu.read32(la + 4), w2 = mmu.read32(la + 8);
  if (((w1 >> 8) & 0x1f) !== type) gp(sel & 0xfffc); // S = 0 and the type
  if (((w1 >> 15) & 1) === 0) throw new GuestFault(NP, sel & 0xfffc);
  if ((w2 << 16) >> 16 !== w2) gp(sel & 0xfffc);
  return [la, w0, w1, w2];
}

/** LTR r/m16: load an available 64-bit TSS (type 9) and mark it busy (type B) in the GDT. */
function ltr(cpu: Cpu, i: Insn): void {
  privileged(cpu);
  const sel = readRm16(cpu, i);
  const [la, w0, w1, w2] = systemDescriptor(cpu, sel, 0x09);
  const busy = w1 | 0x200;
  cpu.mmu.write32(la + 4, busy);
  cpu.tr.loadDescriptor(sel, w0, busy, w2);
}

/** LLDT r/m16: a null selector leaves LDTR unusable; else load an LDT descriptor (type 2). */
function lldt(cpu: Cpu, i: Insn): void {
  privileged(cpu);
  const sel = readRm16(cpu, i);
  if ((sel & 0xfffc) === 0) {
    cpu.ldtr.loadNull(sel);
    return;
  }
  const [, w0, w1, w2] = systemDescriptor(cpu, sel, 0x02);
  cpu.ldtr.loadDescriptor(sel, w0, w1, w2);
}

/** STR/SLDT: a register destination gets the selector zero-extended to the operand size; memory gets 16 bits. */
function storeSelector(cpu: Cpu, i: Insn, v: number): void {
  if (!i.regForm) {
    cpu.mmu.write16(ea(cpu, i), v);
    return;
  }
  if (i.osz === 2) setReg16(cpu, i.rm, v);
  else if (i.osz === 4) setReg32(cpu, i.rm, v);
  else setReg64(cpu, i.rm, v, 0);
}

const str = (cpu: Cpu, i: Insn): void => storeSelector(cpu, i, cpu.tr.selector);
const sldt = (cpu: Cpu, i: Insn): void => storeSelector(cpu, i, cpu.ldtr.selector);

// --------------------------------------------------------- INVLPG, SWAPGS
/** INVLPG m: drop the translation; a non-canonical address makes it a no-op. */
function invlpg(cpu: Cpu, i: Insn): void {
  privileged(cpu);
  let la: number;
  try {
    la = ea(cpu, i);
  } catch (e) {
    if (e instanceof GuestFault) return;
    throw e;
  }
  cpu.mmu.invlpg(la);
}

function swapgs(cpu: Cpu): void {
  privileged(cpu);
  const gs = cpu.seg[SEG_GS];
  const t = gs.base;
  gs.base = cpu.kernelGsBase;
  cpu.kernelGsBase = t;
}

// ------------------------------------------------------------- MOV Sreg
/** Load SS with the SDM checks (MOV SS): writable data, RPL = DPL = CPL; null only at CPL < 3 with RPL = CPL. */
function loadSs(cpu: Cpu, sel: number): void {
  const ss = cpu.seg[SEG_SS];
  const rpl = sel & 3;
  if ((sel & 0xfffc) === 0) {
    if (cpu.cpl === 3 || rpl !== cpu.cpl) gp(0);
    ss.loadNull(sel);
    return;
  }
  supervisor(cpu, () => {
    const la = descriptorAddress(cpu, sel, GP, 0);
    const lo = cpu.mmu.read32(la), hi = cpu.mmu.read32(la + 4);
    const type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3;
    if (rpl !== cpu.cpl) gp(sel & 0xfffc);
    if (((hi >> 12) & 1) === 0 || (type & 8) !== 0 || (type & 2) === 0) gp(sel & 0xfffc);
    if (dpl !== cpu.cpl) gp(sel & 0xfffc);
    if (((hi >> 15) & 1) === 0) throw new GuestFault(SS, sel & 0xfffc);
    const a = hi | 0x100; // the accessed bit is set in the descriptor
    if (a !== hi) cpu.mmu.write32(la + 4, a);
    ss.loadDescriptor(sel, lo, a);
  });
}

/** Load DS/ES/FS/GS: data or readable code; privilege checked unless conforming code; null allowed. */
function loadDataSeg(cpu: Cpu, sreg: number, sel: number): void {
  const seg = cpu.seg[sreg];
  if ((sel & 0xfffc) === 0) {
    seg.loadNull(sel); // the base becomes 0 (Intel; AMD keeps the FS/GS base)
    return;
  }
  supervisor(cpu, () => {
    const la = descriptorAddress(cpu, sel, GP, 0);
    const lo = cpu.mmu.read32(la), hi = cpu.mmu.read32(la + 4);
    const type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3;
    const code = (type & 8) !== 0;
    if (((hi >> 12) & 1) === 0 || (code && (type & 2) === 0)) gp(sel & 0xfffc);
    if (!code || (type & 4) === 0) {
      if ((sel & 3) > dpl || cpu.cpl > dpl) gp(sel & 0xfffc);
    }
    if (((hi >> 15) & 1) === 0) throw new GuestFault(NP, sel & 0xfffc);
    const a = hi | 0x100;
    if (a !== hi) cpu.mmu.write32(la + 4, a);
    seg.loadDescriptor(sel, lo, a); // FS/GS: the 32-bit descriptor base, zero-extended
  });
}

/** MOV Sreg, r/m16. MOV SS blocks interrupts and debug traps for one instruction (SDM Vol. 3 §6.8.3). */
function movSreg(cpu: Cpu, i: Insn): void {
  const sel = readRm16(cpu, i);
  if (i.digit === SEG_SS) {
    loadSs(cpu, sel);
    cpu.shadow = true;
    cpu.dbg.blockNext = true;
    cpu.updateSlow();
  } else {
    loadDataSeg(cpu, i.digit, sel);
  }
}

/** 8E: CS (/1) and /6–/7 are #UD. */
export function bindMovSreg(i: Insn): ((cpu: Cpu, i: Insn) => void) | undefined {
  return i.digit === 1 || i.digit > 5 ? undefined : movSreg;
}

/** 0F 00 (group 6): /0 SLDT, /1 STR, /2 LLDT, /3 LTR (VERR/VERW: system-seg-query.ts). */
export function bindGroup6(i: Insn): ((cpu: Cpu, i: Insn) => void) | undefined {
  switch (i.digit) {
    case 0: return sldt;
    case 1: return str;
    case 2: return lldt;
    case 3: return ltr;
  }
  return undefined;
}

export { invlpg, swapgs };
