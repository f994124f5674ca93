/**
 * Privilege checks at CPL 3 (SDM Vol. 2, each instruction's exceptions):
 * privileged instructions are #GP(0) with RIP at the instruction and no
 * state change; IOPL-sensitive ones (CLI/STI/IN/OUT) pass with IOPL 3;
 * unprivileged system instructions run.
 */
import { describe, expect, it } from 'vitest';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP } from '../../../src/emu/fault.ts';
import { RAX, RCX } from '../../../src/emu/regs.ts';
import { CODE, DATA, makeMachine } from '../machine.ts';
import { enterUser } from './helpers.ts';

const PRIVILEGED: [string, number[]][] = [
  ['mov rax, cr0', [0x0f, 0x20, 0xc0]],
  ['mov cr0, rax', [0x0f, 0x22, 0xc0]],
  ['mov rax, cr3', [0x0f, 0x20, 0xd8]],
  ['mov cr8, r8', [0x45, 0x0f, 0x22, 0xc0]],
  ['mov rax, dr7', [0x0f, 0x21, 0xf8]],
  ['mov dr0, rax', [0x0f, 0x23, 0xc0]],
  ['hlt', [0xf4]],
  ['wrmsr', [0x0f, 0x30]],
  ['rdmsr', [0x0f, 0x32]],
  ['cli (IOPL 0)', [0xfa]],
  ['sti (IOPL 0)', [0xfb]],
  ['in al, 0x60', [0xe4, 0x60]],
  ['out 0x80, al', [0xe6, 0x80]],
  ['in eax, dx', [0xed]],
  ['out dx, ax', [0x66, 0xef]],
  ['lgdt [rax]', [0x0f, 0x01, 0x10]],
  ['lidt [rax]', [0x0f, 0x01, 0x18]],
  ['ltr ax', [0x0f, 0x00, 0xd8]],
  ['lldt ax', [0x0f, 0x00, 0xd0]],
  ['invlpg [rax]', [0x0f, 0x01, 0x38]],
  ['swapgs', [0x0f, 0x01, 0xf8]],
  ['clts', [0x0f, 0x06]],
  ['invd', [0x0f, 0x08]],
  ['wbinvd', [0x0f, 0x09]],
  ['xsetbv', [0x0f, 0x01, 0xd1]],
  ['sysretq', [0x48, 0x0f, 0x07]],
];

function user(code: number[]) {
  const cpu = makeMachine(code);
  enterUser(cpu, CODE, 0x280000);
  cpu.setGpr(RAX, BigInt(DATA));
  cpu.setGpr(RCX, 0n);
  cpu.r[2 * 2] = 0x60; // DX
  return cpu;
}

describe('privileged instructions at CPL 3', () => {
  it.each(PRIVILEGED)('%s → #GP(0), RIP at the instruction', (_name, code) => {
    const cpu = user(code);
    const before = cpu.r.slice();
    const flags = cpu.readRflags();
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect([exit.vector, exit.errorCode]).toEqual([GP, 0]);
    expect(cpu.rip).toBe(CODE);
    expect(Array.from(cpu.r)).toEqual(Array.from(before));
    expect(cpu.readRflags()).toBe(flags);
  });
});

describe('IOPL-sensitive instructions with IOPL 3', () => {
  it.each([
    ['cli', [0xfa]],
    ['sti', [0xfb]],
    ['in al, 0x60', [0xe4, 0x60]],
    ['out dx, al', [0xee]],
  ] as [string, number[]][])('%s runs at CPL 3', (_n, code) => {
    const cpu = user([...code, 0xf4]);
    cpu.writeRflags(0x3002);
    cpu.ctl.io = false;
    const exit = cpu.run(10);
    expect([exit.reason, exit.vector]).toEqual([EXIT_EXCEPTION, GP]); // from the HLT after it
    expect(cpu.rip).toBe(CODE + code.length);
  });
});

describe('unprivileged system instructions at CPL 3', () => {
  it.each([
    ['sgdt [rax]', [0x0f, 0x01, 0x00]],
    ['sidt [rax]', [0x0f, 0x01, 0x08]],
    ['str eax', [0x0f, 0x00, 0xc8]],
    ['sldt eax', [0x0f, 0x00, 0xc0]],
    ['cpuid', [0x0f, 0xa2]],
    ['rdtsc', [0x0f, 0x31]],
    ['rdtscp', [0x0f, 0x01, 0xf9]],
    ['xgetbv', [0x0f, 0x01, 0xd0]],
  ] as [string, number[]][])('%s runs', (_n, code) => {
    const cpu = user([...code, 0xf4]);
    cpu.run(10);
    expect(cpu.rip).toBe(CODE + code.length);
  });

  it('RDTSC is #GP(0) at CPL 3 when CR4.TSD is set, and runs at CPL 0', () => {
    const cpu = user([0x0f, 0x31]);
    cpu.cr4 |= 4;
    expect(cpu.run(10)).toMatchObject({ vector: GP, errorCode: 0 });
    const k = makeMachine([0x0f, 0x31, 0xf4]);
    k.cr4 |= 4;
    expect(k.run(10).reason).toBe(EXIT_HLT);
  });
});
