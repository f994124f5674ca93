/**
 * Event delivery through the 64-bit IDT (SDM Vol. 3 §6.12–6.15): INT n, the
 * frame, CPL 3 → 0 with TSS.RSP0, IST, IRETQ back, error codes, RF for
 * faults, #DF and shutdown, external interrupts with STI's shadow, HLT,
 * injection and the interrupt window.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_EXCEPTION, EVENT_EXTERNAL } from '../../../src/emu/interrupts.ts';
import {
  EXIT_EXCEPTION, EXIT_HLT, EXIT_IDLE, EXIT_INTERRUPT_WINDOW, EXIT_TRIPLE_FAULT,
} from '../../../src/emu/exits.ts';
import { BP, DF, GP, NP } from '../../../src/emu/fault.ts';
import { SEG_CS, SEG_SS } from '../../../src/emu/insn.ts';
import { RSP } from '../../../src/emu/regs.ts';
import { CODE, DATA, STACK_TOP, makeMachine } from '../machine.ts';
import { KCODE, UCODE, UDATA, enterUser, peek64, poke, setGate, setTssIst, setTssRsp } from './helpers.ts';

const HANDLER = 0x180000, HANDLER2 = 0x181000;
const HLT = [0xf4];
const IRETQ = [0x48, 0xcf]; // iretq
const IF = 1 << 9, TF = 1 << 8, RF = 1 << 16;

function rsp(cpu: ReturnType<typeof makeMachine>): number {
  return Number(cpu.getGpr(RSP));
}
/** The qwords of the frame at RSP. */
function frame(cpu: ReturnType<typeof makeMachine>, n: number): bigint[] {
  const sp = rsp(cpu);
  return Array.from({ length: n }, (_, k) => peek64(cpu, sp + 8 * k));
}

describe('INT n at CPL 0', () => {
  it('pushes SS, RSP, RFLAGS, CS, RIP on the 16-byte-aligned stack and enters through an interrupt gate', () => {
    // cd 80   int 0x80
    const cpu = makeMachine([0xcd, 0x80], { deliverExceptions: true });
    setGate(cpu, 0x80, HANDLER);
    poke(cpu, HANDLER, HLT);
    cpu.r[2 * RSP] = STACK_TOP - 8; // misaligned: delivery aligns down to 16
    cpu.writeRflags(0x2 | IF | 0x1); // IF and CF set
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER);
    expect(rsp(cpu)).toBe(STACK_TOP - 16 - 40);
    expect(frame(cpu, 5)).toEqual([BigInt(CODE + 2), BigInt(KCODE), 0x203n, BigInt(STACK_TOP - 8), 0x10n]);
    expect(cpu.readRflags() & IF).toBe(0); // interrupt gate clears IF
  });

  it('a trap gate leaves IF set; TF and RF are cleared', () => {
    const cpu = makeMachine([0xcd, 0x81], { deliverExceptions: true });
    setGate(cpu, 0x81, HANDLER, { type: 0xf });
    poke(cpu, HANDLER, HLT);
    cpu.writeRflags(0x2 | IF);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.readRflags() & (IF | TF | RF)).toBe(IF);
  });

  it('uses the IST stack when the gate names one, even without a privilege change', () => {
    const cpu = makeMachine([0xcd, 0x82], { deliverExceptions: true });
    setGate(cpu, 0x82, HANDLER, { ist: 2 });
    setTssIst(cpu, 2, DATA + 0x1008); // aligned down to DATA + 0x1000
    poke(cpu, HANDLER, HLT);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(rsp(cpu)).toBe(DATA + 0x1000 - 40);
    expect(frame(cpu, 5)[3]).toBe(BigInt(STACK_TOP));
  });

  it('a not-present gate is #NP(vector*8+2) and a fault of the INT (RIP at it)', () => {
    const cpu = makeMachine([0xcd, 0x83]);
    setGate(cpu, 0x83, HANDLER, { present: false });
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect([exit.vector, exit.errorCode]).toEqual([NP, 0x83 * 8 + 2]);
    expect(cpu.rip).toBe(CODE);
  });
});

describe('privilege change CPL 3 → 0 and IRETQ back', () => {
  it('INT 0x80 from user mode switches to TSS.RSP0, IRETQ returns to CPL 3', () => {
    // user:   cd 80  int 0x80 ; f4 hlt (→ #GP at CPL 3)
    // kernel: 48 cf  iretq
    const cpu = makeMachine([0xcd, 0x80, 0xf4]);
    setGate(cpu, 0x80, HANDLER, { dpl: 3 });
    poke(cpu, HANDLER, IRETQ);
    setTssRsp(cpu, 0, DATA + 0x2000);
    enterUser(cpu, CODE, 0x280000 - 24);
    cpu.writeRflags(0x2 | IF);
    // Stop at the kernel handler first: one instruction.
    expect(cpu.run(1).reason).toBe(0);
    expect(cpu.cpl).toBe(0);
    expect(cpu.rip).toBe(HANDLER);
    expect(rsp(cpu)).toBe(DATA + 0x2000 - 40);
    expect(frame(cpu, 5)).toEqual([BigInt(CODE + 2), BigInt(UCODE), BigInt(0x202), BigInt(0x280000 - 24), BigInt(UDATA)]);
    expect(cpu.seg[SEG_SS].selector).toBe(0); // null SS with RPL = new CPL
    const exit = cpu.run(10);
    // Back at CPL 3: HLT is #GP(0) there.
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect([exit.vector, exit.errorCode]).toEqual([GP, 0]);
    expect(cpu.cpl).toBe(3);
    expect(cpu.rip).toBe(CODE + 2);
    expect(rsp(cpu)).toBe(0x280000 - 24);
    expect(cpu.seg[SEG_CS].selector).toBe(UCODE);
    expect(cpu.seg[SEG_SS].selector).toBe(UDATA);
    expect(cpu.readRflags() & IF).toBe(IF);
  });

  it('INT n through a DPL-0 gate from CPL 3 is #GP(vector*8+2)', () => {
    const cpu = makeMachine([0xcd, 0x80]);
    setGate(cpu, 0x80, HANDLER, { dpl: 0 });
    enterUser(cpu, CODE, 0x280000);
    const exit = cpu.run(10);
    expect([exit.vector, exit.errorCode]).toEqual([GP, 0x80 * 8 + 2]);
    expect(cpu.rip).toBe(CODE);
  });

  it('IRETQ to CPL 3 with an SS whose RPL differs is #GP(SS selector)', () => {
    const cpu = makeMachine(IRETQ);
    const sp = DATA;
    // Frame: RIP, CS=0x23, RFLAGS, RSP, SS=0x18 (RPL 0 ≠ 3).
    [CODE, UCODE, 2, 0x1000, 0x18].forEach((v, k) => cpu.mem.dv.setBigUint64(sp + 8 * k, BigInt(v), true));
    cpu.r[2 * RSP] = sp;
    const exit = cpu.run(10);
    expect([exit.vector, exit.errorCode]).toEqual([GP, 0x18]);
    expect(cpu.cpl).toBe(0);
  });

  it('IRETQ to a non-canonical RIP is #GP(0)', () => {
    const cpu = makeMachine(IRETQ);
    [0, KCODE, 2, 0x1000, 0x10].forEach((v, k) => cpu.mem.dv.setBigUint64(DATA + 8 * k, BigInt(v), true));
    cpu.mem.dv.setBigUint64(DATA, 0x0000800000000000n, true);
    cpu.r[2 * RSP] = DATA;
    expect(cpu.run(10)).toMatchObject({ vector: GP, errorCode: 0 });
    expect(cpu.rip).toBe(CODE);
  });
});

describe('exceptions delivered to the guest', () => {
  it('#GP pushes its error code and RF = 1 in the saved RFLAGS (fault), RIP at the faulting instruction', () => {
    // 0f 30   wrmsr (ECX = 0x1234: no such MSR → #GP(0))
    const cpu = makeMachine([0x0f, 0x30], { deliverExceptions: true });
    cpu.r[2 * 1] = 0x1234;
    setGate(cpu, GP, HANDLER);
    poke(cpu, HANDLER, HLT);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    const f = frame(cpu, 6);
    expect(f[0]).toBe(0n); // error code
    expect(f[1]).toBe(BigInt(CODE));
    expect(f[3] & BigInt(RF)).toBe(BigInt(RF));
  });

  it('#BP from INT3 is a trap: RIP after the INT3, RF clear', () => {
    const cpu = makeMachine([0xcc], { deliverExceptions: true });
    setGate(cpu, BP, HANDLER);
    poke(cpu, HANDLER, HLT);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    const f = frame(cpu, 5);
    expect(f[0]).toBe(BigInt(CODE + 1));
    expect(f[2] & BigInt(RF)).toBe(0n);
  });

  it('#GP whose gate is not present becomes #DF (error code 0)', () => {
    const cpu = makeMachine([0x0f, 0x30], { deliverExceptions: true });
    cpu.r[2 * 1] = 0x1234;
    setGate(cpu, GP, HANDLER, { present: false });
    setGate(cpu, DF, HANDLER2);
    poke(cpu, HANDLER2, HLT);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER2);
    expect(frame(cpu, 2)).toEqual([0n, BigInt(CODE)]);
  });

  it('#DF is reported as an exception exit when intercepted', () => {
    const cpu = makeMachine([0x0f, 0x30]);
    cpu.ctl.exceptionBitmap = 1 << DF;
    cpu.r[2 * 1] = 0x1234;
    setGate(cpu, GP, HANDLER, { present: false });
    expect(cpu.run(10)).toMatchObject({ reason: EXIT_EXCEPTION, vector: DF, errorCode: 0 });
  });

  it('a fault while delivering #DF shuts down: EXIT_TRIPLE_FAULT', () => {
    const cpu = makeMachine([0x0f, 0x30], { deliverExceptions: true }); // the IDT is empty
    cpu.r[2 * 1] = 0x1234;
    expect(cpu.run(10).reason).toBe(EXIT_TRIPLE_FAULT);
  });

  it('#PF while delivering #BP (benign first) is delivered as #PF, not #DF', () => {
    const cpu = makeMachine([0xcc], { deliverExceptions: true });
    setGate(cpu, BP, HANDLER);
    setGate(cpu, 14, HANDLER2, { ist: 1 });
    setTssIst(cpu, 1, DATA + 0x3000);
    poke(cpu, HANDLER2, HLT);
    cpu.r[2 * RSP] = 0;
    cpu.r[2 * RSP + 1] = 0x10; // RSP = 0x10_00000000: outside the 1 GiB map → #PF on the push
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER2);
    expect(frame(cpu, 2)).toEqual([2n, BigInt(CODE)]); // #PF(W), RIP at the INT3 (the fault is the INT3's)
    expect(cpu.cr2).toBe(0x10_00000000 - 8);
  });
});

describe('external interrupts, STI shadow, HLT, injection', () => {
  it('INTR is delivered only after the instruction following STI', () => {
    // fb sti ; 90 nop ; f4 hlt
    const cpu = makeMachine([0xfb, 0x90, 0xf4], { deliverExceptions: true });
    setGate(cpu, 0x30, HANDLER);
    poke(cpu, HANDLER, HLT);
    cpu.intAck = () => 0x30;
    cpu.raiseIntr();
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER);
    expect(frame(cpu, 1)[0]).toBe(BigInt(CODE + 2)); // after the NOP, before the HLT
  });

  it('INTR with IF = 0 stays pending', () => {
    const cpu = makeMachine([0x90, 0xf4]);
    cpu.raiseIntr();
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(CODE + 1);
  });

  it('HLT without HLT exiting idles (EXIT_IDLE) until an interrupt wakes it', () => {
    const cpu = makeMachine([0xfb, 0xf4], { deliverExceptions: true });
    cpu.ctl.hlt = false;
    setGate(cpu, 0x31, HANDLER);
    poke(cpu, HANDLER, HLT);
    expect(cpu.run(10).reason).toBe(EXIT_IDLE);
    expect(cpu.halted).toBe(true);
    cpu.intAck = () => 0x31;
    cpu.raiseIntr();
    cpu.ctl.hlt = true;
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(HANDLER);
    expect(frame(cpu, 1)[0]).toBe(BigInt(CODE + 2)); // returns after the HLT
  });

  it('an interrupt-window exit comes once IF = 1 and the STI shadow has passed', () => {
    const cpu = makeMachine([0xfb, 0x90, 0x90, 0xf4]);
    cpu.ctl.interruptWindow = true;
    expect(cpu.run(10).reason).toBe(EXIT_INTERRUPT_WINDOW);
    expect(cpu.rip).toBe(CODE + 2);
  });

  it('an injected exception is delivered even when its vector is in the exception bitmap', () => {
    const cpu = makeMachine([0x90]);
    setGate(cpu, GP, HANDLER);
    poke(cpu, HANDLER, HLT);
    cpu.inject(GP, 0x28, EVENT_EXCEPTION);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(frame(cpu, 2)).toEqual([0x28n, BigInt(CODE)]);
  });

  it('an injected external interrupt ignores IF', () => {
    const cpu = makeMachine([0x90]);
    setGate(cpu, 0x40, HANDLER);
    poke(cpu, HANDLER, HLT);
    cpu.inject(0x40, -1, EVENT_EXTERNAL);
    expect(cpu.run(10).reason).toBe(EXIT_HLT);
    expect(frame(cpu, 1)[0]).toBe(BigInt(CODE));
  });

  it('CLI clears IF, STI sets it (IOPL 0 at CPL 0)', () => {
    const cpu = makeMachine([0xfb, 0xf4]);
    cpu.run(10);
    expect(cpu.readRflags() & IF).toBe(IF);
    const c2 = makeMachine([0xfa, 0xf4]);
    c2.writeRflags(0x202);
    c2.run(10);
    expect(c2.readRflags() & IF).toBe(0);
  });
});
