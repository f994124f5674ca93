/**
 * MOV to/from CR0/CR2/CR3/CR4/CR8 and DR0–DR7, CLTS, XSETBV/XGETBV
 * (SDM Vol. 2 MOV CR, MOV DR, XSETBV, XGETBV; uapi.md §3.2, §4.1).
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP, UD } from '../../../src/emu/fault.ts';
import { RAX, RBX, RCX, RDX, gpr } from '../../../src/emu/regs.ts';
import { CODE, PML4, makeMachine } from '../machine.ts';

const R8 = gpr(8);
const HLT = 0xf4;

function exec(code: number[], setup: (cpu: Cpu) => void = () => {}) {
  const cpu = makeMachine([...code, HLT]);
  setup(cpu);
  return { cpu, exit: cpu.run(10) };
}
function gp0(code: number[], setup: (cpu: Cpu) => void) {
  const { cpu, exit } = exec(code, setup);
  expect([exit.reason, exit.vector, exit.errorCode]).toEqual([EXIT_EXCEPTION, GP, 0]);
  expect(cpu.rip).toBe(CODE);
  return cpu;
}

// 0f 20 c0 mov rax,cr0 | 0f 20 d3 mov rbx,cr2 | 0f 20 d9 mov rcx,cr3 | 0f 20 e2 mov rdx,cr4 | 45 0f 20 c0 mov r8,cr8
const MOV_FROM_CRS = [0x0f, 0x20, 0xc0, 0x0f, 0x20, 0xd3, 0x0f, 0x20, 0xd9, 0x0f, 0x20, 0xe2, 0x45, 0x0f, 0x20, 0xc0];
const MOV_CR0_RAX = [0x0f, 0x22, 0xc0], MOV_CR3_RCX = [0x0f, 0x22, 0xd9], MOV_CR4_RDX = [0x0f, 0x22, 0xe2];
const MOV_CR8_R8 = [0x45, 0x0f, 0x22, 0xc0], MOV_CR2_RBX = [0x0f, 0x22, 0xd3];

describe('MOV from CRn', () => {
  it('reads CR0, CR2, CR3, CR4, CR8 as 64-bit values', () => {
    const { cpu, exit } = exec(MOV_FROM_CRS, (c) => {
      c.cr2 = -0x800000000000 + 0x1234; // a canonical high-half address
      c.cr8 = 9;
    });
    expect(exit.reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RAX)).toBe(0x80050033n);
    expect(cpu.getGpr(RBX)).toBe(0xffff800000001234n);
    expect(cpu.getGpr(RCX)).toBe(BigInt(PML4));
    expect(cpu.getGpr(RDX)).toBe(0x40620n);
    expect(cpu.getGpr(R8)).toBe(9n);
  });

  it('ignores ModRM.mod: 0f 20 00 is mov rax, cr0 (3 bytes)', () => {
    const { cpu } = exec([0x0f, 0x20, 0x00]);
    expect(cpu.getGpr(RAX)).toBe(0x80050033n);
    expect(cpu.rip).toBe(CODE + 3);
  });

  it.each([
    ['cr1', [0x0f, 0x20, 0xc8]], ['cr5', [0x0f, 0x20, 0xe8]], ['cr7', [0x0f, 0x22, 0xf8]],
    ['cr9', [0x44, 0x0f, 0x20, 0xc8]], ['cr15', [0x44, 0x0f, 0x22, 0xf8]], ['lock mov rax,cr0', [0xf0, 0x0f, 0x20, 0xc0]],
  ] as [string, number[]][])('%s is #UD', (_n, code) => {
    expect(exec(code).exit.vector).toBe(UD);
  });
});

describe('MOV to CR0', () => {
  it('ignores writes to undefined bits and keeps ET = 1', () => {
    const { cpu, exit } = exec(MOV_CR0_RAX, (c) => c.setGpr(RAX, 0x80050023n | 0x7fc0n));
    expect(exit.reason).toBe(EXIT_HLT);
    expect(cpu.cr0).toBe(0x80050033);
  });
  it('CLTS clears TS', () => {
    const { cpu } = exec([0x0f, 0x06], (c) => (c.cr0 |= 8));
    expect(cpu.cr0 & 8).toBe(0);
  });
  it.each([
    ['bits 63:32 set', 0x1_80050033n],
    ['PG without PE', 0x80050032n],
    ['NW without CD', 0xa0050033n],
    ['clearing PG in 64-bit mode', 0x00050033n],
  ])('%s → #GP(0)', (_n, v) => {
    const cpu = gp0(MOV_CR0_RAX, (c) => c.setGpr(RAX, v));
    expect(cpu.cr0).toBe(0x80050033);
  });
});

describe('MOV to CR2, CR3, CR4, CR8', () => {
  it('CR2 takes any value', () => {
    const { cpu } = exec(MOV_CR2_RBX, (c) => c.setGpr(RBX, 0x123456789an));
    expect(cpu.cr2).toBe(0x123456789a);
  });
  it('CR3 keeps the low flag bits; bits 63:48 (≥ MAXPHYADDR) are #GP(0)', () => {
    const { cpu } = exec(MOV_CR3_RCX, (c) => c.setGpr(RCX, BigInt(PML4 | 0x18)));
    expect(cpu.cr3).toBe(PML4 | 0x18);
    gp0(MOV_CR3_RCX, (c) => c.setGpr(RCX, (1n << 48n) | BigInt(PML4)));
    gp0(MOV_CR3_RCX, (c) => c.setGpr(RCX, (1n << 63n) | BigInt(PML4)));
  });
  it('CR4: OSXSAVE, PGE, TSD, DE can be set; reserved bits and clearing PAE in long mode are #GP(0)', () => {
    const { cpu } = exec(MOV_CR4_RDX, (c) => c.setGpr(RDX, 0x40620n | 0x80n | 0x4n | 0x8n));
    expect(cpu.cr4).toBe(0x406ac);
    gp0(MOV_CR4_RDX, (c) => c.setGpr(RDX, 0x40620n | (1n << 11n))); // UMIP: not implemented
    gp0(MOV_CR4_RDX, (c) => c.setGpr(RDX, 0x40620n | (1n << 22n))); // PKE: not implemented
    gp0(MOV_CR4_RDX, (c) => c.setGpr(RDX, 0x40620n | (1n << 32n)));
    gp0(MOV_CR4_RDX, (c) => c.setGpr(RDX, 0x40600n)); // PAE clear with EFER.LMA
  });
  it('CR4.FSGSBASE, SMEP, SMAP, PCIDE can be set when CPUID reports them, and are reserved when it does not', () => {
    const bits = (1n << 16n) | (1n << 17n) | (1n << 20n) | (1n << 21n);
    expect(exec(MOV_CR4_RDX, (c) => c.setGpr(RDX, 0x40620n | bits)).cpu.cr4).toBe(Number(0x40620n | bits));
    for (const [bit, leaf, reg, fbit] of [[16, '7:0', 1, 0], [17, '1', 2, 17], [20, '7:0', 1, 7], [21, '7:0', 1, 20]] as const) {
      gp0(MOV_CR4_RDX, (c) => {
        const v = [...c.cpuid.get(leaf)!] as [number, number, number, number];
        v[reg] &= ~(1 << fbit);
        c.cpuid.set(leaf, v);
        c.setGpr(RDX, 0x40620n | (1n << BigInt(bit)));
      });
    }
  });
  it('CR4.OSXSAVE is reserved when CPUID does not report XSAVE', () => {
    gp0(MOV_CR4_RDX, (c) => {
      const [a, b, ecx, d] = c.cpuid.get('1')!;
      c.cpuid.set('1', [a, b, ecx & ~(1 << 26), d]);
      c.setGpr(RDX, 0x40620n);
    });
  });
  it('CR8 holds 4 bits; bits 63:4 are #GP(0)', () => {
    const { cpu } = exec(MOV_CR8_R8, (c) => c.setGpr(R8, 0xfn));
    expect(cpu.cr8).toBe(0xf);
    gp0(MOV_CR8_R8, (c) => c.setGpr(R8, 0x10n));
  });
});

// 0f 21 c0 mov rax,dr0 | 0f 21 f0 mov rax,dr6 | 0f 21 f8 mov rax,dr7 | 0f 23 c0 mov dr0,rax | 0f 23 cb mov dr1,rbx
// 0f 23 f9 mov dr7,rcx | 0f 23 f2 mov dr6,rdx | 0f 21 e0 mov rax,dr4 | 0f 23 e8 mov dr5,rax
describe('MOV DR', () => {
  it('DR0–DR3 hold any 64-bit address; DR6/DR7 read with their fixed bits', () => {
    const { cpu } = exec([0x0f, 0x23, 0xcb, 0x0f, 0x21, 0xf0], (c) => c.setGpr(RBX, 0xffff800000001000n));
    expect(cpu.dr[1]).toBe(-0x800000000000 + 0x1000);
    expect(cpu.getGpr(RAX)).toBe(0xffff0ff0n);
  });
  it('writing DR6 keeps only B0–B3, BD, BS, BT; DR7 forces bit 10 and clears 12, 14, 15', () => {
    const { cpu } = exec([0x0f, 0x23, 0xf2, 0x0f, 0x23, 0xf9], (c) => {
      c.setGpr(RDX, 0xffffffffn);
      c.setGpr(RCX, 0xffffffffn);
    });
    expect(cpu.dr6).toBe(0xffffefff);
    expect(cpu.dr7).toBe(0xffff2fff);
  });
  it('DR6/DR7 writes with bits 63:32 set are #GP(0)', () => {
    gp0([0x0f, 0x23, 0xf2], (c) => c.setGpr(RDX, 1n << 32n));
    gp0([0x0f, 0x23, 0xf9], (c) => c.setGpr(RCX, 0x400n | (1n << 40n)));
  });
  it('DR4/DR5 alias DR6/DR7 when CR4.DE = 0 and are #UD when CR4.DE = 1', () => {
    const { cpu } = exec([0x0f, 0x21, 0xe0]);
    expect(cpu.getGpr(RAX)).toBe(0xffff0ff0n);
    const c2 = exec([0x0f, 0x23, 0xe8], (c) => c.setGpr(RAX, 0x401n)).cpu;
    expect(c2.dr7).toBe(0x401);
    expect(exec([0x0f, 0x21, 0xe0], (c) => (c.cr4 |= 8)).exit.vector).toBe(UD);
  });
  it('DR8 (REX.R) is #UD', () => {
    expect(exec([0x44, 0x0f, 0x21, 0xc0]).exit.vector).toBe(UD);
  });
  it('a DR7 write arms breakpoints (debugRegsChanged)', () => {
    const { cpu } = exec([0x0f, 0x23, 0xf9], (c) => c.setGpr(RCX, 0x401n));
    expect(cpu.dbg.exec).toBe(1);
  });
});

// 0f 01 d1 xsetbv | 0f 01 d0 xgetbv
describe('XSETBV / XGETBV', () => {
  const XSETBV = [0x0f, 0x01, 0xd1], XGETBV = [0x0f, 0x01, 0xd0];
  const set = (v: bigint, ecx = 0n) => (c: Cpu) => {
    c.setGpr(RAX, v & 0xffffffffn);
    c.setGpr(RDX, v >> 32n);
    c.setGpr(RCX, ecx);
  };

  it('sets XCR0 = x87|SSE|APX; XGETBV reads it back in EDX:EAX', () => {
    const { cpu } = exec([...XSETBV, 0x48, 0x31, 0xc0, ...XGETBV], set(0x80003n)); // xsetbv ; xor rax,rax ; xgetbv
    expect(cpu.xcr0).toBe(0x80003);
    expect(cpu.getGpr(RAX)).toBe(0x80003n);
    expect(cpu.getGpr(RDX)).toBe(0n);
  });
  it.each([
    ['ECX ≠ 0', 3n, 1n],
    ['x87 clear', 2n, 0n],
    ['YMM (not supported)', 7n, 0n],
    ['YMM without SSE', 5n, 0n],
    ['AVX-512 (not supported)', 0xe7n, 0n],
    ['a bit in EDX', 3n | (1n << 40n), 0n],
  ])('%s → #GP(0)', (_n, v, ecx) => {
    const cpu = gp0(XSETBV, set(v, ecx));
    expect(cpu.xcr0).toBe(3);
  });
  it('APX is #GP(0) when CPUID.(7,1):EDX.APX_F is clear', () => {
    gp0(XSETBV, (c) => {
      c.cpuid.set('7:1', [0, 0, 0, 0]);
      set(0x80003n)(c);
    });
  });
  it('#UD with CR4.OSXSAVE = 0 (both); XGETBV ECX = 1 returns XCR0 ∩ XINUSE, ECX = 2 is #GP(0)', () => {
    expect(exec(XSETBV, (c) => (c.cr4 &= ~0x40000)).exit.vector).toBe(UD);
    expect(exec(XGETBV, (c) => (c.cr4 &= ~0x40000)).exit.vector).toBe(UD);
    expect(exec(XGETBV, (c) => c.setGpr(RCX, 1n)).cpu.getGpr(RAX)).toBe(0n); // x87 and SSE in their initial configuration
    expect(exec(XGETBV, (c) => { c.setGpr(RCX, 1n); c.sse.mxcsr = 0x1f81; }).cpu.getGpr(RAX)).toBe(2n);
    gp0(XGETBV, (c) => c.setGpr(RCX, 2n));
  });
});
