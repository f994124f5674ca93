/**
 * Descriptor tables and segment loads in 64-bit mode (SDM Vol. 2 LGDT/LIDT,
 * SGDT/SIDT, LTR, STR, LLDT, SLDT, SWAPGS, MOV Sreg): 10-byte table
 * operands, the TSS busy bit, the selector checks and their error codes.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP, NP, SS, UD } from '../../../src/emu/fault.ts';
import { SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS } from '../../../src/emu/insn.ts';
import { RAX, RBX, RCX, RDX } from '../../../src/emu/regs.ts';
import { CODE, DATA, GDT_BASE, TSS_BASE, makeMachine } from '../machine.ts';
import { enterUser, peek64, poke64 } from './helpers.ts';

function exec(code: number[], setup: (cpu: Cpu) => void = () => {}) {
  const cpu = makeMachine([...code, 0xf4]);
  setup(cpu);
  return { cpu, exit: cpu.run(10) };
}
function fault(code: number[], setup: (cpu: Cpu) => void, vector: number, ec: number) {
  const { cpu, exit } = exec(code, setup);
  expect([exit.reason, exit.vector, exit.errorCode]).toEqual([EXIT_EXCEPTION, vector, ec]);
  expect(cpu.rip).toBe(CODE);
  return cpu;
}

describe('LGDT / SGDT / LIDT / SIDT', () => {
  // 0f 01 13 lgdt [rbx] ; 0f 01 43 10 sgdt [rbx+0x10]
  it('load a 2-byte limit and 8-byte base; store them back as 10 bytes', () => {
    const { cpu, exit } = exec([0x0f, 0x01, 0x13, 0x0f, 0x01, 0x43, 0x10], (c) => {
      c.mem.dv.setUint16(DATA, 0x1ff, true);
      poke64(c, DATA + 2, 0xffff_8000_0000_5000n);
      c.setGpr(RBX, BigInt(DATA));
    });
    expect(exit.reason).toBe(EXIT_HLT);
    expect([cpu.gdtr.limit, cpu.gdtr.base]).toEqual([0x1ff, -0x800000000000 + 0x5000]);
    expect(cpu.mem.dv.getUint16(DATA + 16, true)).toBe(0x1ff);
    expect(peek64(cpu, DATA + 18)).toBe(0xffff_8000_0000_5000n);
  });
  it('LIDT / SIDT', () => {
    // 0f 01 1b lidt [rbx] ; 0f 01 4b 10 sidt [rbx+0x10]
    const { cpu } = exec([0x0f, 0x01, 0x1b, 0x0f, 0x01, 0x4b, 0x10], (c) => {
      c.mem.dv.setUint16(DATA, 0xfff, true);
      poke64(c, DATA + 2, 0x9000n);
      c.setGpr(RBX, BigInt(DATA));
    });
    expect([cpu.idtr.limit, cpu.idtr.base]).toEqual([0xfff, 0x9000]);
    expect(peek64(cpu, DATA + 18)).toBe(0x9000n);
  });
  it('a non-canonical base is #GP(0); the register form is #UD', () => {
    fault([0x0f, 0x01, 0x13], (c) => {
      poke64(c, DATA + 2, 0x0000_8000_0000_0000n);
      c.setGpr(RBX, BigInt(DATA));
    }, GP, 0);
    expect(exec([0x0f, 0x01, 0xd3]).exit.vector).toBe(UD);
  });
});

describe('LTR / STR, LLDT / SLDT', () => {
  // 0f 00 d8 ltr ax ; 0f 00 c8 str eax
  it('LTR loads the 64-bit TSS and marks it busy in the GDT; STR stores the selector', () => {
    const { cpu, exit } = exec([0x0f, 0x00, 0xd8, 0x48, 0x0f, 0x00, 0xc8], (c) => { // ltr ax ; str rax
      const hi = GDT_BASE + 0x28 + 4;
      c.mem.dv.setUint32(hi, c.mem.dv.getUint32(hi, true) & ~0x200, true); // available (type 9)
      c.mem.dv.setUint32(GDT_BASE + 0x30, 0xffff8000, true); // base 63:32
      c.tr.selector = 0;
      c.setGpr(RAX, 0xffff0028n);
    });
    expect(exit.reason).toBe(EXIT_HLT);
    expect(cpu.tr.selector).toBe(0x28);
    expect(cpu.tr.type).toBe(0xb);
    expect(cpu.tr.base).toBe(-0x800000000000 + TSS_BASE);
    expect((cpu.mem.dv.getUint32(GDT_BASE + 0x2c, true) >> 8) & 0xf).toBe(0xb);
    expect(cpu.getGpr(RAX)).toBe(0x28n);
  });
  it.each([
    ['a null selector', 0x0, GP, 0],
    ['an LDT selector', 0x2c, GP, 0x2c],
    ['a code segment', 0x08, GP, 0x08],
    ['a selector beyond the GDT limit', 0x40, GP, 0x40],
  ])('LTR with %s faults', (_n, sel, vec, ec) => {
    fault([0x0f, 0x00, 0xd8], (c) => c.setGpr(RAX, BigInt(sel)), vec, ec);
  });
  it('LTR with a busy TSS (type B) is #GP(selector)', () => {
    fault([0x0f, 0x00, 0xd8], (c) => {
      const hi = GDT_BASE + 0x2c;
      c.mem.dv.setUint32(hi, c.mem.dv.getUint32(hi, true) | 0x200, true);
      c.setGpr(RAX, 0x28n);
    }, GP, 0x28);
  });
  it('LTR with a not-present TSS is #NP(selector)', () => {
    fault([0x0f, 0x00, 0xd8], (c) => {
      const hi = GDT_BASE + 0x2c;
      c.mem.dv.setUint32(hi, c.mem.dv.getUint32(hi, true) & ~0x8200, true);
      c.setGpr(RAX, 0x28n);
    }, NP, 0x28);
  });
  it('LLDT with a null selector leaves LDTR unusable; SLDT stores it', () => {
    // 0f 00 d1 lldt cx ; 0f 00 c2 sldt edx
    const { cpu } = exec([0x0f, 0x00, 0xd1, 0x0f, 0x00, 0xc2], (c) => {
      c.setGpr(RCX, 0x3n);
      c.setGpr(RDX, -1n & 0xffffffffffffffffn);
    });
    expect([cpu.ldtr.selector, cpu.ldtr.unusable]).toEqual([3, 1]);
    expect(cpu.getGpr(RDX)).toBe(3n);
  });
});

describe('SWAPGS', () => {
  it('exchanges GS.base and KERNEL_GS_BASE', () => {
    const { cpu } = exec([0x0f, 0x01, 0xf8], (c) => {
      c.seg[SEG_GS].base = 0x1000;
      c.kernelGsBase = -0x800000000000;
    });
    expect([cpu.seg[SEG_GS].base, cpu.kernelGsBase]).toEqual([-0x800000000000, 0x1000]);
  });
});

describe('MOV Sreg', () => {
  it('loads DS from the GDT and sets the accessed bit; FS gets the 32-bit descriptor base', () => {
    // 8e d8 mov ds, eax ; 8e e1 mov fs, ecx
    const { cpu, exit } = exec([0x8e, 0xd8, 0x8e, 0xe1], (c) => {
      c.mem.dv.setUint32(GDT_BASE + 0x38, 0x3400ffff, true); // 0x38: data, base 0x12_3400 + 0xab00_0000
      c.mem.dv.setUint32(GDT_BASE + 0x3c, 0xabcf9212, true);
      c.gdtr.limit = 0x3f;
      c.setGpr(RAX, 0x18n);
      c.setGpr(RCX, 0x38n);
    });
    expect(exit.reason).toBe(EXIT_HLT);
    expect([cpu.seg[SEG_DS].selector, cpu.seg[SEG_DS].dpl]).toEqual([0x18, 3]);
    expect(cpu.seg[SEG_FS].base).toBe(0xab123400);
    expect((cpu.mem.dv.getUint32(GDT_BASE + 0x3c, true) >> 8) & 1).toBe(1);
  });
  it('a null selector in ES is allowed (unusable)', () => {
    const { cpu } = exec([0x8e, 0x03], (c) => { // mov es, [rbx]
      c.setGpr(RBX, BigInt(DATA));
    });
    expect([cpu.seg[SEG_ES].selector, cpu.seg[SEG_ES].unusable]).toEqual([0, 1]);
  });
  it.each([
    ['DS ← a system descriptor (TSS)', [0x8e, 0xd8], 0x28, GP, 0x28],
    ['DS ← beyond the limit', [0x8e, 0xd8], 0x48, GP, 0x48],
    ['SS ← null at CPL 0 with RPL 1', [0x8e, 0xd0], 0x1, GP, 0],
    ['SS ← code', [0x8e, 0xd0], 0x08, GP, 0x08],
    ['SS ← RPL ≠ CPL', [0x8e, 0xd0], 0x13, GP, 0x10],
    ['SS ← DPL 3 data at CPL 0', [0x8e, 0xd0], 0x18, GP, 0x18],
  ] as [string, number[], number, number, number][])('%s faults', (_n, code, sel, vec, ec) => {
    fault(code, (c) => c.setGpr(RAX, BigInt(sel)), vec, ec);
  });
  it('SS not present is #SS(selector); DS not present is #NP(selector)', () => {
    const clearP = (c: Cpu) => c.mem.dv.setUint32(GDT_BASE + 0x14, c.mem.dv.getUint32(GDT_BASE + 0x14, true) & ~0x8000, true);
    fault([0x8e, 0xd0], (c) => { clearP(c); c.setGpr(RAX, 0x10n); }, SS, 0x10);
    fault([0x8e, 0xd8], (c) => { clearP(c); c.setGpr(RAX, 0x10n); }, NP, 0x10);
  });
  it('DS ← kernel data at CPL 3 is #GP(selector) (DPL < CPL)', () => {
    fault([0x8e, 0xd8], (c) => { enterUser(c, CODE, 0x280000); c.setGpr(RAX, 0x10n); }, GP, 0x10);
  });
  it('MOV SS, null is allowed at CPL 0 with RPL 0', () => {
    const { cpu } = exec([0x8e, 0xd0], (c) => c.setGpr(RAX, 0n));
    expect(cpu.seg[SEG_SS].unusable).toBe(1);
  });
  it('MOV CS is #UD', () => {
    expect(exec([0x8e, 0xc8]).exit.vector).toBe(UD);
  });
});
