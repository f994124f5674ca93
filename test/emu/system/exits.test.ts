/**
 * VM-exit conditions (exits.ts): each exit reason with its qualification,
 * RIP at the exiting instruction (not executed) and its length, and the
 * exceptions that take priority over an exit.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import {
  EXIT_CPUID, EXIT_DR_ACCESS, EXIT_EXCEPTION, EXIT_HLT, EXIT_IO, EXIT_RDMSR, EXIT_STOP, EXIT_WRMSR, EXIT_XSETBV,
} from '../../../src/emu/exits.ts';
import { BP, DB, GP, UD } from '../../../src/emu/fault.ts';
import { RAX, RCX, RDX } from '../../../src/emu/regs.ts';
import { CODE, makeMachine } from '../machine.ts';
import { enterUser } from './helpers.ts';

function exec(code: number[], setup: (cpu: Cpu) => void = () => {}) {
  const cpu = makeMachine([...code, 0xf4]);
  setup(cpu);
  const exit = cpu.run(10);
  return { cpu, exit };
}

describe('I/O exits', () => {
  it.each([
    ['out 0x80, al', [0xe6, 0x80], 0x80, 1, true, 0x44],
    ['out 0x80, ax', [0x66, 0xe7, 0x80], 0x80, 2, true, 0x3344],
    ['out 0x80, eax', [0xe7, 0x80], 0x80, 4, true, 0x11223344],
    ['out dx, al', [0xee], 0x3f8, 1, true, 0x44],
    ['out dx, eax', [0xef], 0x3f8, 4, true, 0x11223344],
    ['in al, 0x60', [0xe4, 0x60], 0x60, 1, false, 0],
    ['in ax, dx', [0x66, 0xed], 0x3f8, 2, false, 0],
    ['in eax, dx', [0xed], 0x3f8, 4, false, 0],
  ] as [string, number[], number, number, boolean, number][])('%s', (_n, code, port, size, out, value) => {
    const { cpu, exit } = exec(code, (c) => {
      c.setGpr(RAX, 0xaabbccdd11223344n);
      c.setGpr(RDX, 0x103f8n);
    });
    expect(exit.reason).toBe(EXIT_IO);
    expect([exit.port, exit.size, exit.out, exit.value, exit.insnLen]).toEqual([port, size, out, value, code.length]);
    expect(cpu.rip).toBe(CODE);
    expect(cpu.getGpr(RAX)).toBe(0xaabbccdd11223344n);
  });

  it('without I/O exiting the bus completes IN/OUT (32-bit IN zero-extends, 8/16-bit merge)', () => {
    const log: [number, number, number][] = [];
    const { cpu } = exec([0xe6, 0x80, 0x66, 0xe5, 0x60, 0xed], (c) => { // out 0x80,al ; in ax,0x60 ; in eax,dx
      c.ctl.io = false;
      c.io = { in: (p, s) => (p === 0x60 ? 0xbeef : 0x87654321), out: (p, s, v) => void log.push([p, s, v]) };
      c.setGpr(RAX, 0xffffffffffffff12n);
      c.setGpr(RDX, 0x71n);
    });
    expect(log).toEqual([[0x80, 1, 0x12]]);
    expect(cpu.getGpr(RAX)).toBe(0x87654321n);
    expect(cpu.rip).toBe(CODE + 6);
  });
});

describe('instruction exits', () => {
  it('HLT', () => {
    const { cpu, exit } = exec([0x90]);
    expect([exit.reason, exit.insnLen, cpu.rip]).toEqual([EXIT_HLT, 1, CODE + 1]);
  });
  it('CPUID with CPUID exiting', () => {
    const { cpu, exit } = exec([0x0f, 0xa2], (c) => (c.ctl.cpuid = true));
    expect([exit.reason, exit.insnLen, cpu.rip]).toEqual([EXIT_CPUID, 2, CODE]);
  });
  it('RDMSR/WRMSR of unknown MSRs with MSR exiting; known MSRs are handled by the CPU', () => {
    const r = exec([0x0f, 0x32], (c) => { c.ctl.msr = true; c.setGpr(RCX, 0x6e0n); });
    expect([r.exit.reason, r.exit.insnLen, r.cpu.rip]).toEqual([EXIT_RDMSR, 2, CODE]);
    const w = exec([0x0f, 0x30], (c) => { c.ctl.msr = true; c.setGpr(RCX, 0x6e0n); });
    expect([w.exit.reason, w.cpu.rip]).toEqual([EXIT_WRMSR, CODE]);
    const k = exec([0x0f, 0x32], (c) => { c.ctl.msr = true; c.setGpr(RCX, 0xc0000080n); });
    expect(k.exit.reason).toBe(EXIT_HLT);
  });
  it('MOV DR with MOV-DR exiting reports dr, direction and GPR — before DR7.GD', () => {
    // 41 0f 23 c3  mov dr3, r11 ; 0f 21 fa  mov rdx, dr7
    const a = exec([0x41, 0x0f, 0x23, 0xdb], (c) => { c.ctl.movDr = true; c.dr7 = 0x2400; });
    expect([a.exit.reason, a.exit.dr, a.exit.toDr, a.exit.gpr, a.exit.insnLen, a.cpu.rip]).toEqual([EXIT_DR_ACCESS, 3, true, 11, 4, CODE]);
    const b = exec([0x0f, 0x21, 0xfa], (c) => (c.ctl.movDr = true));
    expect([b.exit.dr, b.exit.toDr, b.exit.gpr]).toEqual([7, false, 2]);
  });
  it('MOV DR: #UD (DR4 with CR4.DE) and #GP (CPL 3) come before the exit', () => {
    const u = exec([0x0f, 0x21, 0xe0], (c) => { c.ctl.movDr = true; c.cr4 |= 8; });
    expect([u.exit.reason, u.exit.vector]).toEqual([EXIT_EXCEPTION, UD]);
    const g = exec([0x0f, 0x21, 0xc0], (c) => { c.ctl.movDr = true; enterUser(c, CODE, 0x280000); });
    expect([g.exit.reason, g.exit.vector]).toEqual([EXIT_EXCEPTION, GP]);
  });
  it('XSETBV with XSETBV exiting (even with an invalid value); #UD without CR4.OSXSAVE first', () => {
    const x = exec([0x0f, 0x01, 0xd1], (c) => { c.ctl.xsetbv = true; c.setGpr(RAX, 0n); });
    expect([x.exit.reason, x.exit.insnLen, x.cpu.rip, x.cpu.xcr0]).toEqual([EXIT_XSETBV, 3, CODE, 3]);
    const u = exec([0x0f, 0x01, 0xd1], (c) => { c.ctl.xsetbv = true; c.cr4 &= ~0x40000; });
    expect(u.exit.vector).toBe(UD);
  });
});

describe('exception exits', () => {
  it('INT3 with #BP intercepted: RIP at the INT3, length 1, soft', () => {
    const { cpu, exit } = exec([0x90, 0xcc]);
    expect([exit.reason, exit.vector, exit.errorCode, exit.soft, exit.insnLen, cpu.rip]).toEqual([EXIT_EXCEPTION, BP, -1, true, 1, CODE + 1]);
  });
  it('INT1 with #DB intercepted: RIP at it, length 1, soft, qualification 0', () => {
    const { cpu, exit } = exec([0xf1]);
    expect([exit.vector, exit.soft, exit.insnLen, exit.qual, cpu.rip]).toEqual([DB, true, 1, 0, CODE]);
  });
  it('a hardware exception exit has insnLen 0 and no soft flag', () => {
    const { exit } = exec([0x0f, 0x0b]);
    expect([exit.vector, exit.soft, exit.insnLen]).toEqual([UD, false, 0]);
  });
  it('requestStop() exits with EXIT_STOP before the next instruction', () => {
    const cpu = makeMachine([0x90, 0x90, 0xf4]);
    cpu.requestStop();
    expect(cpu.run(10).reason).toBe(EXIT_STOP);
    expect(cpu.rip).toBe(CODE);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
  });
});
