/**
 * Cpu.run(budget) never retires more than its budget — also when a fault
 * unwinds out of the fast loop part-way (the instructions it retired before
 * the fault count; they were lost once, and a run went on for a whole second
 * budget: time travel over the Linux decompressor's #PF handler overshot).
 */
import { describe, expect, it } from 'vitest';
import { CODE, makeMachine } from '../machine.ts';
import { poke, setGate } from './helpers.ts';

const HANDLER = 0x180000;
const NOP = 0x90;

describe('the instruction budget across a fault', () => {
  for (const budget of [11, 12, 15, 25]) {
    it(`budget ${budget}: ten NOPs, UD2 (#UD delivered), then the handler's NOPs — never more than the budget retired`, () => {
      const cpu = makeMachine([...Array(10).fill(NOP), 0x0f, 0x0b], { deliverExceptions: true });
      setGate(cpu, 6, HANDLER);
      poke(cpu, HANDLER, Array(64).fill(NOP));
      // Warm the fast loop first (decoded and linked), as in a long run.
      cpu.run(1);
      cpu.rip = CODE;
      cpu.icount = 0;
      cpu.run(budget);
      expect(cpu.icount).toBeLessThanOrEqual(budget);
      // Retired: the ten NOPs, then handler NOPs for the rest (the delivery takes one unit, retiring nothing).
      expect(cpu.icount).toBe(Math.min(budget, 10 + Math.max(0, budget - 11)));
    });
  }
});
