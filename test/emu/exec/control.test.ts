/**
 * Jcc (rel8/rel32, all 16 conditions, both directions), JMP (rel8, rel32,
 * r/m64), CALL (rel32, r/m64), RET / RET imm16, LOOP/LOOPE/LOOPNE/JrCXZ (with
 * and without 67), and #GP(0) for non-canonical targets with RIP at the branch
 * and RSP/RCX untouched. Bytes from `as --64`; conditions per SDM Vol. 1
 * Appendix B (condRef).
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP, PF, UD } from '../../../src/emu/fault.ts';
import { CODE, DATA, PML4, STACK_TOP } from '../machine.ts';
import { FLAG_CASES, condRef, get, machine, peek, poke, run, runFault, set, unmap2M } from './dm-harness.ts';

const RAX = 0, RCX = 1, RBX = 3, RSP = 4, RSI = 6;
const T = STACK_TOP, TN = BigInt(T);
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** Run to a HLT; RIP must stop at CODE + `at`. */
function runTo(code: readonly number[], at: number, setup?: (cpu: Cpu) => void): Cpu {
  const cpu = machine(code, setup);
  const exit = cpu.run(10_000);
  expect(exit.name).toBe('hlt');
  expect(exit.reason).toBe(EXIT_HLT);
  expect(cpu.rip - CODE).toBe(at);
  return cpu;
}

describe('jcc, every condition', () => {
  for (let cc = 0; cc < 16; cc++) {
    it(`j${CC[cc]} rel8/rel32, forward and backward`, () => {
      for (const flags of FLAG_CASES) {
        const taken = condRef(flags, cc);
        const setup = (m: Cpu): void => m.writeRflags(flags | 2);
        // 70+cc 05          j<cc> +5 (over the mov)
        // b8 01 00 00 00    mov eax,0x1
        let cpu = run([0x70 + cc, 0x05, 0xb8, 1, 0, 0, 0], setup);
        expect(get(cpu, RAX) === 1n, `rel8 ${CC[cc]} flags ${flags}`).toBe(!taken);
        // 0f 80+cc 05 00 00 00   j<cc> rel32 +5
        cpu = run([0x0f, 0x80 + cc, 5, 0, 0, 0, 0xb8, 1, 0, 0, 0], setup);
        expect(get(cpu, RAX) === 1n, `rel32 ${CC[cc]} flags ${flags}`).toBe(!taken);
        // 0: eb 04 jmp 6 | 2: b3 07 mov bl,7 | 4: eb 06 jmp 0xc | 6: 70+cc fa j<cc> 2 | 8: b3 09 mov bl,9 | a: eb 00 jmp 0xc
        cpu = run([0xeb, 0x04, 0xb3, 0x07, 0xeb, 0x06, 0x70 + cc, 0xfa, 0xb3, 0x09, 0xeb, 0x00], setup);
        expect(get(cpu, RBX) & 0xffn).toBe(taken ? 7n : 9n);
        // 0: eb 04 jmp 6 | 2: b3 07 | 4: eb 0a jmp 0x10 | 6: 0f 80+cc f6 ff ff ff j<cc> 2 | c: b3 09 | e: eb 00
        cpu = run([0xeb, 0x04, 0xb3, 0x07, 0xeb, 0x0a, 0x0f, 0x80 + cc, 0xf6, 0xff, 0xff, 0xff, 0xb3, 0x09, 0xeb, 0x00], setup);
        expect(get(cpu, RBX) & 0xffn).toBe(taken ? 7n : 9n);
      }
    });
  }
});

describe('jmp', () => {
  it('rel8 and rel32 (eb, e9)', () => {
    // eb 05 jmp +5 | b8 01 00 00 00 mov eax,1
    expect(get(run([0xeb, 0x05, 0xb8, 1, 0, 0, 0]), RAX)).not.toBe(1n);
    // e9 05 00 00 00 jmp +5 | b8 01 00 00 00
    expect(get(run([0xe9, 5, 0, 0, 0, 0xb8, 1, 0, 0, 0]), RAX)).not.toBe(1n);
  });
  it('jmp rax / jmp QWORD PTR [rsi] (ff e0, ff 26)', () => {
    // 0: ff e0 jmp rax | 2: f4 hlt | 3: f4 hlt (target)
    runTo([0xff, 0xe0, 0xf4, 0xf4], 3, (m) => set(m, RAX, BigInt(CODE + 3)));
    runTo([0xff, 0x26, 0xf4, 0xf4], 3, (m) => {
      set(m, RSI, BigInt(DATA));
      poke(m, DATA, BigInt(CODE + 3));
    });
  });
  it('jmp to a non-canonical address is #GP(0) at the jmp', () => {
    const cpu = runFault([0xff, 0xe0], GP, 0, (m) => set(m, RAX, 0x0000800000000000n));
    expect(cpu.exit.errorCode).toBe(0);
    runFault([0xff, 0xe0], GP, 0, (m) => set(m, RAX, 0xffff7fffffffffffn));
    runFault([0xff, 0x26], GP, 0, (m) => {
      set(m, RSI, BigInt(DATA));
      poke(m, DATA, 0x1234000000000000n);
    });
  });
  it('jmp QWORD PTR [rsi] from an unmapped page is #PF', () => {
    const cpu = runFault([0xff, 0x26], PF, 0, (m) => {
      set(m, RSI, 0x400000n);
      unmap2M(m, 0x400000);
    });
    expect(cpu.exit.qual).toBe(0x400000);
  });
  it('FF /3 and /5 (far forms) with a register operand are #UD (memory forms: test/emu/system/intgaps-system.test.ts)', () => {
    runFault([0xff, 0xde], UD, 0); // FF /3, mod = 3
    runFault([0xff, 0xee], UD, 0); // FF /5, mod = 3
  });
});

describe('call / ret', () => {
  it('call rel32 pushes the next RIP (e8)', () => {
    // 0: e8 01 00 00 00 call 6 | 5: f4 | 6: f4
    const cpu = runTo([0xe8, 1, 0, 0, 0, 0xf4, 0xf4], 6);
    expect(get(cpu, RSP)).toBe(TN - 8n);
    expect(peek(cpu, T - 8)).toBe(BigInt(CODE + 5));
  });
  it('call rax / call QWORD PTR [rsi] (ff d0, ff 16)', () => {
    let cpu = runTo([0xff, 0xd0, 0xf4, 0xf4], 3, (m) => set(m, RAX, BigInt(CODE + 3)));
    expect(peek(cpu, T - 8)).toBe(BigInt(CODE + 2));
    cpu = runTo([0xff, 0x16, 0xf4, 0xf4], 3, (m) => {
      set(m, RSI, BigInt(DATA));
      poke(m, DATA, BigInt(CODE + 3));
    });
    expect(peek(cpu, T - 8)).toBe(BigInt(CODE + 2));
    expect(get(cpu, RSP)).toBe(TN - 8n);
  });
  it('call QWORD PTR [rsp] reads the target before the push (ff 14 24)', () => {
    const cpu = runTo([0xff, 0x14, 0x24, 0xf4, 0xf4], 4, (m) => poke(m, T, BigInt(CODE + 4)));
    expect(peek(cpu, T - 8)).toBe(BigInt(CODE + 3));
    expect(peek(cpu, T)).toBe(BigInt(CODE + 4));
  });
  it('call then ret returns after the call; ret imm16 frees the arguments', () => {
    // 0: e8 01 00 00 00 call 6 | 5: f4 | 6: c3 ret
    let cpu = runTo([0xe8, 1, 0, 0, 0, 0xf4, 0xc3], 5);
    expect(get(cpu, RSP)).toBe(TN);
    // 0: e8 01 00 00 00 call 6 | 5: f4 | 6: c2 10 00 ret 0x10
    cpu = runTo([0xe8, 1, 0, 0, 0, 0xf4, 0xc2, 0x10, 0x00], 5);
    expect(get(cpu, RSP)).toBe(TN + 0x10n);
    // c2 ff ff   ret 0xffff (imm16 is unsigned)
    cpu = runTo([0xc2, 0xff, 0xff, 0xf4], 3, (m) => poke(m, T, BigInt(CODE + 3)));
    expect(get(cpu, RSP)).toBe(TN + 8n + 0xffffn);
  });
  it('call to a non-canonical target is #GP(0) before the push', () => {
    const cpu = runFault([0xff, 0xd0], GP, 0, (m) => set(m, RAX, 0x0000800000000000n));
    expect(get(cpu, RSP)).toBe(TN);
    expect(peek(cpu, T - 8)).toBe(0n);
  });
  it('call with the stack unmapped is #PF and changes nothing', () => {
    const cpu = runFault([0xe8, 0, 0, 0, 0], PF, 0, (m) => {
      set(m, RSP, 0x400008n);
      unmap2M(m, 0x400000);
    });
    expect(get(cpu, RSP)).toBe(0x400008n);
    expect(cpu.exit.qual).toBe(0x400000);
  });
  it('ret to a non-canonical address is #GP(0) with RSP unchanged', () => {
    const cpu = runFault([0xc3], GP, 0, (m) => poke(m, T, 0x0000800000000000n));
    expect(get(cpu, RSP)).toBe(TN);
    runFault([0xc2, 8, 0], GP, 0, (m) => poke(m, T, 0x8000000000000000n));
  });
});

describe('loop / loope / loopne / jrcxz (E0–E3)', () => {
  it('loop runs RCX times (0: 48 8d 5b 01 lea rbx,[rbx+1] | 4: e2 fa loop 0)', () => {
    const cpu = run([0x48, 0x8d, 0x5b, 0x01, 0xe2, 0xfa], (m) => {
      set(m, RCX, 3n);
      set(m, RBX, 0n);
    });
    expect(get(cpu, RBX)).toBe(3n);
    expect(get(cpu, RCX)).toBe(0n);
  });
  it('loop borrows across bit 32: RCX = 0x100000000 becomes 0xffffffff', () => {
    // e2 00   loop +0 (to the hlt either way): RCX decrements through bit 32
    const cpu = run([0xe2, 0x00], (m) => set(m, RCX, 0x100000000n));
    expect(get(cpu, RCX)).toBe(0xffffffffn);
  });
  it('addr32 loop uses ECX and zero-extends RCX (67 e2 fa)', () => {
    const cpu = run([0x48, 0x8d, 0x5b, 0x01, 0x67, 0xe2, 0xf9], (m) => {
      set(m, RCX, 0xabcd000000000003n);
      set(m, RBX, 0n);
    });
    expect(get(cpu, RBX)).toBe(3n);
    expect(get(cpu, RCX)).toBe(0n);
  });
  it('loope / loopne stop on ZF', () => {
    const ZF = 0x40;
    for (const [op, zf, wantRbx] of [[0xe1, ZF, 5n], [0xe1, 0, 1n], [0xe0, 0, 5n], [0xe0, ZF, 1n]] as const) {
      // 48 8d 5b 01 lea rbx,[rbx+1] | e1 fa loope 0  (or e0 fa loopne 0)
      const cpu = run([0x48, 0x8d, 0x5b, 0x01, op, 0xfa], (m) => {
        set(m, RCX, 5n);
        set(m, RBX, 0n);
        m.writeRflags(zf | 2);
      });
      expect(get(cpu, RBX), `op ${op.toString(16)} zf ${zf}`).toBe(wantRbx);
      expect(get(cpu, RCX)).toBe(5n - wantRbx);
    }
  });
  it('jrcxz / jecxz', () => {
    // e3 05 jrcxz +5 | b8 01 00 00 00 mov eax,1
    const code = [0xe3, 0x05, 0xb8, 1, 0, 0, 0];
    expect(get(run(code, (m) => set(m, RCX, 0n)), RAX)).not.toBe(1n);
    expect(get(run(code, (m) => set(m, RCX, 0x100000000n)), RAX)).toBe(1n);
    // 67 e3 05 jecxz +5
    const code32 = [0x67, 0xe3, 0x05, 0xb8, 1, 0, 0, 0];
    expect(get(run(code32, (m) => set(m, RCX, 0x100000000n)), RAX)).not.toBe(1n);
    expect(get(run(code32, (m) => set(m, RCX, 1n)), RAX)).toBe(1n);
  });
});

describe('relative branches past the top of the canonical range', () => {
  // Map the last 2 MiB below 2^47 (PML4[255] -> PDPT 0x8000 -> PD 0x9000 -> phys 0x800000)
  // and put the code in its last bytes.
  const TOP = 2 ** 47;
  function atTop(code: number[], setup?: (cpu: Cpu) => void): Cpu {
    const start = TOP - code.length - 1;
    const cpu = machine([]);
    const dv = cpu.mem.dv;
    dv.setUint32(PML4 + 255 * 8, 0x8000 | 7, true);
    dv.setUint32(0x8000 + 511 * 8, 0x9000 | 7, true);
    dv.setUint32(0x9000 + 511 * 8, 0x800000 | 0x87, true);
    cpu.mmu.flushTlb();
    cpu.mem.u8.set([...code, 0xf4], 0x800000 + 0x200000 - code.length - 1);
    cpu.rip = start;
    setup?.(cpu);
    const exit = cpu.run(100);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(GP);
    expect(cpu.rip).toBe(start);
    return cpu;
  }
  it('jmp rel8 / rel32 / jcc / call / loop to >= 2^47 are #GP(0) with nothing changed', () => {
    atTop([0xeb, 0x10]); // jmp +0x10
    atTop([0xe9, 0, 1, 0, 0]); // jmp +0x100
    atTop([0x74, 0x10], (m) => m.writeRflags(0x42)); // je +0x10 with ZF = 1
    let cpu = atTop([0xe8, 0, 1, 0, 0]); // call +0x100
    expect(get(cpu, RSP)).toBe(TN);
    expect(peek(cpu, T - 8)).toBe(0n);
    cpu = atTop([0xe2, 0x10], (m) => set(m, RCX, 5n)); // loop +0x10
    expect(get(cpu, RCX)).toBe(5n);
  });
  it('a not-taken branch there just falls through', () => {
    const start = TOP - 3;
    const cpu = machine([]);
    const dv = cpu.mem.dv;
    dv.setUint32(PML4 + 255 * 8, 0x8000 | 7, true);
    dv.setUint32(0x8000 + 511 * 8, 0x9000 | 7, true);
    dv.setUint32(0x9000 + 511 * 8, 0x800000 | 0x87, true);
    cpu.mem.u8.set([0x74, 0x10, 0xf4], 0x800000 + 0x200000 - 3); // je +0x10 | hlt
    cpu.rip = start;
    cpu.writeRflags(2);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(TOP - 1);
  });
});
