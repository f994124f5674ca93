/**
 * Instructions that read or change control state outside MOV CR (SDM Vol. 2
 * under each name): SMSW (0F 01 /4), LMSW (0F 01 /6), CLAC/STAC (0F 01 CA/CB,
 * with SMAP), INVPCID (66 0F 38 82, with PCID).
 */
import type { Cpu } from '../cpu.ts';
import { hasFeature } from '../cpuid.ts';
import { GP, GuestFault, UD } from '../fault.ts';
import type { Insn } from '../insn.ts';
import { ea, readRm16, setReg16, setReg32 } from '../operands.ts';
import { CR0_PE, CR4_PCIDE, FLAG_AC } from '../regs.ts';

const TWO32 = 4294967296;

function gp0(): never {
  throw new GuestFault(GP, 0);
}

/**
 * SMSW: CR0[15:0] to memory; a register destination gets CR0 zero-extended
 * at 32/64 bits (the SDM leaves the high bits undefined; AMD's APM and the
 * CPU store CR0 itself), bits 15:0 at 16. Any CPL (no UMIP here).
 */
export function smsw(cpu: Cpu, i: Insn): void {
  const cr0 = cpu.cr0 >>> 0;
  if (!i.regForm) cpu.mmu.write16(ea(cpu, i), cr0 & 0xffff);
  else if (i.osz === 2) setReg16(cpu, i.rm, cr0);
  else setReg32(cpu, i.rm, cr0 | 0); // CR0 has no bits above 31
}

/** LMSW r/m16: CPL 0; loads CR0.PE/MP/EM/TS from bits 3:0, but cannot clear PE. */
export function lmsw(cpu: Cpu, i: Insn): void {
  if (cpu.cpl !== 0) gp0();
  const v = readRm16(cpu, i) & 0xf;
  cpu.cr0 = ((cpu.cr0 & ~0xe) | v | (cpu.cr0 & CR0_PE)) >>> 0;
  cpu.syncMode();
}

/** CLAC/STAC: RFLAGS.AC := 0/1; #UD at CPL > 0 or without SMAP in CPUID (leaf 7 EBX bit 20). */
function setAc(cpu: Cpu, on: boolean): void {
  if (cpu.cpl !== 0 || !hasFeature(cpu.cpuid, 7, 0, 1, 20)) throw new GuestFault(UD);
  if (on) cpu.flagsOther |= FLAG_AC;
  else cpu.flagsOther &= ~FLAG_AC;
  cpu.updateSlow();
}
export const clac = (cpu: Cpu): void => setAc(cpu, false);
export const stac = (cpu: Cpu): void => setAc(cpu, true);

/**
 * INVPCID r64, m128 (SDM Vol. 2 INVPCID): CPL 0; the register is the type,
 * the descriptor holds the PCID (bits 11:0, bits 63:12 reserved) and a linear
 * address. Type 0 drops one address, 1 a PCID, 2 everything, 3 everything
 * but global pages; the TLB here is not tagged by PCID or global, so types
 * 1–3 flush it all (allowed: a CPU may drop more than asked). #GP(0): type
 * > 3, reserved descriptor bits, a non-canonical address for type 0, a PCID
 * other than 0 for types 0/1 while CR4.PCIDE = 0.
 */
export function invpcid(cpu: Cpu, i: Insn): void {
  if (cpu.cpl !== 0) gp0();
  const r = cpu.r;
  const typeLo = r[2 * i.reg], typeHi = r[2 * i.reg + 1];
  const la = ea(cpu, i);
  const d0 = cpu.mmu.read64(la), d1 = cpu.mmu.hi;
  const a0 = cpu.mmu.read64(la + 8), a1 = cpu.mmu.hi;
  if (typeHi !== 0 || typeLo >>> 0 > 3) gp0();
  if ((d0 & ~0xfff) !== 0 || d1 !== 0) gp0();
  const pcid = d0 & 0xfff;
  const type = typeLo;
  if (type <= 1 && pcid !== 0 && (cpu.cr4 & CR4_PCIDE) === 0) gp0();
  if (type === 0) {
    if ((a1 << 16) >> 16 !== a1) gp0();
    cpu.mmu.invlpg(a1 * TWO32 + (a0 >>> 0));
    cpu.mappingChanged();
    return;
  }
  cpu.mmu.flushTlb();
}
