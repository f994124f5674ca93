/**
 * CLC/STC/CMC/CLD/STD, LAHF/SAHF, PUSHF(Q)/POPF(Q) with the SDM POPF rules by
 * CPL and IOPL. Encodings (as --64): f8 clc, f9 stc, f5 cmc, fc cld, fd std,
 * 9f lahf, 9e sahf, 9c pushfq, 9d popfq, 66 9c pushfw, 66 9d popfw.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_BUDGET } from '../../../src/emu/exits.ts';
import { DB } from '../../../src/emu/fault.ts';
import { ADD, setLazy } from '../../../src/emu/flags.ts';
import { CODE, STACK_TOP } from '../machine.ts';
import { FLAG_CASES, get, machine, pat, peek, poke, run, set } from './dm-harness.ts';

const RAX = 0, RSP = 4;
const T = STACK_TOP;
const STATUS = 0x8d5; // OF SF ZF AF PF CF
const CF = 1, TF = 0x100, IF = 0x200, DF = 0x400, IOPL = 0x3000, NT = 0x4000;
const RF = 0x10000, VM = 0x20000, AC = 0x40000, VIF = 0x80000, VIP = 0x100000, ID = 0x200000;

/** Run exactly `n` instructions (CPL 3 cannot use HLT). */
function runN(code: number[], n: number, setup: (cpu: Cpu) => void): Cpu {
  const cpu = machine(code, setup);
  expect(cpu.run(n).reason).toBe(EXIT_BUDGET);
  expect(cpu.rip).toBe(CODE + code.length);
  return cpu;
}

describe('clc / stc / cmc / cld / std', () => {
  for (const f of FLAG_CASES) {
    it(`flags 0x${f.toString(16)}`, () => {
      for (const [op, want] of [[0xf8, f & ~CF], [0xf9, f | CF], [0xf5, f ^ CF]] as const) {
        const cpu = run([op], (m) => m.writeRflags(f | 2));
        expect(cpu.readRflags() & STATUS).toBe(want);
      }
    });
  }
  it('keep lazily computed flags (after an ADD state) other than CF', () => {
    // f5 cmc after 0x7f + 1 at 8 bits: OF SF AF set, CF clear
    const cpu = run([0xf5], (m) => setLazy(m.fl, ADD, 8, 0x80, 0, 0x7f, 0, 1, 0));
    expect(cpu.readRflags() & STATUS).toBe(0x800 | 0x80 | 0x10 | CF);
  });
  it('cld / std set DF only', () => {
    let cpu = run([0xfd], (m) => m.writeRflags(STATUS | 2));
    expect(cpu.readRflags()).toBe(STATUS | 2 | DF);
    cpu = run([0xfc], (m) => m.writeRflags(STATUS | DF | 2));
    expect(cpu.readRflags()).toBe(STATUS | 2);
  });
});

describe('lahf / sahf', () => {
  for (const f of FLAG_CASES) {
    it(`flags 0x${f.toString(16)}`, () => {
      // 9f lahf: AH = SF:ZF:0:AF:0:PF:1:CF
      let cpu = run([0x9f], (m) => {
        m.writeRflags(f | 2);
        set(m, RAX, pat(RAX));
      });
      expect(get(cpu, RAX)).toBe((pat(RAX) & ~0xff00n) | (BigInt((f & 0xd5) | 2) << 8n));
      // 9e sahf: SF ZF AF PF CF from AH, OF kept
      for (const ah of [0x00, 0xff, 0xd5, 0x2a, 0x41]) {
        cpu = run([0x9e], (m) => {
          m.writeRflags(f | 2);
          set(m, RAX, BigInt(ah << 8));
        });
        expect(cpu.readRflags()).toBe((f & 0x800) | (ah & 0xd5) | 2);
      }
    });
  }
});

describe('pushf', () => {
  it('pushfq stores RFLAGS with VM and RF cleared', () => {
    const cpu = runN([0x9c], 1, (m) => {
      m.writeRflags(0x8d5 | DF | AC | ID | NT | IOPL | VIF | VIP | 2);
      m.flagsOther |= VM | RF;
    });
    expect(get(cpu, RSP)).toBe(BigInt(T - 8));
    expect(peek(cpu, T - 8)).toBe(BigInt(0x8d5 | DF | AC | ID | NT | IOPL | VIF | VIP | 2));
  });
  it('pushfw stores FLAGS (16 bits)', () => {
    const cpu = run([0x66, 0x9c], (m) => m.writeRflags(0x8d5 | DF | NT | IOPL | AC | ID | 2));
    expect(get(cpu, RSP)).toBe(BigInt(T - 2));
    expect(peek(cpu, T - 2, 2)).toBe(BigInt(0x8d5 | DF | NT | IOPL | 2));
    expect(peek(cpu, T, 8)).toBe(0n);
  });
});

/** SDM POPF, 64-bit mode, VM = 0: the new RFLAGS for a popped value. */
function popfRef(old: number, v: number, cpl: number, wide: boolean): number {
  let changeable = 0x8d5 | TF | IF | DF | IOPL | NT | (wide ? AC | ID : 0);
  if (cpl > 0) changeable &= ~IOPL;
  if (cpl > (old & IOPL) >> 12) changeable &= ~IF;
  const mask = wide ? changeable : changeable & 0xffff;
  let r = (v & mask) | (old & ~mask);
  if (wide) r &= ~RF;
  return (r & 0x3f7fd5) | 2;
}

describe('popf', () => {
  const OLD = [0x2 | IF, 0x2, 0x2 | IOPL | IF | VIF | VIP | AC, 0x2 | 0x1000 | DF | 0x8d5, 0x2 | 0x2000 | IF | ID];
  const VALUES = [0, 0xffffffff, 0x2 | IOPL | IF, 0x8d5 | DF | AC | ID | NT, 0x0 | RF | VM | VIF | VIP, 0x1000 | IF];
  for (const cpl of [0, 3]) {
    it(`popfq at CPL ${cpl}`, () => {
      for (const old of OLD) {
        for (const v of VALUES) {
          const cpu = runN([0x9d], 1, (m) => {
            m.setCpl(cpl);
            m.writeRflags(old);
            poke(m, T, BigInt(v >>> 0) | 0xffffffff00000000n);
          });
          expect(cpu.readRflags(), `old 0x${old.toString(16)} popped 0x${v.toString(16)}`).toBe(popfRef(old, v, cpl, true));
          expect(get(cpu, RSP)).toBe(BigInt(T + 8));
        }
      }
    });
    it(`popfw at CPL ${cpl} changes bits 15:0 only`, () => {
      for (const old of OLD) {
        for (const v of VALUES) {
          const cpu = runN([0x66, 0x9d], 1, (m) => {
            m.setCpl(cpl);
            m.writeRflags(old);
            poke(m, T, BigInt(v & 0xffff), 2);
          });
          expect(cpu.readRflags(), `old 0x${old.toString(16)} popped 0x${v.toString(16)}`).toBe(popfRef(old, v & 0xffff, cpl, false));
          expect(get(cpu, RSP)).toBe(BigInt(T + 2));
        }
      }
    });
  }
  it('pushfq; popfq round-trips', () => {
    const f = 0x8d5 | DF | AC | 2;
    const cpu = run([0x9c, 0x9d], (m) => m.writeRflags(f));
    expect(cpu.readRflags()).toBe(f);
    expect(get(cpu, RSP)).toBe(BigInt(T));
  });
  it('setting TF traps after the next instruction (9d popfq, 90 nop, 90 nop)', () => {
    const cpu = machine([0x9d, 0x90, 0x90], (m) => poke(m, T, BigInt(TF | 2)));
    const exit = cpu.run(100);
    expect(exit.vector).toBe(DB);
    expect(exit.qual & 0x4000).toBe(0x4000);
    expect(cpu.rip).toBe(CODE + 2);
  });
});
