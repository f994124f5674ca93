/**
 * The JIT is invisible (issue 13): the same guest run with every block
 * compiled at first sight and in the interpreter alone ends in the same
 * state at the same instruction count — with self-modifying code, a fault in
 * the middle of a region, an interrupt arriving after a given number of
 * instructions, and budget exits. Each JIT run must also have run compiled
 * code (else the comparison would prove nothing).
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_BUDGET, EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP, PF } from '../../../src/emu/fault.ts';
import { SEG_FS, SEG_GS } from '../../../src/emu/insn.ts';
import { CODE, DATA, makeMachine } from '../machine.ts';
import { setGate } from '../system/helpers.ts';

function machine(code: number[], jit: boolean): Cpu {
  const cpu = makeMachine(code);
  cpu.ctl.hlt = true;
  cpu.setJit(jit);
  cpu.jit.options.threshold = 1;
  return cpu;
}

function state(cpu: Cpu): unknown {
  return { rip: cpu.rip, r: [...cpu.r.subarray(0, 32)], flags: cpu.readRflags(), icount: cpu.icount, data: cpu.mem.dv.getBigUint64(DATA, true), cr2: cpu.cr2 };
}

/** Run to the first non-budget exit with the JIT off and forced on; both states and exits must agree. */
function both(code: number[], setup: (cpu: Cpu) => void = () => {}, budget = 1_000_000): { jit: Cpu; int: Cpu } {
  const int = machine(code, false), jit = machine(code, true);
  setup(int);
  setup(jit);
  const ei = int.run(budget), ej = jit.run(budget);
  expect({ reason: ej.reason, vector: ej.vector, ec: ej.errorCode }).toEqual({ reason: ei.reason, vector: ei.vector, ec: ei.errorCode });
  expect(state(jit)).toEqual(state(int));
  expect(jit.jit.stats.compiledInsns).toBeGreaterThan(0);
  expect(int.jit.stats.compiledInsns).toBe(0);
  return { jit, int };
}

const le32 = (v: number): number[] => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

describe('JIT exactness', () => {
  it('self-modifying code: a store rewrites an instruction ahead of itself in the same block', () => {
    // mov ecx, 100; L: mov [rip+2], cl; add eax, imm8 (patched); dec ecx; jnz L; hlt
    const code = [0xb9, ...le32(100), 0x88, 0x0d, ...le32(2), 0x83, 0xc0, 0x00, 0xff, 0xc9, 0x75, 0xf3, 0xf4];
    const { jit } = both(code);
    expect(jit.r[0]).toBe(5050); // sum of 1..100: every add saw the byte written just before it
    expect(jit.jit.stats.invalidations).toBeGreaterThan(0);
  });

  it('self-modifying code: a store rewrites an instruction in a later block', () => {
    // mov ecx, 50; L: mov [rip+10], cl; test ecx, 1; jz S; add eax, imm8 (patched); S: dec ecx; jnz L; hlt
    const code = [0xb9, ...le32(50), 0x88, 0x0d, ...le32(10), 0xf7, 0xc1, ...le32(1), 0x74, 0x03, 0x83, 0xc0, 0x00, 0xff, 0xc9, 0x75, 0xeb, 0xf4];
    const { jit } = both(code);
    expect(jit.r[0]).toBe(625); // the odd numbers of 1..50
  });

  it('a page fault in the middle of a region leaves the interpreter\'s state, flags included', () => {
    // mov ebx, 5; add eax, ebx; mov [DATA], rbx; mov rdx, 0x40000000 (unmapped); mov ecx, [rdx]; hlt
    const code = [0xbb, ...le32(5), 0x01, 0xd8, 0x48, 0x89, 0x1c, 0x25, ...le32(DATA), 0x48, 0xc7, 0xc2, ...le32(0x40000000), 0x8b, 0x0a, 0xf4];
    const { jit } = both(code, (cpu) => { cpu.r[0] = -5; }); // add gives 0: ZF, CF set
    expect(jit.exit.reason).toBe(EXIT_EXCEPTION);
    expect(jit.exit.vector).toBe(PF);
    expect(jit.rip).toBe(CODE + 22);
    expect(jit.icount).toBe(4);
    expect(jit.readRflags() & 0x41).toBe(0x41);
  });

  /**
   * Flag liveness: NEG, IMUL, SHR, NOT and ADD in a loop, where most flag
   * records are dead (overwritten before anything reads them) but PUSHF reads
   * IMUL's (which keeps NEG's PF) and a load that faults must see ADD's.
   */
  const flagLoop = (n: number, rbx: number): number[] => [
    0xb9, ...le32(n), // mov ecx, n
    0x48, 0xc7, 0xc3, ...le32(rbx), // mov rbx, rbx0
    0x89, 0xc8, // L: mov eax, ecx
    0xf7, 0xd8, // neg eax
    0x6b, 0xc0, 0x07, // imul eax, eax, 7
    0x9c, 0x41, 0x58, // pushfq; pop r8
    0x4d, 0x01, 0xc1, // add r9, r8
    0xc1, 0xe8, 0x03, // shr eax, 3
    0xf7, 0xd2, // not edx
    0x01, 0xc2, // add edx, eax
    0x8b, 0x33, // mov esi, [rbx]
    0x48, 0x83, 0xc3, 0x08, // add rbx, 8
    0xff, 0xc9, // dec ecx
    0x75, 0xe2, // jnz L
    0xf4, // hlt
  ];

  it('dead flag records are skipped, yet PUSHF and a fault mid-loop see exact flags', () => {
    const done = both(flagLoop(1000, DATA));
    expect(done.jit.exit.reason).toBe(EXIT_HLT);
    expect(done.jit.r[18]).not.toBe(0); // r9: the sum of the flags PUSHF saw
    const faulted = both(flagLoop(1000, 0x40000000 - 8 * 300), (cpu) => { cpu.r[4] = 0x12345; });
    expect(faulted.jit.exit.reason).toBe(EXIT_EXCEPTION);
    expect(faulted.jit.exit.vector).toBe(PF);
    expect(faulted.jit.r[2]).toBe(1000 - 300); // ecx: the 301st load faulted
  });

  // mov ecx, 100; L: mov eax, fs:[rbx+rcx*4]; add edx, eax; mov gs:[rbx], edx; dec ecx; jnz L; hlt
  const SEG_LOOP = [0xb9, ...le32(100), 0x64, 0x8b, 0x04, 0x8b, 0x01, 0xc2, 0x65, 0x89, 0x13, 0xff, 0xc9, 0x75, 0xf3, 0xf4];

  it('FS/GS-based operands add the segment base; a sum beyond the canonical range faults as in the interpreter', () => {
    const bases = (fs: number, gs: number) => (cpu: Cpu): void => {
      cpu.seg[SEG_FS].base = fs;
      cpu.seg[SEG_GS].base = gs;
      cpu.r[6] = 0x1000; // rbx
      for (let k = 0; k <= 100; k++) cpu.mem.dv.setUint32(DATA + 4 * k, k * 7919, true);
    };
    const ok = both(SEG_LOOP, bases(DATA - 0x1000, DATA + 0x800));
    expect(ok.jit.exit.reason).toBe(EXIT_HLT);
    expect(ok.jit.r[4]).toBe(7919 * 5050); // edx: the sum of the words read through FS
    expect(ok.jit.mem.dv.getUint32(DATA + 0x1800, true)).toBe(7919 * 5050); // written through GS
    const bad = both(SEG_LOOP, bases(2 ** 47 - 0x1000 - 0x100, DATA));
    expect(bad.jit.exit.reason).toBe(EXIT_EXCEPTION);
    expect(bad.jit.exit.vector).toBe(GP);
  });

  it('a translation cache over its budget is flushed whole, and the code recompiles and runs on exactly', () => {
    // mov edi, 20; O: mov ecx, 50; A: add ebx, ecx; dec ecx; jnz A; rdtsc (ends a region);
    // mov ecx, 30; B: xor esi, ecx; add esi, ebx; dec ecx; jnz B; rdtsc; dec edi; jnz O; hlt
    // — regions at O and B, neither holding the other: each compile of one flushes the other.
    const code = [0xbf, ...le32(20), 0xb9, ...le32(50), 0x01, 0xcb, 0xff, 0xc9, 0x75, 0xfa, 0x0f, 0x31,
      0xb9, ...le32(30), 0x31, 0xce, 0x01, 0xde, 0xff, 0xc9, 0x75, 0xf8, 0x0f, 0x31, 0xff, 0xcf, 0x75, 0xe0, 0xf4];
    const { jit } = both(code, (cpu) => { cpu.jit.options.cacheBytes = 1; }); // every compile overflows it
    expect(jit.exit.reason).toBe(EXIT_HLT);
    const s = jit.jit.stats;
    expect(s.flushes).toBeGreaterThanOrEqual(20);
    expect(s.liveRegions).toBe(1); // what the last compile left
    expect(s.regions).toBeGreaterThan(s.flushes);
  });

  const LOOP = [
    0x31, 0xc0, // xor eax, eax
    0xb9, ...le32(1000), // mov ecx, 1000
    0x48, 0x83, 0xc0, 0x03, // L: add rax, 3
    0x48, 0x89, 0x04, 0x25, ...le32(DATA), // mov [DATA], rax
    0xff, 0xc9, // dec ecx
    0x75, 0xf0, // jnz L
    0xf4, // hlt
  ];
  const HANDLER = CODE + 0x100;

  it.each([1, 2, 7, 100, 1001, 2500])('an interrupt raised after %i instructions lands on the same instruction', (k) => {
    const run = (jit: boolean): Cpu => {
      const cpu = machine(LOOP, jit);
      cpu.mem.u8.set([0x49, 0x89, 0xc7, 0x48, 0xcf], HANDLER); // mov r15, rax; iretq
      setGate(cpu, 0x40, HANDLER);
      cpu.writeRflags(0x202);
      cpu.intAck = () => 0x40;
      expect(cpu.run(k).reason).toBe(EXIT_BUDGET);
      cpu.raiseIntr();
      expect(cpu.run(100_000).reason).toBe(EXIT_HLT);
      return cpu;
    };
    const int = run(false), jit = run(true);
    expect(state(jit)).toEqual(state(int));
    expect(jit.r[30]).toBe(int.r[30]); // r15: RAX when the interrupt came
    expect(jit.jit.stats.compiledInsns).toBeGreaterThan(0);
  });

  it.each([1, 3, 5, 6, 64, 999, 3001])('a budget of %i instructions exits on the same instruction count', (k) => {
    const int = machine(LOOP, false), jit = machine(LOOP, true);
    for (;;) {
      const ei = int.run(k), ej = jit.run(k);
      expect(state(jit)).toEqual(state(int));
      expect(ej.reason).toBe(ei.reason);
      if (ei.reason !== EXIT_BUDGET) break;
    }
    expect(int.icount).toBe(4002); // xor, mov, 1000 × 4 (HLT exits before retiring)
    // A region runs only when its first block fits in what is left of the budget.
    if (k >= 4) expect(jit.jit.stats.compiledInsns).toBeGreaterThan(0);
  });
});
