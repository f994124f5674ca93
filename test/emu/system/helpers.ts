/**
 * Helpers for the system-instruction tests: IDT gates, TSS stack pointers,
 * entering CPL 3 on the test machine (machine.ts), poking bytes.
 */
import type { Cpu } from '../../../src/emu/cpu.ts';
import { SEG_CS, SEG_DS, SEG_ES, SEG_SS } from '../../../src/emu/insn.ts';
import { RSP } from '../../../src/emu/regs.ts';
import { GDT_BASE, IDT_BASE, TSS_BASE } from '../machine.ts';

export const KCODE = 0x08, KDATA = 0x10, UDATA = 0x1b, UCODE = 0x23, TSS_SEL = 0x28;

export interface GateOptions {
  ist?: number;
  dpl?: number;
  /** 0xE interrupt gate (clears IF), 0xF trap gate. */
  type?: number;
  present?: boolean;
  selector?: number;
}

/** Write a 64-bit IDT gate for `vector` pointing at `target`. */
export function setGate(cpu: Cpu, vector: number, target: number, o: GateOptions = {}): void {
  const dv = cpu.mem.dv;
  const a = IDT_BASE + vector * 16;
  const sel = o.selector ?? KCODE;
  const attr = ((o.present ?? true) ? 0x80 : 0) | ((o.dpl ?? 0) << 5) | (o.type ?? 0xe);
  dv.setUint32(a, ((sel << 16) | (target & 0xffff)) >>> 0, true);
  dv.setUint32(a + 4, ((target & 0xffff0000) | (attr << 8) | (o.ist ?? 0)) >>> 0, true);
  dv.setUint32(a + 8, Math.floor(target / 2 ** 32) >>> 0, true);
  dv.setUint32(a + 12, 0, true);
}

/** TSS.RSP0 (n = 0..2) or TSS.ISTn (ist = 1..7). */
export function setTssRsp(cpu: Cpu, n: number, rsp: number): void {
  cpu.mem.dv.setBigUint64(TSS_BASE + 4 + 8 * n, BigInt(rsp), true);
}
export function setTssIst(cpu: Cpu, ist: number, rsp: number): void {
  cpu.mem.dv.setBigUint64(TSS_BASE + 0x24 + 8 * (ist - 1), BigInt(rsp), true);
}

export function poke(cpu: Cpu, addr: number, bytes: ArrayLike<number>): void {
  cpu.mem.u8.set(Array.from(bytes), addr);
}
export function peek64(cpu: Cpu, addr: number): bigint {
  return cpu.mem.dv.getBigUint64(addr, true);
}
export function poke64(cpu: Cpu, addr: number, v: bigint): void {
  cpu.mem.dv.setBigUint64(addr, BigInt.asUintN(64, v), true);
}

/** Load a segment register from the test GDT (hidden part from the descriptor in memory). */
export function loadSeg(cpu: Cpu, seg: number, sel: number): void {
  const dv = cpu.mem.dv;
  const off = GDT_BASE + (sel & 0xfff8);
  cpu.seg[seg].loadDescriptor(sel, dv.getUint32(off, true) | 0, dv.getUint32(off + 4, true) | 0);
}

/** Switch the machine to CPL 3 at `rip` with stack `rsp` (user code 0x23, user data 0x1b). */
export function enterUser(cpu: Cpu, rip: number, rsp: number): void {
  loadSeg(cpu, SEG_CS, UCODE);
  loadSeg(cpu, SEG_SS, UDATA);
  loadSeg(cpu, SEG_DS, UDATA);
  loadSeg(cpu, SEG_ES, UDATA);
  cpu.setCpl(3);
  cpu.updateSlow();
  cpu.rip = rip;
  cpu.r[2 * RSP] = rsp;
  cpu.r[2 * RSP + 1] = 0;
}

export const bytes = (...b: number[]): number[] => b;
