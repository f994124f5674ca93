/**
 * Shared helpers for the data-movement / stack / control / string / flag-op
 * tests: run real machine code on the test machine and read the results back
 * as BigInts.
 */
import { expect } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { CODE, PD, STACK_TOP, makeMachine } from '../machine.ts';

export const M64 = (1n << 64n) - 1n;
export const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

export function set(cpu: Cpu, g: number, v: bigint): void {
  cpu.r[2 * g] = Number(BigInt.asIntN(32, v));
  cpu.r[2 * g + 1] = Number(BigInt.asIntN(32, v >> 32n));
}
export function get(cpu: Cpu, g: number): bigint {
  return (BigInt(cpu.r[2 * g + 1] >>> 0) << 32n) | BigInt(cpu.r[2 * g] >>> 0);
}

/** Physical = linear in the test machine's identity map. */
export function poke(cpu: Cpu, addr: number, v: bigint, size = 8): void {
  for (let k = 0; k < size; k++) cpu.mem.u8[addr + k] = Number((v >> BigInt(8 * k)) & 0xffn);
}
export function peek(cpu: Cpu, addr: number, size = 8): bigint {
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(cpu.mem.u8[addr + k]);
  return v;
}

/** Unmap the 2 MiB page at `addr` (clears its PD entry; the test machine maps the first 1 GiB). */
export function unmap2M(cpu: Cpu, addr: number): void {
  cpu.mem.dv.setUint32(PD + Math.floor(addr / 0x200000) * 8, 0, true);
  cpu.mmu.flushTlb();
}

/** A machine with `code` followed by HLT, after `setup`. */
export function machine(code: readonly number[], setup?: (cpu: Cpu) => void): Cpu {
  const cpu = makeMachine([...code, 0xf4]);
  setup?.(cpu);
  return cpu;
}

/** Run `code` + HLT to the HLT; fails on any other exit. */
export function run(code: readonly number[], setup?: (cpu: Cpu) => void): Cpu {
  const cpu = machine(code, setup);
  const exit = cpu.run(100_000);
  if (exit.reason !== EXIT_HLT) {
    throw new Error(`expected HLT, got ${exit.name} vector ${exit.vector} at 0x${cpu.rip.toString(16)}`);
  }
  expect(cpu.rip).toBe(CODE + code.length);
  return cpu;
}

/** Run `code` + HLT expecting an exception exit with `vector`; RIP must be at the faulting instruction `at` (offset). */
export function runFault(code: readonly number[], vector: number, at: number, setup?: (cpu: Cpu) => void): Cpu {
  const cpu = machine(code, setup);
  const exit = cpu.run(100_000);
  expect(exit.reason).toBe(EXIT_EXCEPTION);
  expect(exit.vector).toBe(vector);
  expect(cpu.rip).toBe(CODE + at);
  return cpu;
}

/** The condition codes of SDM Vol. 1 Appendix B from RFLAGS bits (the reference for Jcc/SETcc/CMOVcc). */
export function condRef(flags: number, cc: number): boolean {
  const cf = (flags & 1) !== 0, pf = (flags & 4) !== 0, zf = (flags & 0x40) !== 0;
  const sf = (flags & 0x80) !== 0, of = (flags & 0x800) !== 0;
  const base = [of, cf, zf, cf || zf, sf, pf, sf !== of, zf || sf !== of][cc >> 1];
  return (cc & 1) === 0 ? base : !base;
}

/** Flag combinations that separate all 16 conditions. */
export const FLAG_CASES = [
  0, 0x1, 0x4, 0x40, 0x80, 0x800, 0x41, 0x880, 0x8c0, 0x801, 0xc5, 0x8d5,
];

/** A distinct 64-bit pattern per GPR (every byte non-zero, sign bits set), the start value of a case. */
export function pat(n: number): bigint {
  return u64(0xf0e1d2c3b4a59687n + BigInt(n) * 0x0102030405060708n);
}

export interface Case {
  asm: string;
  code: readonly number[];
  /** Start values overriding pat(n) (RSP defaults to STACK_TOP). */
  regs?: Readonly<Record<number, bigint>>;
  /** RFLAGS before the run. */
  flags?: number;
  /** [address, value, size] written before the run. */
  mem?: readonly (readonly [number, bigint, number])[];
  /** Expected GPRs; every GPR not named must keep its start value. */
  want?: Readonly<Record<number, bigint>>;
  wantMem?: readonly (readonly [number, bigint, number])[];
}

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

export function startRegs(c: Case): bigint[] {
  return NAMES.map((_, n) => c.regs?.[n] ?? (n === 4 ? BigInt(STACK_TOP) : pat(n)));
}

/** Run a case to its HLT and compare all 16 GPRs and the listed memory. Returns the CPU. */
export function checkCase(c: Case): Cpu {
  const init = startRegs(c);
  const cpu = run(c.code, (m) => {
    init.forEach((v, n) => set(m, n, v));
    if (c.flags !== undefined) m.writeRflags(c.flags);
    for (const [a, v, s] of c.mem ?? []) poke(m, a, v, s);
  });
  NAMES.forEach((name, n) => {
    const want = c.want?.[n] ?? init[n];
    expect(get(cpu, n).toString(16), `${c.asm}: ${name}`).toBe(u64(want).toString(16));
  });
  for (const [a, v, s] of c.wantMem ?? []) {
    expect(peek(cpu, a, s).toString(16), `${c.asm}: mem[0x${a.toString(16)}]`).toBe(v.toString(16));
  }
  return cpu;
}

// Sized-write references (SDM Vol. 1 §3.4.1.1): 8/16-bit writes merge, 32-bit writes zero-extend.
export const w8 = (old: bigint, v: bigint): bigint => (old & ~0xffn) | (v & 0xffn);
export const w8h = (old: bigint, v: bigint): bigint => (old & ~0xff00n) | ((v & 0xffn) << 8n);
export const w16 = (old: bigint, v: bigint): bigint => (old & ~0xffffn) | (v & 0xffffn);
export const w32 = (v: bigint): bigint => v & 0xffffffffn;
export const sx = (v: bigint, bits: number): bigint => u64(BigInt.asIntN(bits, v));
