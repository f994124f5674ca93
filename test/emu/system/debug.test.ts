/**
 * Debug hardware (SDM Vol. 3 §18.2–18.3, uapi.md §2): single-step (TF,
 * DR6.BS), execute breakpoints (fault-like, suppressed by RF), data
 * breakpoints of each length and R/W type (trap-like, after the access),
 * general detect (DR7.GD → #DB with BD, GD cleared on delivery), DR6 values,
 * MOV SS blocking, and no single-step trap after an INT3 delivery.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { BP, DB } from '../../../src/emu/fault.ts';
import { RAX, RBX, RSP } from '../../../src/emu/regs.ts';
import { CODE, DATA, makeMachine } from '../machine.ts';
import { peek64, poke, setGate } from './helpers.ts';

const TF = 0x100, RF = 0x10000, IF = 0x200;
const NOP = 0x90, HLT = 0xf4;
const HANDLER = 0x180000;

function arm(cpu: Cpu, i: number, addr: number, rw: number, len: number): void {
  cpu.dr[i] = addr;
  cpu.dr7 = (cpu.dr7 | (1 << (2 * i)) | (((len << 2) | rw) << (16 + 4 * i))) >>> 0;
  cpu.debugRegsChanged();
}

describe('single-step (RFLAGS.TF)', () => {
  it('traps after every instruction with DR6.BS, RIP at the next instruction', () => {
    const cpu = makeMachine([NOP, NOP, NOP, 0x48, 0x8b, 0x03, HLT]); // nop ×3 ; mov rax,[rbx] ; hlt
    cpu.ctl.exceptionBitmap = 1 << DB;
    cpu.setGpr(RBX, BigInt(DATA));
    cpu.writeRflags(0x2 | TF);
    const rips: number[] = [];
    for (;;) {
      const exit = cpu.run(100);
      if (exit.reason !== EXIT_EXCEPTION) break;
      expect([exit.vector, exit.qual, exit.insnLen]).toEqual([DB, 0x4000, 0]);
      rips.push(cpu.rip);
    }
    expect(rips).toEqual([CODE + 1, CODE + 2, CODE + 3, CODE + 6]);
    expect(cpu.exit.reason).toBe(EXIT_HLT);
    expect(cpu.icount).toBe(4);
  });

  it('a delivered single-step #DB sets DR6 = FFFF4FF0H and clears TF for the handler', () => {
    const cpu = makeMachine([NOP, HLT], { deliverExceptions: true });
    setGate(cpu, DB, HANDLER);
    poke(cpu, HANDLER, [HLT]);
    cpu.writeRflags(0x2 | TF);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER);
    expect(cpu.dr6).toBe(0xffff4ff0);
    expect(cpu.readRflags() & TF).toBe(0);
    expect(peek64(cpu, Number(cpu.getGpr(RSP)))).toBe(BigInt(CODE + 1));
  });

  it('no single-step trap after an INT3 that delivered #BP (the handler runs with TF clear)', () => {
    const cpu = makeMachine([0xcc, HLT]);
    cpu.ctl.exceptionBitmap = 1 << DB;
    setGate(cpu, BP, HANDLER);
    poke(cpu, HANDLER, [HLT]);
    cpu.writeRflags(0x2 | TF);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER);
  });
});

describe('execute breakpoints', () => {
  it('fault before the instruction (RIP at it); RF = 1 lets it execute once; RF then clears', () => {
    const cpu = makeMachine([NOP, NOP, NOP, HLT]);
    cpu.ctl.exceptionBitmap = 1 << DB;
    arm(cpu, 2, CODE + 1, 0, 0);
    let exit = cpu.run(10);
    expect([exit.reason, exit.vector, exit.qual]).toEqual([EXIT_EXCEPTION, DB, 1 << 2]);
    expect(cpu.rip).toBe(CODE + 1);
    expect(cpu.icount).toBe(1);
    // Without RF it hits again.
    expect(cpu.run(10).qual).toBe(4);
    expect(cpu.rip).toBe(CODE + 1);
    cpu.writeRflags(cpu.readRflags() | RF);
    exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_HLT);
    expect(cpu.readRflags() & RF).toBe(0);
  });

  it('a delivered execute-breakpoint #DB pushes RF = 0 and sets DR6.B0', () => {
    const cpu = makeMachine([NOP, HLT], { deliverExceptions: true });
    setGate(cpu, DB, HANDLER);
    poke(cpu, HANDLER, [HLT]);
    arm(cpu, 0, CODE, 0, 0);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.dr6).toBe(0xffff0ff1);
    const sp = Number(cpu.getGpr(RSP));
    expect(peek64(cpu, sp)).toBe(BigInt(CODE));
    expect(peek64(cpu, sp + 16) & BigInt(RF)).toBe(0n);
  });
});

describe('data breakpoints', () => {
  // Accesses at [rbx]: 88 03 mov [rbx],al | 66 89 03 mov [rbx],ax | 89 03 mov [rbx],eax | 48 89 03 mov [rbx],rax
  //                    8a 03 mov al,[rbx] | 66 8b 03 mov ax,[rbx] | 8b 03 mov eax,[rbx] | 48 8b 03 mov rax,[rbx]
  const WRITE: Record<number, number[]> = { 1: [0x88, 0x03], 2: [0x66, 0x89, 0x03], 4: [0x89, 0x03], 8: [0x48, 0x89, 0x03] };
  const READ: Record<number, number[]> = { 1: [0x8a, 0x03], 2: [0x66, 0x8b, 0x03], 4: [0x8b, 0x03], 8: [0x48, 0x8b, 0x03] };
  const LEN_CODE: Record<number, number> = { 1: 0, 2: 1, 4: 3, 8: 2 };
  const BASE = DATA + 0x40;

  /** Run one access of `size` at `addr` with DR1 armed (len, rw); return the DR6 bits reported, or 0. */
  function hit(access: number[], addr: number, len: number, rw: number): number {
    const cpu = makeMachine([...access, HLT]);
    cpu.ctl.exceptionBitmap = 1 << DB;
    arm(cpu, 1, BASE, rw, LEN_CODE[len]);
    cpu.setGpr(RBX, BigInt(addr));
    const exit = cpu.run(10);
    if (exit.reason === EXIT_HLT) return 0;
    expect([exit.reason, exit.vector]).toEqual([EXIT_EXCEPTION, DB]);
    expect(cpu.rip).toBe(CODE + access.length); // trap: after the access
    return exit.qual;
  }

  for (const len of [1, 2, 4, 8]) {
    it(`length ${len}: writes hit a write breakpoint; reads do not; both hit a read/write breakpoint`, () => {
      for (const size of [1, 2, 4, 8]) {
        expect(hit(WRITE[size], BASE, len, 1)).toBe(2);
        expect(hit(READ[size], BASE, len, 1)).toBe(0);
        expect(hit(READ[size], BASE, len, 3)).toBe(2);
        // The last byte of the range, and the byte after it.
        expect(hit(WRITE[1], BASE + len - 1, len, 1)).toBe(2);
        expect(hit(WRITE[1], BASE + len, len, 3)).toBe(0);
        // An access that ends just before the range.
        expect(hit(READ[size], BASE - size, len, 3)).toBe(0);
        // An access that starts before and overlaps the range.
        if (size > 1) expect(hit(READ[size], BASE - size + 1, len, 3)).toBe(2);
      }
    });
  }

  it('the breakpoint address is aligned down to the length (DR1 = BASE+3 with length 8 covers BASE..BASE+7)', () => {
    const cpu = makeMachine([0x88, 0x03, HLT]);
    cpu.ctl.exceptionBitmap = 1 << DB;
    arm(cpu, 1, BASE + 3, 1, 2);
    cpu.setGpr(RBX, BigInt(BASE));
    expect(cpu.run(10).qual).toBe(2);
  });

  it('a delivered data breakpoint sets DR6.Bn; the store itself completed', () => {
    const cpu = makeMachine([0x48, 0x89, 0x03, HLT], { deliverExceptions: true });
    setGate(cpu, DB, HANDLER);
    poke(cpu, HANDLER, [HLT]);
    arm(cpu, 3, BASE, 1, 2);
    cpu.setGpr(RBX, BigInt(BASE));
    cpu.setGpr(RAX, 0x55n);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.dr6).toBe(0xffff0ff8);
    expect(peek64(cpu, BASE)).toBe(0x55n);
  });
});

describe('general detect (DR7.GD)', () => {
  it('MOV from DR0 with GD set is a #DB fault with BD, RIP at the MOV', () => {
    const cpu = makeMachine([0x0f, 0x21, 0xc0, HLT]); // mov rax, dr0
    cpu.dr7 = 0x2400;
    const exit = cpu.run(10);
    expect([exit.reason, exit.vector, exit.qual]).toEqual([EXIT_EXCEPTION, DB, 0x2000]);
    expect(cpu.rip).toBe(CODE);
    expect(cpu.dr7).toBe(0x2400); // an intercepted #DB changes neither DR6 nor DR7
  });

  it('delivered: DR6 = FFFF2FF0H, DR7.GD cleared, and the MOV then executes', () => {
    // handler: 48 cf iretq  → returns to the MOV, which now runs
    const cpu = makeMachine([0x0f, 0x21, 0xc0, HLT], { deliverExceptions: true });
    setGate(cpu, DB, HANDLER);
    poke(cpu, HANDLER, [0x48, 0xcf]);
    cpu.dr[0] = 0x1234;
    cpu.dr7 = 0x2400;
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.dr6).toBe(0xffff2ff0);
    expect(cpu.dr7).toBe(0x400);
    expect(cpu.getGpr(RAX)).toBe(0x1234n);
  });
});

describe('MOV SS blocking', () => {
  // 8e d0 mov ss, eax ; 90 nop ; f4 hlt
  const PROG = [0x8e, 0xd0, NOP, HLT];

  it('the single-step trap of MOV SS is reported after the next instruction (one #DB)', () => {
    const cpu = makeMachine(PROG);
    cpu.ctl.exceptionBitmap = 1 << DB;
    cpu.setGpr(RAX, 0x10n);
    cpu.writeRflags(0x2 | TF);
    const exit = cpu.run(10);
    expect([exit.vector, exit.qual]).toEqual([DB, 0x4000]);
    expect(cpu.rip).toBe(CODE + 3);
  });

  it('no code breakpoint on the instruction after MOV SS', () => {
    const cpu = makeMachine(PROG);
    cpu.ctl.exceptionBitmap = 1 << DB;
    cpu.setGpr(RAX, 0x10n);
    arm(cpu, 0, CODE + 2, 0, 0);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
  });

  it('an interrupt arriving after MOV SS waits one instruction', () => {
    const cpu = makeMachine(PROG, { deliverExceptions: true });
    setGate(cpu, 0x30, HANDLER);
    poke(cpu, HANDLER, [HLT]);
    cpu.setGpr(RAX, 0x10n);
    cpu.writeRflags(0x2 | IF);
    cpu.run(1);
    cpu.intAck = () => 0x30;
    cpu.raiseIntr();
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER);
    expect(peek64(cpu, Number(cpu.getGpr(RSP)))).toBe(BigInt(CODE + 3));
  });
});
