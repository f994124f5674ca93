import { describe, expect, it } from 'vitest';
import { EXIT_EXCEPTION } from '../../src/emu/exits.ts';
import { UD } from '../../src/emu/fault.ts';
import { CODE, makeMachine } from './machine.ts';

describe('cpu skeleton', () => {
  it('raises #UD (as an exit) for an undefined opcode, with RIP at it', () => {
    const cpu = makeMachine([0x0f, 0x0b]); // ud2 (no handler bound yet) or 0x06 invalid in 64-bit
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(UD);
    expect(cpu.rip).toBe(CODE);
  });
  it('raises #UD for opcode 06 (invalid in 64-bit mode)', () => {
    const cpu = makeMachine([0x06]);
    expect(cpu.run(10).vector).toBe(UD);
  });
});

describe('hlt', () => {
  it('exits with HLT, RIP at the HLT and the instruction length reported', async () => {
    const { EXIT_HLT } = await import('../../src/emu/exits.ts');
    const cpu = makeMachine([0xf4]);
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_HLT);
    expect(exit.insnLen).toBe(1);
    expect(cpu.rip).toBe(CODE);
  });
});
