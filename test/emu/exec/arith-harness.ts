/**
 * Shared helpers for the arithmetic-family tests (alu, muldiv, shift, bits):
 * a reusable test machine per code sequence, register/memory set-up with
 * garbage in the bits an operation must not touch, and first-principles
 * reference helpers (BigInt) for results and flags.
 */
import { expect } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { CODE, DATA, STACK_TOP, makeMachine } from '../machine.ts';

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
export const ALL = CF | PF | AF | ZF | SF | OF;
export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4;
export { CODE, DATA };

export const ux = (v: bigint, bits: number): bigint => BigInt.asUintN(bits, v);
export const sx = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);
export const bit = (v: bigint, n: number): number => Number((v >> BigInt(n)) & 1n);
export const msb = (v: bigint, bits: number): number => bit(v, bits - 1);

/** PF: the low byte has an even number of set bits. */
export function pf(v: bigint): number {
  let n = 0;
  for (let k = 0; k < 8; k++) n += bit(v, k);
  return n % 2 === 0 ? PF : 0;
}
/** SF, ZF, PF of a result of `bits` width. */
export function szp(v: bigint, bits: number): number {
  const u = ux(v, bits);
  return (u === 0n ? ZF : 0) | (msb(u, bits) ? SF : 0) | pf(u);
}

/** Edge values per operand width: 0, 1, nibble/byte/half boundaries, sign boundaries, all ones. */
export const EDGES: Record<number, readonly bigint[]> = {
  8: [0n, 1n, 0x0fn, 0x10n, 0x7fn, 0x80n, 0x81n, 0xfen, 0xffn],
  16: [0n, 1n, 0x0fn, 0xffn, 0x7fffn, 0x8000n, 0x8001n, 0xfffen, 0xffffn],
  32: [0n, 1n, 0x0fn, 0xffffn, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffffen, 0xffffffffn],
  64: [
    0n, 1n, 0x0fn, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
    0x8000000000000001n, 0xfffffffffffffffen, 0xffffffffffffffffn, 0x123456789abcdef0n,
  ],
};

/** Garbage that must survive in the bits above an 8/16-bit register write. */
export const JUNK = 0xdeadbeefcafef00dn;

/** A register image of a `bits`-wide value: 8/16-bit writes keep the junk above. */
export function withJunk(v: bigint, bits: number): bigint {
  const m = (1n << BigInt(bits)) - 1n;
  return (JUNK & ~m & ((1n << 64n) - 1n)) | (v & m);
}
/** What a `bits`-wide register write of v leaves in a register that held `before`. */
export function afterWrite(before: bigint, v: bigint, bits: number): bigint {
  if (bits === 32) return ux(v, 32);
  if (bits === 64) return ux(v, 64);
  const m = (1n << BigInt(bits)) - 1n;
  return (before & ~m) | (v & m);
}

export interface Init {
  regs?: readonly (readonly [number, bigint])[];
  flags?: number;
  /** 16 bytes at DATA (little-endian), default JUNK twice. */
  mem?: bigint;
}

/** One machine per code sequence (followed by HLT), re-run with fresh state for each case. */
export class Bench {
  readonly cpu: Cpu;
  constructor(readonly code: readonly number[]) {
    this.cpu = makeMachine([...code, 0xf4], { memSize: 4 << 20 });
  }
  /** Run to the HLT; returns the exit (callers check exceptions themselves with runRaw). */
  runRaw(init: Init): ReturnType<Cpu['run']> {
    const cpu = this.cpu;
    for (let g = 0; g < 16; g++) setReg(cpu, g, JUNK ^ BigInt(g * 0x1111));
    setReg(cpu, RBX, BigInt(DATA));
    setReg(cpu, RSP, BigInt(STACK_TOP));
    for (const [g, v] of init.regs ?? []) setReg(cpu, g, v);
    cpu.writeRflags(0x2 | (init.flags ?? 0));
    poke(cpu, DATA, init.mem ?? (JUNK | (JUNK << 64n)), 16);
    cpu.rip = CODE;
    return cpu.run(100);
  }
  run(init: Init): Cpu {
    const exit = this.runRaw(init);
    if (exit.reason !== EXIT_HLT) {
      throw new Error(`expected HLT, got exit ${exit.reason} vector ${exit.reason === EXIT_EXCEPTION ? exit.vector : '-'}`);
    }
    return this.cpu;
  }
  /** Run expecting an exception exit with this vector; RIP must be at the instruction. */
  fault(init: Init, vector: number): Cpu {
    const exit = this.runRaw(init);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(vector);
    expect(this.cpu.rip).toBe(CODE);
    return this.cpu;
  }
}

export function setReg(cpu: Cpu, g: number, v: bigint): void {
  cpu.r[2 * g] = Number(BigInt.asIntN(32, v));
  cpu.r[2 * g + 1] = Number(BigInt.asIntN(32, v >> 32n));
}
export function getReg(cpu: Cpu, g: number): bigint {
  return (BigInt(cpu.r[2 * g + 1] >>> 0) << 32n) | BigInt(cpu.r[2 * g] >>> 0);
}
export function poke(cpu: Cpu, addr: number, v: bigint, size: number): void {
  for (let k = 0; k < size; k++) cpu.mem.u8[addr + k] = Number((v >> BigInt(8 * k)) & 0xffn);
}
export function peek(cpu: Cpu, addr: number, size: number): bigint {
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(cpu.mem.u8[addr + k]);
  return v;
}
/** The memory image at DATA after a `bits`-wide store of v over `before` (16 bytes). */
export function memAfter(before: bigint, v: bigint, bits: number): bigint {
  const m = (1n << BigInt(bits)) - 1n;
  return (before & ~m) | (v & m);
}
export function flagsOf(cpu: Cpu): number {
  return cpu.readRflags() & ALL;
}
/** Compare the flags in `mask`, with a readable message. */
export function expectFlags(cpu: Cpu, want: number, mask: number, what: string): void {
  const got = flagsOf(cpu) & mask;
  const exp = want & mask;
  if (got !== exp) expect.fail(`${what}: flags ${fmtFlags(got)} != expected ${fmtFlags(exp)} (mask ${fmtFlags(mask)})`);
}
export function fmtFlags(f: number): string {
  const names: [number, string][] = [[CF, 'CF'], [PF, 'PF'], [AF, 'AF'], [ZF, 'ZF'], [SF, 'SF'], [OF, 'OF']];
  return names.filter(([b]) => f & b).map(([, n]) => n).join('|') || '0';
}
export const hex = (v: bigint): string => '0x' + v.toString(16);
