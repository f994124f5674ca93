/**
 * Control, debug and extended control registers: MOV to/from CR0/2/3/4/8
 * (0F 20/22), MOV to/from DR0–DR7 (0F 21/23), CLTS, XSETBV/XGETBV
 * (SDM Vol. 2 MOV—Move to/from Control Registers, MOV—Move to/from Debug
 * Registers, CLTS, XSETBV, XGETBV; uapi.md §3.2, §4.1). In 64-bit mode the
 * operand is always a 64-bit register (ModRM.mod is ignored, the decoder
 * treats it as the register form).
 */
import type { Cpu } from '../cpu.ts';
import { MAXPHYADDR, hasFeature, cpuidLeaf } from '../cpuid.ts';
import { cpuComponents, xinuse } from '../fpu/xstate.ts';
import { DR6_BD, DR6_FIXED_1, DR6_WRITABLE, DR7_FIXED_1, DR7_GD, DR7_VOLATILE } from '../debug.ts';
import { EXIT_DR_ACCESS, EXIT_XSETBV } from '../exits.ts';
import { DB, GP, GuestFault, UD } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import {
  CR0_CD, CR0_NW, CR0_PE, CR0_PG, CR0_TS, CR4_FSGSBASE, CR4_OSXSAVE, CR4_PAE, CR4_PCIDE, CR4_SMAP, CR4_SMEP, EFER_LMA, RAX, RCX, RDX,
} from '../regs.ts';

const TWO32 = 4294967296;

/** CR0 bits that exist: PE MP EM TS ET NE WP AM NW CD PG; other bits read 0, writes to them are ignored. */
const CR0_DEFINED = 0xe005003f;
const CR0_ET = 1 << 4;
/**
 * CR4 bits a write may set: TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT,
 * plus each of OSXSAVE, FSGSBASE, PCIDE, SMEP, SMAP when CPUID reports its
 * feature (`CR4_BY_CPUID`). VME/PVI, UMIP, PKE, LA57, CET are not
 * implemented, so they are reserved (#GP).
 */
const CR4_ALLOWED = 0x7fc;
/** [CR4 bit, CPUID leaf, subleaf, register (0 EAX … 3 EDX), bit] (SDM Vol. 3 §2.5, KVM's cr4_reserved_bits). */
const CR4_BY_CPUID: readonly (readonly [number, number, number, number, number])[] = [
  [CR4_OSXSAVE, 1, 0, 2, 26],
  [CR4_FSGSBASE, 7, 0, 1, 0],
  [CR4_PCIDE, 1, 0, 2, 17],
  [CR4_SMEP, 7, 0, 1, 7],
  [CR4_SMAP, 7, 0, 1, 20],
];
const CR4_DE = 1 << 3;

export function gp0(): never {
  throw new GuestFault(GP, 0);
}

function privileged(cpu: Cpu): void {
  if (cpu.cpl !== 0) gp0();
}

function setGpr64(cpu: Cpu, n: number, v: number): void {
  cpu.r[2 * n] = v | 0;
  cpu.r[2 * n + 1] = Math.floor(v / TWO32) | 0;
}

/** A GPR's 64-bit value as a signed JS number (exact within ±2^53). */
function gprNumber(cpu: Cpu, n: number): number {
  return cpu.r[2 * n + 1] * TWO32 + (cpu.r[2 * n] >>> 0);
}

// ------------------------------------------------------------------- MOV CR
function movFromCr(cpu: Cpu, i: Insn): void {
  privileged(cpu);
  let v: number;
  switch (i.reg) {
    case 0: v = cpu.cr0 >>> 0; break;
    case 2: v = cpu.cr2; break;
    case 3: v = cpu.cr3; break;
    case 4: v = cpu.cr4 >>> 0; break;
    default: v = cpu.readCr8(); break;
  }
  setGpr64(cpu, i.rm, v);
}

function movToCr0(cpu: Cpu, lo: number, hi: number): void {
  if (hi !== 0) gp0(); // bits 63:32 are reserved
  const v = ((lo & CR0_DEFINED) | CR0_ET) >>> 0; // ET is hardwired to 1
  if ((v & CR0_PG) !== 0 && (v & CR0_PE) === 0) gp0();
  if ((v & CR0_NW) !== 0 && (v & CR0_CD) === 0) gp0();
  // Paging cannot be turned off in 64-bit mode (SDM MOV CR, 64-bit mode exceptions).
  if ((v & CR0_PG) === 0 && (cpu.efer & EFER_LMA) !== 0) gp0();
  cpu.cr0 = v;
  cpu.syncMode();
}

/**
 * MOV CR3: bits 62:MAXPHYADDR are reserved. With CR4.PCIDE, bits 11:0 are the
 * PCID and bit 63 = 1 asks not to invalidate that PCID's translations; bit 63
 * is not stored (SDM Vol. 3 §4.10.4.1). The TLB here is not tagged by PCID
 * and is flushed on every load, which the SDM allows (a CPU may always drop
 * more translations than required).
 */
function movToCr3(cpu: Cpu, lo: number, hi: number): void {
  const pcide = (cpu.cr4 & CR4_PCIDE) !== 0;
  const h = pcide ? hi & 0x7fffffff : hi;
  if (h >>> (MAXPHYADDR - 32) !== 0) gp0();
  cpu.cr3 = h * TWO32 + (lo >>> 0);
  cpu.mmu.flushTlb();
  cpu.syncMode();
}

function movToCr4(cpu: Cpu, lo: number, hi: number): void {
  let allowed = CR4_ALLOWED;
  for (const [bit, leaf, sub, reg, b] of CR4_BY_CPUID) if (((cpuidLeaf(cpu.cpuid, leaf, sub)[reg] >>> b) & 1) === 1) allowed |= bit;
  if (hi !== 0 || (lo & ~allowed) !== 0) gp0();
  // PAE cannot be cleared while IA-32e mode is active.
  if ((lo & CR4_PAE) === 0 && (cpu.efer & EFER_LMA) !== 0) gp0();
  // PCIDE can be set only in IA-32e mode with CR3[11:0] = 0 (SDM MOV CR, #GP(0) conditions).
  if ((lo & CR4_PCIDE) !== 0 && (cpu.cr4 & CR4_PCIDE) === 0 && ((cpu.efer & EFER_LMA) === 0 || cpu.cr3 % 4096 !== 0)) gp0();
  cpu.cr4 = lo >>> 0;
  cpu.syncMode();
}

function movToCr8(cpu: Cpu, lo: number, hi: number): void {
  if (hi !== 0 || (lo & ~0xf) !== 0) gp0(); // bits 63:4 are reserved
  cpu.writeCr8(lo);
}

function movToCr(cpu: Cpu, i: Insn): void {
  privileged(cpu);
  const lo = cpu.r[2 * i.rm], hi = cpu.r[2 * i.rm + 1];
  switch (i.reg) {
    case 0: movToCr0(cpu, lo, hi); break;
    case 2: cpu.cr2 = hi * TWO32 + (lo >>> 0); break; // any value (kept exact within ±2^53)
    case 3: movToCr3(cpu, lo, hi); break;
    case 4: movToCr4(cpu, lo, hi); break;
    default: movToCr8(cpu, lo, hi); break;
  }
}

// ------------------------------------------------------------------- MOV DR
/**
 * The checks every MOV DR makes, in the SDM/VMX priority order: #UD for
 * DR4/DR5 with CR4.DE, #GP(0) at CPL > 0, then the MOV-DR VM-exit (the
 * hypervisor then emulates DR7.GD itself, uapi.md §3.3), then #DB for DR7.GD.
 * Returns the architectural register (DR4/DR5 alias DR6/DR7).
 */
function drAccess(cpu: Cpu, i: Insn, toDr: boolean): number {
  let dr = i.reg;
  if (dr === 4 || dr === 5) {
    if ((cpu.cr4 & CR4_DE) !== 0) throw new GuestFault(UD);
    dr += 2;
  }
  privileged(cpu);
  if (cpu.ctl.movDr) {
    const exit = cpu.exit;
    exit.dr = i.reg;
    exit.toDr = toDr;
    exit.gpr = i.rm;
    cpu.vmexit(EXIT_DR_ACCESS);
  }
  if ((cpu.dr7 & DR7_GD) !== 0) {
    // General detect: a fault with DR6.BD (SDM Vol. 3 §18.2.4); GD clears when the handler is entered.
    cpu.dbg.faultBits = DR6_BD;
    throw new GuestFault(DB);
  }
  return dr;
}

function movFromDr(cpu: Cpu, i: Insn): void {
  const dr = drAccess(cpu, i, false);
  const v = dr < 4 ? cpu.dr[dr] : dr === 6 ? cpu.dr6 >>> 0 : cpu.dr7 >>> 0;
  setGpr64(cpu, i.rm, v);
}

function movToDr(cpu: Cpu, i: Insn): void {
  const dr = drAccess(cpu, i, true);
  const lo = cpu.r[2 * i.rm], hi = cpu.r[2 * i.rm + 1];
  if (dr < 4) {
    // Any 64-bit value; kept as a signed number (exact for canonical addresses).
    cpu.dr[dr] = gprNumber(cpu, i.rm);
  } else {
    if (hi !== 0) gp0(); // DR6/DR7 bits 63:32 must be zero
    if (dr === 6) cpu.dr6 = ((lo & DR6_WRITABLE) | DR6_FIXED_1) >>> 0;
    else cpu.dr7 = ((lo & DR7_VOLATILE) | DR7_FIXED_1) >>> 0;
  }
  cpu.debugRegsChanged();
}

// ---------------------------------------------------------------- CLTS
function clts(cpu: Cpu): void {
  privileged(cpu);
  cpu.cr0 = (cpu.cr0 & ~CR0_TS) >>> 0;
}

// -------------------------------------------------------- XSETBV / XGETBV
function requireOsxsave(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_OSXSAVE) === 0) throw new GuestFault(UD);
}

/**
 * Whether XCR0 = hi:lo is a valid value for this CPU (uapi.md §4.1, SDM Vol. 1
 * §13.3): x87 set, YMM needs SSE, only components CPUID.(0xD,0) reports,
 * BNDREGS/BNDCSR together, AVX-512 needs YMM and all three of its parts,
 * AMX needs both parts, APX needs CPUID.(7,1):EDX.APX_F and excludes MPX.
 */
export function xcr0Valid(cpu: Cpu, lo: number, hi: number): boolean {
  const [supLo, , , supHi] = cpuidLeaf(cpu.cpuid, 0xd, 0);
  if ((lo & 1) === 0) return false;
  if ((lo & ~(supLo | 1)) !== 0 || (hi & ~supHi) !== 0) return false;
  if ((lo & 4) !== 0 && (lo & 2) === 0) return false;
  const bnd = lo & 0x18;
  if (bnd !== 0 && bnd !== 0x18) return false;
  const avx512 = lo & 0xe0;
  if (avx512 !== 0 && ((lo & 4) === 0 || avx512 !== 0xe0)) return false;
  const amx = lo & 0x60000;
  if (amx !== 0 && amx !== 0x60000) return false;
  if ((lo & 0x80000) !== 0) {
    if (!hasFeature(cpu.cpuid, 7, 1, 3, 21)) return false;
    if ((lo & 0x8) !== 0) return false; // MPX and APX share the XSAVE area
  }
  return true;
}

function xsetbv(cpu: Cpu): void {
  requireOsxsave(cpu);
  if (cpu.ctl.xsetbv) cpu.vmexit(EXIT_XSETBV); // the hypervisor validates (KVM always exits)
  privileged(cpu);
  const lo = cpu.r[2 * RAX], hi = cpu.r[2 * RDX];
  if (cpu.r[2 * RCX] !== 0 || !xcr0Valid(cpu, lo, hi)) gp0(); // ECX selects XCR0 only
  cpu.xcr0 = hi * TWO32 + (lo >>> 0);
}

function xgetbv(cpu: Cpu): void {
  requireOsxsave(cpu);
  const ecx = cpu.r[2 * RCX];
  // ECX = 1: XCR0 AND XINUSE (SDM Vol. 1 §13.6; XINUSE derived from the contents, fpu/xstate.ts).
  if (ecx !== 0 && !(ecx === 1 && hasFeature(cpu.cpuid, 0xd, 1, 0, 2))) gp0();
  const x = ecx === 1 ? (cpu.xcr0 & xinuse(cpuComponents(cpu))) >>> 0 : cpu.xcr0;
  cpu.r[2 * RAX] = x | 0;
  cpu.r[2 * RAX + 1] = 0;
  cpu.r[2 * RDX] = Math.floor(x / TWO32) | 0;
  cpu.r[2 * RDX + 1] = 0;
}

/** 0F 20–23. CR1, CR5–CR7, CR9–CR15 and DR8–DR15 are #UD. */
export function bindMovCrDr(i: Insn): Handler | undefined {
  switch (i.op) {
    case 0x20: case 0x22:
      if (i.reg !== 0 && i.reg !== 2 && i.reg !== 3 && i.reg !== 4 && i.reg !== 8) return undefined;
      return i.op === 0x20 ? movFromCr : movToCr;
    default:
      if (i.reg > 7) return undefined;
      return i.op === 0x21 ? movFromDr : movToDr;
  }
}

export { clts, xgetbv, xsetbv };
