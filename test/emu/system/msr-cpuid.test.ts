/**
 * CPUID (the default leaf set and its dynamic bits), RDMSR/WRMSR for each
 * implemented MSR with the SDM checks, RDTSC/RDTSCP (SDM Vol. 2; Vol. 4
 * Table 2-2).
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { cpuidKey } from '../../../src/emu/cpuid.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP } from '../../../src/emu/fault.ts';
import { SEG_FS, SEG_GS } from '../../../src/emu/insn.ts';
import { RAX, RBX, RCX, RDX } from '../../../src/emu/regs.ts';
import { CODE, makeMachine } from '../machine.ts';

const CPUID = [0x0f, 0xa2], RDMSR = [0x0f, 0x32], WRMSR = [0x0f, 0x30], RDTSC = [0x0f, 0x31], RDTSCP = [0x0f, 0x01, 0xf9];
const HLT = 0xf4;

function exec(code: number[], setup: (cpu: Cpu) => void = () => {}) {
  const cpu = makeMachine([...code, HLT]);
  setup(cpu);
  return { cpu, exit: cpu.run(10) };
}
function cpuid(leaf: number, sub = 0, setup: (cpu: Cpu) => void = () => {}): bigint[] {
  const { cpu } = exec(CPUID, (c) => {
    c.setGpr(RAX, BigInt(leaf) | 0xdead_0000_0000n); // upper halves are ignored and cleared
    c.setGpr(RCX, BigInt(sub));
    c.setGpr(RDX, -1n & 0xffffffffffffffffn);
    setup(c);
  });
  return [RAX, RBX, RCX, RDX].map((g) => cpu.getGpr(g));
}
const ascii = (...words: bigint[]) =>
  words.map((w) => String.fromCharCode(...[0, 8, 16, 24].map((s) => Number((w >> BigInt(s)) & 0xffn)))).join('');

describe('CPUID', () => {
  it('leaf 0: max basic leaf and the vendor string in EBX, EDX, ECX', () => {
    const [a, b, c, d] = cpuid(0);
    expect(a).toBe(0xdn);
    expect(ascii(b, d, c)).toBe('VdbgEmulated');
  });
  it('leaf 1: FPU TSC MSR PAE CX8 PGE CMOV CLFSH DE MMX FXSR SSE SSE2, SSE3 PCLMULQDQ SSSE3 SSE4.1 SSE4.2 CX16 PCID MOVBE POPCNT XSAVE RDRAND; OSXSAVE follows CR4.OSXSAVE', () => {
    const [, ebx, ecx, edx] = cpuid(1);
    expect(edx).toBe(BigInt(1 | (1 << 2) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 13) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26)));
    expect((ebx >> 8n) & 0xffn).toBe(8n); // CLFLUSH line size: 8 × 8 bytes
    const base = (1 << 0) | (1 << 1) | (1 << 9) | (1 << 13) | (1 << 17) | (1 << 19) | (1 << 20) | (1 << 22) | (1 << 23) | (1 << 26) | (1 << 30);
    expect(ecx).toBe(BigInt(base | (1 << 27)));
    expect(cpuid(1, 0, (c) => (c.cr4 &= ~0x40000))[2]).toBe(BigInt(base));
  });
  it('leaf 7 is subleaf-indexed: subleaf 0 FSGSBASE BMI1 SMEP BMI2 INVPCID RDSEED ADX SMAP CLFLUSHOPT, RDPID; subleaf 1 APX_F (EDX bit 21)', () => {
    const ebx = [0, 3, 7, 8, 10, 18, 19, 20, 23].reduce((a, b) => a | (1 << b), 0);
    expect(cpuid(7, 0)).toEqual([1n, BigInt(ebx), BigInt(1 << 22), 0n]);
    expect(cpuid(7, 1)[3]).toBe(BigInt(1 << 21));
    expect(cpuid(7, 2)).toEqual([0n, 0n, 0n, 0n]);
  });
  it('leaf 0xD: supported XCR0 x87|SSE|APX, XSAVE size following XCR0, the APX component at 960 (128 bytes)', () => {
    expect(cpuid(0xd, 0)).toEqual([0x80003n, 576n, 1088n, 0n]);
    expect(cpuid(0xd, 0, (c) => (c.xcr0 = 0x80003))[1]).toBe(1088n);
    expect(cpuid(0xd, 19).slice(0, 2)).toEqual([128n, 960n]);
    // Subleaf 1: XSAVEOPT, XSAVEC, XGETBV(1), XSAVES; EBX the compacted size for XCR0 (APX packed at 576); no IA32_XSS bits.
    expect(cpuid(0xd, 1)).toEqual([0xfn, 576n, 0n, 0n]);
    expect(cpuid(0xd, 1, (c) => (c.xcr0 = 0x80003))[1]).toBe(704n);
  });
  it('extended leaves: LAHF, LZCNT; SYSCALL, NX, 1 GiB pages, RDTSCP, LM; 48-bit addresses; a brand string', () => {
    expect(cpuid(0x80000000)[0]).toBe(0x80000008n);
    const [, , c, d] = cpuid(0x80000001);
    expect(c).toBe(0x21n);
    expect(d).toBe(BigInt(((1 << 11) | (1 << 20) | (1 << 26) | (1 << 27) | (1 << 29)) >>> 0));
    expect(cpuid(0x80000008)[0]).toBe(0x3030n);
    const brand = [0, 1, 2].flatMap((k) => cpuid(0x80000002 + k));
    expect(ascii(...brand).replace(/\0+$/, '')).toBe('vdbg emulated x86-64 CPU');
  });
  it('missing leaves read as zeros; leaf 1 ignores ECX', () => {
    expect(cpuid(0x40000000)).toEqual([0n, 0n, 0n, 0n]);
    expect(cpuid(1, 5)).toEqual(cpuid(1, 0));
    expect(cpuidKey(0xd, 1)).toBe('d:1');
    expect(cpuidKey(0x80000001, 7)).toBe('80000001');
  });
});

const MSR = {
  TSC: 0x10, APIC_BASE: 0x1b, EFER: 0xc0000080, STAR: 0xc0000081, LSTAR: 0xc0000082, CSTAR: 0xc0000083,
  FMASK: 0xc0000084, FS_BASE: 0xc0000100, GS_BASE: 0xc0000101, KERNEL_GS_BASE: 0xc0000102, TSC_AUX: 0xc0000103, XSS: 0xda0,
};
function wrmsr(msr: number, v: bigint, setup: (c: Cpu) => void = () => {}) {
  return exec([...WRMSR, ...RDMSR], (c) => {
    c.setGpr(RCX, BigInt(msr));
    c.setGpr(RAX, (v & 0xffffffffn) | 0x5555_0000_0000n); // EAX/EDX use only their low halves
    c.setGpr(RDX, v >> 32n);
    setup(c);
  });
}
/** WRMSR then RDMSR; returns EDX:EAX read back. */
function roundTrip(msr: number, v: bigint): bigint {
  const { cpu, exit } = wrmsr(msr, v);
  expect(exit.reason).toBe(EXIT_HLT);
  expect(cpu.getGpr(RAX) >> 32n).toBe(0n);
  return (cpu.getGpr(RDX) << 32n) | cpu.getGpr(RAX);
}

describe('RDMSR / WRMSR', () => {
  it.each([
    ['STAR', MSR.STAR, 0x0023_0008_dead_beefn],
    ['LSTAR', MSR.LSTAR, 0xffff_8000_1234_5678n],
    ['CSTAR', MSR.CSTAR, 0x1000n],
    ['FMASK', MSR.FMASK, 0x47700n],
    ['FS_BASE', MSR.FS_BASE, 0x7fff_ffff_f000n],
    ['GS_BASE', MSR.GS_BASE, 0xffff_ffff_ffff_f000n],
    ['KERNEL_GS_BASE', MSR.KERNEL_GS_BASE, 0xffff_8880_0000_0000n],
    ['TSC_AUX', MSR.TSC_AUX, 0x12345678n],
    ['APIC_BASE', MSR.APIC_BASE, 0xfee00900n],
    ['EFER', MSR.EFER, 0xd01n],
    ['IA32_XSS (no supervisor components: 0 only)', MSR.XSS, 0n],
  ])('%s round-trips', (_n, msr, v) => {
    expect(roundTrip(msr, v)).toBe(v);
  });
  it('FS_BASE / GS_BASE are the segment bases', () => {
    const { cpu } = wrmsr(MSR.GS_BASE, 0x1234000n);
    expect(cpu.seg[SEG_GS].base).toBe(0x1234000);
    expect(wrmsr(MSR.FS_BASE, 0xffff_ffff_ffff_0000n).cpu.seg[SEG_FS].base).toBe(-0x10000);
  });
  it.each([
    ['non-canonical LSTAR', MSR.LSTAR, 0x0000_8000_0000_0000n],
    ['non-canonical KERNEL_GS_BASE', MSR.KERNEL_GS_BASE, 0x1234_0000_0000_0000n],
    ['non-canonical FS_BASE', MSR.FS_BASE, 0x8000_0000_0000_0000n],
    ['EFER reserved bit 1', MSR.EFER, 0xd03n],
    ['EFER SVME (not implemented)', MSR.EFER, 0x1d01n],
    ['EFER.LME cleared while paging', MSR.EFER, 0xc01n],
    ['FMASK bits 63:32', MSR.FMASK, 1n << 32n],
    ['TSC_AUX bits 63:32', MSR.TSC_AUX, 1n << 32n],
    ['APIC_BASE x2APIC enable', MSR.APIC_BASE, 0xfee00d00n],
    ['an unknown MSR', 0x1a0, 0n],
    ['IA32_XSS any bit (no supervisor components)', MSR.XSS, 1n << 8n],
  ])('WRMSR %s → #GP(0)', (_n, msr, v) => {
    const { cpu, exit } = wrmsr(msr, v);
    expect([exit.reason, exit.vector, exit.errorCode]).toEqual([EXIT_EXCEPTION, GP, 0]);
    expect(cpu.rip).toBe(CODE);
  });
  it('EFER.LMA is read-only: writing it clear keeps it', () => {
    expect(roundTrip(MSR.EFER, 0x901n)).toBe(0xd01n);
  });
  it('EFER.NXE = 0 turns NX off in the MMU', () => {
    const { cpu } = wrmsr(MSR.EFER, 0x501n);
    expect(cpu.efer).toBe(0x501);
    expect(cpu.mmu.nxe).toBe(false);
  });
  it('RDMSR of an unknown MSR is #GP(0)', () => {
    const { exit } = exec(RDMSR, (c) => c.setGpr(RCX, 0x1a0n));
    expect([exit.vector, exit.errorCode]).toEqual([GP, 0]);
  });
});

describe('TSC', () => {
  it('RDTSC counts retired instructions (deterministic); WRMSR TSC sets the offset', () => {
    const { cpu } = exec([0x90, 0x90, ...RDTSC]);
    expect(cpu.getGpr(RAX)).toBe(2n);
    const w = exec([...WRMSR, 0x90, ...RDTSC], (c) => {
      c.setGpr(RCX, 0x10n);
      c.setGpr(RAX, 0n);
      c.setGpr(RDX, 1n); // TSC = 2^32
    }).cpu;
    expect((w.getGpr(RDX) << 32n) | w.getGpr(RAX)).toBe((1n << 32n) + 1n);
  });
  it('RDTSCP also returns TSC_AUX in ECX', () => {
    const { cpu } = exec(RDTSCP, (c) => {
      c.tscAux = 7;
      c.setGpr(RCX, -1n & 0xffffffffffffffffn);
    });
    expect(cpu.getGpr(RCX)).toBe(7n);
    expect(cpu.getGpr(RAX)).toBe(0n);
  });
});
