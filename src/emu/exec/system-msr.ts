/**
 * Model-specific registers, the time-stamp counter and CPUID: RDMSR/WRMSR
 * (0F 32/30), RDTSC (0F 31), RDTSCP (0F 01 F9), CPUID (0F A2)
 * (SDM Vol. 2 RDMSR, WRMSR, RDTSC, RDTSCP, CPUID; Vol. 4 Table 2-2).
 *
 * Implemented MSRs: EFER, STAR, LSTAR, CSTAR, FMASK (SFMASK), FS_BASE,
 * GS_BASE, KERNEL_GS_BASE, TSC, TSC_AUX, APIC_BASE. Any other index exits
 * (EXIT_RDMSR/EXIT_WRMSR, ECX names it) when `ctl.msr` is set, else #GP(0).
 * The TSC counts retired instructions plus `tscOffset` (deterministic).
 */
import type { Cpu } from '../cpu.ts';
import { MAXPHYADDR, cpuidLeaf, cpuidRead, EXT1_EDX_LM, EXT1_EDX_NX, EXT1_EDX_SYSCALL } from '../cpuid.ts';
import { EXIT_CPUID, EXIT_RDMSR, EXIT_WRMSR } from '../exits.ts';
import { GP, GuestFault } from '../fault.ts';
import { SEG_FS, SEG_GS } from '../insn.ts';
import { CR0_PG, CR4_OSXSAVE, EFER_LMA, EFER_LME, EFER_NXE, EFER_SCE, RAX, RBX, RCX, RDX } from '../regs.ts';

export const MSR_TSC = 0x10;
export const MSR_APIC_BASE = 0x1b;
/** IA32_XSS: supervisor XSAVE components; this CPU has none, so it is always 0 (CPUID.(0xD,1) ECX:EDX = 0). */
export const MSR_XSS = 0xda0;
export const MSR_EFER = 0xc0000080;
export const MSR_STAR = 0xc0000081;
export const MSR_LSTAR = 0xc0000082;
export const MSR_CSTAR = 0xc0000083;
export const MSR_FMASK = 0xc0000084;
export const MSR_FS_BASE = 0xc0000100;
export const MSR_GS_BASE = 0xc0000101;
export const MSR_KERNEL_GS_BASE = 0xc0000102;
export const MSR_TSC_AUX = 0xc0000103;

const TWO32 = 4294967296;
const CR4_TSD = 1 << 2;

function gp0(): never {
  throw new GuestFault(GP, 0);
}

/** Set EDX:EAX (upper halves of RAX/RDX cleared). */
function setEdxEax(cpu: Cpu, lo: number, hi: number): void {
  cpu.r[2 * RAX] = lo | 0;
  cpu.r[2 * RAX + 1] = 0;
  cpu.r[2 * RDX] = hi | 0;
  cpu.r[2 * RDX + 1] = 0;
}

/** The canonical value hi:lo as a signed number, or #GP(0). */
function canonical(lo: number, hi: number): number {
  if ((hi << 16) >> 16 !== hi) gp0();
  return hi * TWO32 + (lo >>> 0);
}

/** EFER bits this CPU implements, from CPUID.80000001H:EDX (SCE, LME/LMA, NXE). */
function eferValid(cpu: Cpu): number {
  const edx = cpuidLeaf(cpu.cpuid, 0x80000001)[3];
  let m = 0;
  if (edx & EXT1_EDX_SYSCALL) m |= EFER_SCE;
  if (edx & EXT1_EDX_LM) m |= EFER_LME | EFER_LMA;
  if (edx & EXT1_EDX_NX) m |= EFER_NXE;
  return m;
}

/** The 64-bit TSC as halves. */
function tscHalves(cpu: Cpu): [number, number] {
  const t = BigInt.asUintN(64, cpu.tsc());
  return [Number(t & 0xffffffffn) | 0, Number(t >> 32n) | 0];
}

/** RDMSR value, or undefined for an MSR this CPU does not implement. */
export function readMsr(cpu: Cpu, msr: number): [number, number] | undefined {
  const num = (v: number): [number, number] => [v | 0, Math.floor(v / TWO32) | 0];
  switch (msr >>> 0) {
    case MSR_EFER: return [cpu.efer | 0, 0];
    case MSR_STAR: return [Number(cpu.star & 0xffffffffn) | 0, Number((cpu.star >> 32n) & 0xffffffffn) | 0];
    case MSR_LSTAR: return num(cpu.lstar);
    case MSR_CSTAR: return num(cpu.cstar);
    case MSR_FMASK: return [cpu.fmask | 0, 0];
    case MSR_FS_BASE: return num(cpu.seg[SEG_FS].base);
    case MSR_GS_BASE: return num(cpu.seg[SEG_GS].base);
    case MSR_KERNEL_GS_BASE: return num(cpu.kernelGsBase);
    case MSR_TSC: return tscHalves(cpu);
    case MSR_TSC_AUX: return [cpu.tscAux | 0, 0];
    case MSR_APIC_BASE: return num(cpu.apicBase);
    case MSR_XSS: return [0, 0];
  }
  return undefined;
}

function writeEfer(cpu: Cpu, lo: number, hi: number): void {
  if (hi !== 0 || (lo & ~eferValid(cpu)) !== 0) gp0(); // reserved bits
  // LME cannot change while paging is on; LMA is read-only (KVM set_efer).
  if ((cpu.cr0 & CR0_PG) !== 0 && ((lo ^ cpu.efer) & EFER_LME) !== 0) gp0();
  cpu.efer = ((lo & ~EFER_LMA) | (cpu.efer & EFER_LMA)) >>> 0;
  cpu.syncMode();
}

/** WRMSR; returns false for an MSR this CPU does not implement. */
export function writeMsr(cpu: Cpu, msr: number, lo: number, hi: number): boolean {
  switch (msr >>> 0) {
    case MSR_EFER: writeEfer(cpu, lo, hi); break;
    case MSR_STAR: cpu.star = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0); break;
    case MSR_LSTAR: cpu.lstar = canonical(lo, hi); break;
    case MSR_CSTAR: cpu.cstar = canonical(lo, hi); break;
    case MSR_FMASK:
      if (hi !== 0) gp0(); // bits 63:32 are reserved
      cpu.fmask = lo >>> 0;
      break;
    case MSR_FS_BASE: cpu.seg[SEG_FS].base = canonical(lo, hi); break;
    case MSR_GS_BASE: cpu.seg[SEG_GS].base = canonical(lo, hi); break;
    case MSR_KERNEL_GS_BASE: cpu.kernelGsBase = canonical(lo, hi); break;
    case MSR_TSC: {
      // The TSC reads the value written when the next instruction starts (the
      // WRMSR itself retires after this, hence + 1), then counts on from it.
      const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      cpu.tscOffset = Number(BigInt.asIntN(64, v - BigInt(cpu.icount + 1)));
      break;
    }
    case MSR_TSC_AUX:
      if (hi !== 0) gp0();
      cpu.tscAux = lo >>> 0;
      break;
    case MSR_APIC_BASE:
      // Reserved: bits 7:0, 9, 10 (no x2APIC) and bits 63:MAXPHYADDR.
      if ((lo & 0x6ff) !== 0 || hi >>> (MAXPHYADDR - 32) !== 0) gp0();
      cpu.setApicBase(hi * TWO32 + (lo >>> 0));
      break;
    case MSR_XSS:
      if ((lo | hi) !== 0) gp0(); // every bit is reserved: no supervisor state components
      break;
    default:
      return false;
  }
  return true;
}

export function rdmsr(cpu: Cpu): void {
  if (cpu.cpl !== 0) gp0();
  const v = readMsr(cpu, cpu.r[2 * RCX]);
  if (v === undefined) {
    if (cpu.ctl.msr) cpu.vmexit(EXIT_RDMSR);
    gp0();
  }
  setEdxEax(cpu, v[0], v[1]);
}

export function wrmsr(cpu: Cpu): void {
  if (cpu.cpl !== 0) gp0();
  const msr = cpu.r[2 * RCX];
  if (readMsr(cpu, msr) === undefined) {
    if (cpu.ctl.msr) cpu.vmexit(EXIT_WRMSR);
    gp0();
  }
  writeMsr(cpu, msr, cpu.r[2 * RAX], cpu.r[2 * RDX]);
}

export function rdtsc(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_TSD) !== 0 && cpu.cpl !== 0) gp0();
  const [lo, hi] = tscHalves(cpu);
  setEdxEax(cpu, lo, hi);
}

export function rdtscp(cpu: Cpu): void {
  if ((cpu.cr4 & CR4_TSD) !== 0 && cpu.cpl !== 0) gp0();
  const [lo, hi] = tscHalves(cpu);
  setEdxEax(cpu, lo, hi);
  cpu.r[2 * RCX] = cpu.tscAux | 0;
  cpu.r[2 * RCX + 1] = 0;
}

export function cpuid(cpu: Cpu): void {
  if (cpu.ctl.cpuid) cpu.vmexit(EXIT_CPUID);
  const r = cpu.r;
  const v = cpuidRead(cpu.cpuid, r[2 * RAX], r[2 * RCX], (cpu.cr4 & CR4_OSXSAVE) !== 0, cpu.xcr0);
  const regs = [RAX, RBX, RCX, RDX];
  for (let k = 0; k < 4; k++) {
    r[2 * regs[k]] = v[k] | 0;
    r[2 * regs[k] + 1] = 0;
  }
}
