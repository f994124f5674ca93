/**
 * SYSCALL/SYSRET (SDM Vol. 2 SYSCALL, SYSRET): the round trip CPL 3 → 0 → 3,
 * RCX/R11, STAR selectors and the fixed descriptor caches, FMASK, and the
 * #UD/#GP conditions; SYSRET without REX.W returns to compatibility mode,
 * which the run loop reports as unsupported.
 */
import { describe, expect, it } from 'vitest';
import { EXIT_EXCEPTION, EXIT_UNSUPPORTED } from '../../../src/emu/exits.ts';
import { GP, UD } from '../../../src/emu/fault.ts';
import { SEG_CS, SEG_SS } from '../../../src/emu/insn.ts';
import { RCX, gpr } from '../../../src/emu/regs.ts';
import { CODE, makeMachine } from '../machine.ts';
import { enterUser, poke } from './helpers.ts';

const KERNEL = 0x180000;
const SYSCALL = [0x0f, 0x05]; // syscall
const SYSRETQ = [0x48, 0x0f, 0x07]; // sysretq
const SYSRETD = [0x0f, 0x07]; // sysretd
const R11 = gpr(11);
const STAR = 0x0010_0008n << 32n; // SYSCALL CS 0x08 / SS 0x10; SYSRET base 0x10 → CS 0x23, SS 0x1b
const FMASK = 0x47700; // TF IF DF IOPL NT AC, as Linux

function machine(user: number[]) {
  const cpu = makeMachine([...user, 0xf4]); // … ; hlt
  cpu.star = STAR;
  cpu.lstar = KERNEL;
  cpu.fmask = FMASK;
  return cpu;
}

describe('SYSCALL / SYSRET', () => {
  it('round trip: CPL 3 → LSTAR at CPL 0 with RCX/R11 saved, then SYSRETQ back to CPL 3', () => {
    const cpu = machine(SYSCALL);
    poke(cpu, KERNEL, SYSRETQ);
    enterUser(cpu, CODE, 0x280000);
    cpu.writeRflags(0x2 | 0x200 | 0x100 | 0x1); // IF, TF, CF
    expect(cpu.run(1).reason).toBe(EXIT_EXCEPTION); // TF: the single-step #DB after SYSCALL
    expect(cpu.exit.vector).toBe(1);
    expect(cpu.cpl).toBe(0);
    expect(cpu.rip).toBe(KERNEL);
    expect(cpu.getGpr(RCX)).toBe(BigInt(CODE + 2));
    expect(cpu.getGpr(R11)).toBe(0x303n);
    expect(cpu.readRflags()).toBe(0x303 & ~FMASK);
    const cs = cpu.seg[SEG_CS], ss = cpu.seg[SEG_SS];
    expect([cs.selector, cs.type, cs.s, cs.dpl, cs.present, cs.l, cs.db, cs.g, cs.base, cs.limit]).toEqual(
      [0x08, 0xb, 1, 0, 1, 1, 0, 1, 0, 0xffffffff]);
    expect([ss.selector, ss.type, ss.dpl, ss.db, ss.g]).toEqual([0x10, 3, 0, 1, 1]);
    // SYSRETQ: RFLAGS from R11, CPL 3, CS 0x23, SS 0x1b, RIP = RCX. TF was clear
    // when SYSRET began, so its single-step trap comes after the next instruction.
    const exit = cpu.run(1);
    expect(exit.reason).toBe(0);
    expect(cpu.cpl).toBe(3);
    expect(cpu.rip).toBe(CODE + 2);
    expect(cpu.readRflags()).toBe(0x303);
    expect([cpu.seg[SEG_CS].selector, cpu.seg[SEG_CS].dpl, cpu.seg[SEG_CS].l]).toEqual([0x23, 3, 1]);
    expect([cpu.seg[SEG_SS].selector, cpu.seg[SEG_SS].dpl]).toEqual([0x1b, 3]);
  });

  it('SYSRET loads RFLAGS as (R11 & 3C7FD7H) | 2', () => {
    const cpu = machine([]);
    poke(cpu, CODE, SYSRETQ);
    cpu.setGpr(RCX, BigInt(CODE + 0x40));
    cpu.setGpr(R11, 0xffffffffn);
    cpu.run(1);
    expect(cpu.readRflags()).toBe((0xffffffff & 0x3c7fd7) | 2);
    expect(cpu.rip).toBe(CODE + 0x40);
  });

  it('SYSCALL is #UD with EFER.SCE clear', () => {
    const cpu = machine(SYSCALL);
    cpu.efer &= ~1;
    expect(cpu.run(10)).toMatchObject({ reason: EXIT_EXCEPTION, vector: UD });
    expect(cpu.rip).toBe(CODE);
  });

  it('SYSRET at CPL 3 is #GP(0)', () => {
    const cpu = machine(SYSRETQ);
    enterUser(cpu, CODE, 0x280000);
    expect(cpu.run(10)).toMatchObject({ vector: GP, errorCode: 0 });
    expect(cpu.cpl).toBe(3);
  });

  it('SYSRETQ with a non-canonical RCX is #GP(0) at CPL 0', () => {
    const cpu = machine(SYSRETQ);
    cpu.setGpr(RCX, 0x0000800000000000n);
    expect(cpu.run(10)).toMatchObject({ vector: GP, errorCode: 0 });
    expect(cpu.cpl).toBe(0);
    expect(cpu.rip).toBe(CODE);
  });

  it('SYSRET without REX.W enters compatibility mode, reported as EXIT_UNSUPPORTED', () => {
    const cpu = machine(SYSRETD);
    cpu.setGpr(RCX, 0x1234_00400000n); // EIP = 0x00400000 (the high half is dropped)
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_UNSUPPORTED);
    expect(cpu.rip).toBe(0x400000);
    expect([cpu.seg[SEG_CS].selector, cpu.seg[SEG_CS].l, cpu.seg[SEG_CS].db]).toEqual([0x13, 0, 1]);
  });
});
