/**
 * 4-level paging (SDM Vol. 3 §4.5–4.10): #PF error codes (P, W, U, RSVD, I)
 * and CR2, accessed/dirty bits, 4 KiB / 2 MiB / 1 GiB pages, CR0.WP, NX,
 * and the TLB: a stale translation survives until INVLPG or a CR3 write.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { PF } from '../../../src/emu/fault.ts';
import { RAX, RBX, RCX, RDX, RSI, RSP } from '../../../src/emu/regs.ts';
import { CODE, DATA, PD, PDPT, PML4, makeMachine } from '../machine.ts';
import { enterUser, peek64, poke, poke64, setGate } from './helpers.ts';

const PT = 0x8000; // page table for VA 0x400000–0x5fffff (PD[2])
const VA = 0x400000;
const P = 1n, RW = 2n, US = 4n, A = 0x20n, D = 0x40n, PS = 0x80n, NX = 1n << 63n;

// 48 8b 03   mov rax, [rbx]      48 89 03   mov [rbx], rax
const LOAD = [0x48, 0x8b, 0x03], STORE = [0x48, 0x89, 0x03];

/** Map VA 0x400000 + k*4K → `pa` with `flags` (4 KiB pages). */
function map4k(cpu: Cpu, k: number, pa: number, flags: bigint): void {
  poke64(cpu, PD + 2 * 8, BigInt(PT) | P | RW | US);
  poke64(cpu, PT + 8 * k, BigInt(pa) | flags);
}

function run(code: number[], setup: (cpu: Cpu) => void, user = false) {
  const cpu = makeMachine([...code, 0xf4]);
  setup(cpu);
  if (user) enterUser(cpu, CODE, 0x280000);
  cpu.setGpr(RBX, BigInt(VA));
  return { cpu, exit: cpu.run(20) };
}

describe('#PF error codes', () => {
  it.each([
    ['not-present read', LOAD, 0n, false, 0x0],
    ['not-present write', STORE, 0n, false, 0x2],
    ['user read of a supervisor page', LOAD, P | RW, true, 0x5],
    ['user write to a read-only page', STORE, P | US, true, 0x7],
    ['supervisor write to a read-only page (CR0.WP = 1)', STORE, P, false, 0x3],
    ['reserved bit 51 in the PTE', LOAD, P | RW | (1n << 51n), false, 0x9],
    ['user read, reserved bit', LOAD, P | RW | US | (1n << 48n), true, 0xd],
  ] as [string, number[], bigint, boolean, number][])('%s → error code %#x, CR2/qual = the address', (_n, code, flags, user, ec) => {
    const { cpu, exit } = run(code, (c) => map4k(c, 0, DATA, flags), user);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect([exit.vector, exit.errorCode]).toEqual([PF, ec]);
    expect(exit.qual).toBe(VA);
    expect(cpu.rip).toBe(CODE);
  });

  it('instruction fetch from an NX page → P|I (0x11); from a not-present page → I (0x10)', () => {
    for (const [flags, ec] of [[P | RW | NX, 0x11], [0n, 0x10]] as [bigint, number][]) {
      const cpu = makeMachine([0xf4]);
      map4k(cpu, 1, CODE, flags);
      cpu.rip = VA + 0x1000;
      const exit = cpu.run(10);
      expect([exit.vector, exit.errorCode, exit.qual]).toEqual([PF, ec, VA + 0x1000]);
    }
  });

  it('XD with EFER.NXE = 0 is a reserved-bit fault', () => {
    const { exit } = run(LOAD, (c) => {
      map4k(c, 0, DATA, P | RW | NX);
      c.efer &= ~0x800;
      c.syncMode();
    });
    expect([exit.vector, exit.errorCode]).toEqual([PF, 0x9]);
  });

  it('a delivered #PF loads CR2 and pushes the error code', () => {
    const cpu = makeMachine([...STORE, 0xf4], { deliverExceptions: true });
    map4k(cpu, 3, DATA, 0n);
    setGate(cpu, PF, 0x180000);
    poke(cpu, 0x180000, [0xf4]);
    cpu.setGpr(RBX, BigInt(VA + 0x3008));
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.cr2).toBe(VA + 0x3008);
    expect(peek64(cpu, Number(cpu.getGpr(RSP)))).toBe(2n);
  });
});

describe('accessed and dirty bits', () => {
  it('a read sets A in every level and not D; a write sets D in the PTE', () => {
    const { cpu } = run(LOAD, (c) => map4k(c, 0, DATA, P | RW));
    expect(peek64(cpu, PT) & (A | D)).toBe(A);
    expect(peek64(cpu, PD + 16) & A).toBe(A);
    expect(peek64(cpu, PDPT) & A).toBe(A);
    expect(peek64(cpu, PML4) & A).toBe(A);
    const w = run(STORE, (c) => map4k(c, 0, DATA, P | RW)).cpu;
    expect(peek64(w, PT) & (A | D)).toBe(A | D);
    expect(peek64(w, PD + 16) & D).toBe(0n); // D only in the leaf
  });

  it('a 2 MiB page gets A and D in its PDE', () => {
    const cpu = makeMachine([...STORE, 0xf4]);
    cpu.setGpr(RBX, BigInt(DATA));
    cpu.run(10);
    expect(peek64(cpu, PD + 8) & (A | D | PS)).toBe(A | D | PS);
  });

  it('a faulting access sets no A/D bits', () => {
    const { cpu } = run(STORE, (c) => map4k(c, 0, DATA, P));
    expect(peek64(cpu, PT) & (A | D)).toBe(0n);
  });
});

describe('page sizes', () => {
  it('4 KiB pages translate with the page offset', () => {
    const { cpu } = run([0x48, 0x8b, 0x43, 0x08], (c) => { // mov rax, [rbx+8]
      map4k(c, 0, DATA + 0x5000, P | RW);
      poke64(c, DATA + 0x5008, 0x1122334455667788n);
    });
    expect(cpu.getGpr(RAX)).toBe(0x1122334455667788n);
  });

  it('1 GiB pages: PDPT[1] maps VA 1 GiB → PA 0', () => {
    const cpu = makeMachine([...LOAD, 0xf4]);
    poke64(cpu, PDPT + 8, P | RW | PS);
    poke64(cpu, DATA + 0x10, 0xabcdefn);
    cpu.setGpr(RBX, BigInt(0x40000000 + DATA + 0x10));
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RAX)).toBe(0xabcdefn);
  });

  it('reserved bits 29:13 of a 1 GiB PDPTE and 20:13 of a 2 MiB PDE fault with RSVD', () => {
    const cpu = makeMachine([...LOAD, 0xf4]);
    poke64(cpu, PDPT + 8, P | RW | PS | 0x2000n);
    cpu.setGpr(RBX, BigInt(0x40000000));
    expect(cpu.run(10)).toMatchObject({ vector: PF, errorCode: 0x9 });
    const c2 = makeMachine([...LOAD, 0xf4]);
    poke64(c2, PD + 8 * 5, BigInt(5 * 0x200000) | P | RW | PS | 0x100000n);
    c2.setGpr(RBX, BigInt(5 * 0x200000));
    expect(c2.run(10)).toMatchObject({ vector: PF, errorCode: 0x9 });
  });
});

describe('CR0.WP', () => {
  it('with WP = 0 a supervisor write to a read-only page succeeds', () => {
    const { cpu, exit } = run(STORE, (c) => {
      map4k(c, 0, DATA, P);
      c.cr0 &= ~0x10000;
      c.syncMode();
      c.setGpr(RAX, 42n);
    });
    expect(exit.reason).toBe(EXIT_HLT);
    expect(peek64(cpu, DATA)).toBe(42n);
  });

  it('with WP = 0 a user write to a read-only page still faults', () => {
    const { exit } = run(STORE, (c) => {
      map4k(c, 0, DATA, P | US);
      c.cr0 &= ~0x10000;
      c.syncMode();
    }, true);
    expect([exit.vector, exit.errorCode]).toEqual([PF, 0x7]);
  });
});

describe('TLB: INVLPG and CR3 writes', () => {
  // 48 8b 03 mov rax,[rbx] ; f4 hlt | 48 8b 13 mov rdx,[rbx] ; 0f 01 3b invlpg [rbx] ; 48 8b 33 mov rsi,[rbx] ; f4 hlt
  const CODE2 = [0x48, 0x8b, 0x03, 0xf4, 0x48, 0x8b, 0x13, 0x0f, 0x01, 0x3b, 0x48, 0x8b, 0x33, 0xf4];

  it('a changed PTE is not seen until INVLPG', () => {
    const cpu = makeMachine(CODE2);
    map4k(cpu, 0, DATA, P | RW);
    poke64(cpu, DATA, 1n);
    poke64(cpu, DATA + 0x1000, 2n);
    cpu.setGpr(RBX, BigInt(VA));
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RAX)).toBe(1n);
    poke64(cpu, PT, BigInt(DATA + 0x1000) | P | RW); // remap behind the TLB's back
    cpu.rip += 1;
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RDX)).toBe(1n); // stale translation
    expect(cpu.getGpr(RSI)).toBe(2n); // after INVLPG
  });

  it('INVLPG of an address in a 2 MiB page drops the whole page', () => {
    const cpu = makeMachine(CODE2);
    cpu.setGpr(RBX, BigInt(DATA + 0x3000));
    poke64(cpu, DATA + 0x3000, 7n);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    poke64(cpu, PD + 8, 0x600000n | P | RW | US | PS); // VA DATA → PA 0x600000
    poke64(cpu, 0x603000, 9n);
    cpu.setGpr(RBX, BigInt(DATA + 0x1000)); // invalidate through another 4 KiB piece of the page
    cpu.mem.u8.set([0x48, 0x8b, 0xb3, 0x00, 0x20, 0x00, 0x00, 0xf4], CODE + 10); // mov rsi, [rbx+0x2000] ; hlt
    cpu.rip += 1;
    cpu.flushDecodeCache();
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RSI)).toBe(9n);
  });

  it('INVLPG in a 1 GiB region mapped only with 4 KiB pages drops that page (the exact path, no region scan)', () => {
    // VA 1 GiB + 0x5000 through PDPT[1] → PD2 → PT2: no large page walked in that region.
    const PD2 = 0x9000, PT2 = 0xa000, VA2 = 0x40005000;
    const cpu = makeMachine(CODE2);
    poke64(cpu, PDPT + 8, BigInt(PD2) | P | RW | US);
    poke64(cpu, PD2, BigInt(PT2) | P | RW | US);
    poke64(cpu, PT2 + 5 * 8, BigInt(DATA) | P | RW);
    poke64(cpu, PT2 + 6 * 8, BigInt(DATA + 0x2000) | P | RW);
    poke64(cpu, DATA, 1n);
    poke64(cpu, DATA + 0x1000, 2n);
    poke64(cpu, DATA + 0x2000, 3n);
    cpu.setGpr(RBX, BigInt(VA2));
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RAX)).toBe(1n);
    poke64(cpu, PT2 + 5 * 8, BigInt(DATA + 0x1000) | P | RW); // remap behind the TLB's back
    cpu.rip += 1;
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect([cpu.getGpr(RDX), cpu.getGpr(RSI)]).toEqual([1n, 2n]); // stale, then fresh after INVLPG
  });

  it('INVLPG drops a whole 2 MiB page in a region otherwise mapped with 4 KiB pages', () => {
    // A 2 MiB page at VA 1 GiB + 2 MiB (PD2[1]) is walked after an INVLPG in the same region.
    const PD2 = 0x9000;
    const cpu = makeMachine(CODE2);
    poke64(cpu, PDPT + 8, BigInt(PD2) | P | RW | US);
    poke64(cpu, PD2 + 8, 0x400000n | P | RW | PS);
    poke64(cpu, 0x403000, 7n);
    cpu.setGpr(RBX, BigInt(0x40203000));
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RAX)).toBe(7n);
    poke64(cpu, PD2 + 8, 0x600000n | P | RW | PS); // remap the 2 MiB page
    poke64(cpu, 0x603000, 9n);
    cpu.setGpr(RBX, BigInt(0x40201000)); // INVLPG through another 4 KiB piece of it
    cpu.mem.u8.set([0x48, 0x8b, 0xb3, 0x00, 0x20, 0x00, 0x00, 0xf4], CODE + 10); // mov rsi, [rbx+0x2000] ; hlt
    cpu.rip += 1;
    cpu.flushDecodeCache();
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.getGpr(RSI)).toBe(9n);
  });

  it('MOV CR3 flushes the TLB', () => {
    // 48 8b 03 mov rax,[rbx] ; f4 | 48 8b 13 mov rdx,[rbx] ; 0f 22 d9 mov cr3,rcx ; 48 8b 33 mov rsi,[rbx] ; f4
    const cpu = makeMachine([0x48, 0x8b, 0x03, 0xf4, 0x48, 0x8b, 0x13, 0x0f, 0x22, 0xd9, 0x48, 0x8b, 0x33, 0xf4]);
    map4k(cpu, 0, DATA, P | RW);
    poke64(cpu, DATA, 1n);
    poke64(cpu, DATA + 0x1000, 2n);
    cpu.setGpr(RBX, BigInt(VA));
    cpu.setGpr(RCX, BigInt(PML4));
    cpu.run(10);
    poke64(cpu, PT, BigInt(DATA + 0x1000) | P | RW);
    cpu.rip += 1;
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect([cpu.getGpr(RDX), cpu.getGpr(RSI)]).toEqual([1n, 2n]);
  });
});
