/**
 * System instructions of issue 11's integer gaps, on the test machine
 * (machine.ts GDT: 0x08 kernel code, 0x10 kernel data, 0x1b user data,
 * 0x23 user code, 0x28 TSS): far RET/JMP/CALL, LAR/LSL/VERR/VERW,
 * SMSW/LMSW, CLAC/STAC with SMAP, SMEP, CR4.FSGSBASE, PCIDE and CR3 bit 63,
 * INVPCID, INS/OUTS through the I/O bus and as I/O exits.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { completeStringIo } from '../../../src/emu/exec/string-io.ts';
import { EXIT_EXCEPTION, EXIT_HLT, EXIT_IO, EXIT_UNSUPPORTED } from '../../../src/emu/exits.ts';
import { GP, PF, UD } from '../../../src/emu/fault.ts';
import { SEG_DS, SEG_SS } from '../../../src/emu/insn.ts';
import { CR4_FSGSBASE, CR4_PCIDE, CR4_SMAP, CR4_SMEP, FLAG_AC, RAX, RBX, RCX, RDI, RDX, RSI, RSP } from '../../../src/emu/regs.ts';
import { CODE, DATA, GDT_BASE, PD, STACK_TOP, makeMachine } from '../machine.ts';
import { KCODE, UCODE, UDATA, enterUser, poke64 } from './helpers.ts';

function go(cpu: Cpu): Cpu {
  const exit = cpu.run(10_000);
  if (exit.reason !== EXIT_HLT) throw new Error(`expected HLT, got ${exit.name} vector ${exit.vector} at 0x${cpu.rip.toString(16)}`);
  return cpu;
}
function fault(cpu: Cpu, vector: number, errorCode?: number): Cpu {
  const exit = cpu.run(10_000);
  expect(exit.reason, `exit ${exit.name}`).toBe(EXIT_EXCEPTION);
  expect(exit.vector).toBe(vector);
  if (errorCode !== undefined) expect(exit.errorCode).toBe(errorCode);
  return cpu;
}
const HLT = 0xf4;
function mk(code: number[], setup?: (c: Cpu) => void): Cpu {
  const c = makeMachine(code);
  setup?.(c);
  return c;
}
const setR = (cpu: Cpu, g: number, v: number | bigint) => cpu.setGpr(g as never, BigInt.asUintN(64, BigInt(v)));
const getR = (cpu: Cpu, g: number) => cpu.getGpr(g as never);

describe('far RET / JMP / CALL', () => {
  it('RETF (32-bit slots) and REX.W RETF imm16 to the same level', () => {
    const target = CODE + 0x100;
    const cpu = mk([0xcb]); // retf
    cpu.mem.u8[target] = HLT;
    const sp = STACK_TOP - 0x40;
    cpu.mem.dv.setUint32(sp, target, true);
    cpu.mem.dv.setUint32(sp + 4, KCODE, true);
    setR(cpu, RSP, sp);
    go(cpu);
    expect(cpu.rip).toBe(target); // HLT exits with RIP at it
    expect(getR(cpu, RSP)).toBe(BigInt(sp + 8));
    const q = mk([0x48, 0xca, 0x10, 0x00]); // retfq 0x10
    q.mem.u8[target] = HLT;
    poke64(q, sp, BigInt(target));
    poke64(q, sp + 8, BigInt(KCODE));
    setR(q, RSP, sp);
    go(q);
    expect(getR(q, RSP)).toBe(BigInt(sp + 16 + 0x10));
  });
  it('RETFQ from CPL 0 to CPL 3 pops RSP and SS, nulls DS (DPL 0)', () => {
    const cpu = mk([0x48, 0xcb]);
    const user = CODE + 0x200, sp = STACK_TOP - 0x40;
    cpu.mem.u8[user] = HLT; // HLT at CPL 3: #GP, which shows we got there at CPL 3
    poke64(cpu, sp, BigInt(user));
    poke64(cpu, sp + 8, BigInt(UCODE));
    poke64(cpu, sp + 16, 0x2000n);
    poke64(cpu, sp + 24, BigInt(UDATA));
    setR(cpu, RSP, sp);
    fault(cpu, GP, 0);
    expect(cpu.cpl).toBe(3);
    expect(cpu.rip).toBe(user);
    expect(getR(cpu, RSP)).toBe(0x2000n);
    expect(cpu.seg[SEG_SS].selector).toBe(UDATA);
    expect(cpu.seg[SEG_DS].selector).toBe(0);
  });
  it('RETF checks: null CS, a data segment, an inner level, a non-canonical RIP', () => {
    const sp = STACK_TOP - 0x40;
    const mkRet = (rip: bigint, cs: number, user = false) => {
      const cpu = mk([0x48, 0xcb]);
      poke64(cpu, sp, rip);
      poke64(cpu, sp + 8, BigInt(cs));
      if (user) {
        enterUser(cpu, CODE, sp);
        cpu.mem.u8.set([0x48, 0xcb], CODE);
      } else setR(cpu, RSP, sp);
      return cpu;
    };
    fault(mkRet(BigInt(CODE), 0), GP, 0);
    fault(mkRet(BigInt(CODE), 0x10), GP, 0x10);
    fault(mkRet(BigInt(CODE), KCODE, true), GP, KCODE); // CPL 3 → 0 by RET is not allowed
    fault(mkRet(0x0000_8000_0000_0000n, KCODE), GP, 0);
  });
  it('JMP FAR m16:64 / CALL FAR m16:32 to a code segment; call gates stop the run', () => {
    const target = CODE + 0x300, ptr = DATA;
    const j = mk([0x48, 0xff, 0x2b]); // rex.W jmp far [rbx]
    j.mem.u8[target] = HLT;
    poke64(j, ptr, BigInt(target));
    j.mem.dv.setUint16(ptr + 8, KCODE, true);
    setR(j, RBX, ptr);
    go(j);
    expect(j.rip).toBe(target);
    const c = mk([0xff, 0x1b]); // call far [rbx] (m16:32)
    c.mem.u8[target] = HLT;
    c.mem.dv.setUint32(ptr, target, true);
    c.mem.dv.setUint16(ptr + 4, KCODE, true);
    setR(c, RBX, ptr);
    go(c);
    expect(getR(c, RSP)).toBe(BigInt(STACK_TOP - 8));
    expect(c.mem.dv.getUint32(STACK_TOP - 8, true)).toBe(CODE + 2); // return EIP, then CS
    expect(c.mem.dv.getUint32(STACK_TOP - 4, true)).toBe(KCODE);
    // A 64-bit call gate in GDT slot 7 (0x38): not emulated.
    const g = mk([0xff, 0x2b]);
    g.mem.dv.setUint32(GDT_BASE + 0x38, (KCODE << 16) | (target & 0xffff), true);
    g.mem.dv.setUint32(GDT_BASE + 0x3c, (target & 0xffff0000) | 0x8c00, true);
    g.gdtr.limit = 0x47;
    g.mem.dv.setUint32(ptr, 0, true);
    g.mem.dv.setUint16(ptr + 4, 0x38, true);
    setR(g, RBX, ptr);
    expect(g.run(100).reason).toBe(EXIT_UNSUPPORTED);
    // The register form of FF /5 is #UD.
    fault(mk([0xff, 0xeb]), UD);
  });
});

describe('LAR / LSL / VERR / VERW', () => {
  const run = (code: number[], sel: number, user = false) => {
    const cpu = mk([...code, HLT]);
    if (user) {
      enterUser(cpu, CODE, STACK_TOP);
      cpu.flagsOther |= 3 << 12; // IOPL 3 is irrelevant here; HLT faults at CPL 3, caught below
    }
    setR(cpu, RCX, sel);
    setR(cpu, RAX, -1);
    cpu.writeRflags(2);
    const exit = cpu.run(100);
    expect([EXIT_HLT, EXIT_EXCEPTION]).toContain(exit.reason);
    return { zf: (cpu.readRflags() & 0x40) !== 0, rax: getR(cpu, RAX) };
  };
  it('LAR: access rights masked by 00F0FF00h; null / beyond the limit / privilege → ZF = 0', () => {
    expect(run([0x0f, 0x02, 0xc1], KCODE)).toEqual({ zf: true, rax: 0x00a09b00n });
    expect(run([0x66, 0x0f, 0x02, 0xc1], UDATA)).toEqual({ zf: true, rax: 0xffff_ffff_ffff_f300n });
    expect(run([0x0f, 0x02, 0xc1], 0x28)).toEqual({ zf: true, rax: 0x8900n }); // TSS
    expect(run([0x0f, 0x02, 0xc1], 0)).toEqual({ zf: false, rax: u64(-1n) });
    expect(run([0x0f, 0x02, 0xc1], 0x80)).toEqual({ zf: false, rax: u64(-1n) });
    expect(run([0x0f, 0x02, 0xc1], 0x10, true).zf).toBe(false); // DPL 0 data from CPL 3
  });
  it('LSL: the byte limit (G scales), TSS limit', () => {
    expect(run([0x48, 0x0f, 0x03, 0xc1], KCODE)).toEqual({ zf: true, rax: 0xffff_ffffn });
    expect(run([0x0f, 0x03, 0xc1], 0x28)).toEqual({ zf: true, rax: 0x67n });
  });
  it('VERR/VERW: readable / writable, privilege checked', () => {
    expect(run([0x0f, 0x00, 0xe1], KCODE).zf).toBe(true); // verr: readable code
    expect(run([0x0f, 0x00, 0xe9], KCODE).zf).toBe(false); // verw: code is never writable
    expect(run([0x0f, 0x00, 0xe9], UDATA, true).zf).toBe(true);
    expect(run([0x0f, 0x00, 0xe9], 0x10, true).zf).toBe(false);
    expect(run([0x0f, 0x00, 0xe1], 0x28).zf).toBe(false); // system descriptor
  });
});
const u64 = (v: bigint) => BigInt.asUintN(64, v);

describe('SMSW / LMSW, CLAC / STAC, SMAP, SMEP, FSGSBASE, PCID', () => {
  it('SMSW stores CR0 (16 bits to memory); LMSW sets MP/EM/TS but cannot clear PE; LMSW at CPL 3 is #GP', () => {
    const cpu = go(mk([0x0f, 0x01, 0xe0, 0x0f, 0x01, 0x23, HLT], (c) => setR(c, RBX, DATA)));
    expect(getR(cpu, RAX)).toBe(0x80050033n);
    expect(cpu.mem.dv.getUint16(DATA, true)).toBe(0x0033);
    const l = go(mk([0x0f, 0x01, 0xf1, HLT], (c) => setR(c, RCX, 0xe)));
    expect(l.cr0 >>> 0).toBe(0x8005003f);
    const u = mk([0x0f, 0x01, 0xf1]);
    enterUser(u, CODE, STACK_TOP);
    fault(u, GP, 0);
  });
  it('SMAP: a supervisor read of a user page faults unless STAC set AC; CLAC ends it; STAC at CPL 3 is #UD', () => {
    const code = [0x0f, 0x22, 0xe0, 0x0f, 0x01, 0xcb, 0x8b, 0x03, 0x0f, 0x01, 0xca, 0x8b, 0x03, HLT]; // mov cr4,rax; stac; mov eax,[rbx]; clac; mov eax,[rbx]
    const cpu = mk(code, (c) => setR(c, RBX, DATA));
    // Code must stay fetchable at CPL 0: SMAP concerns data only. Set CR4 from RAX.
    setR(cpu, RAX, cpu.cr4 | CR4_SMAP);
    fault(cpu, PF, 1); // the second read (after CLAC): P=1, supervisor read
    expect(cpu.rip).toBe(CODE + 11);
    expect(cpu.mmu.faultLa).toBe(DATA);
    const u = mk([0x0f, 0x01, 0xcb]);
    enterUser(u, CODE, STACK_TOP);
    fault(u, UD);
    expect(u.flagsOther & FLAG_AC).toBe(0);
  });
  it('SMEP: a supervisor fetch from a user page faults (#PF with I/D)', () => {
    const cpu = mk([0x0f, 0x22, 0xe0, HLT]);
    setR(cpu, RAX, cpu.cr4 | CR4_SMEP);
    fault(cpu, PF, 0x11);
    expect(cpu.rip).toBe(CODE + 3);
    // With the code page supervisor-only (PD entry without U/S) it runs.
    const ok = mk([0x0f, 0x22, 0xe0, HLT]);
    ok.mem.dv.setUint32(PD + Math.floor(CODE / 0x200000) * 8, (Math.floor(CODE / 0x200000) * 0x200000 + 0x83) >>> 0, true);
    ok.mmu.flushTlb();
    setR(ok, RAX, ok.cr4 | CR4_SMEP);
    go(ok);
  });
  it('CR4.FSGSBASE can be set (CPUID has it) and enables RDFSBASE/WRGSBASE; #UD without it', () => {
    const code = [0xf3, 0x48, 0x0f, 0xae, 0xd9, 0xf3, 0x48, 0x0f, 0xae, 0xc0, HLT]; // wrgsbase rcx; rdfsbase rax
    fault(mk(code), UD);
    const cpu = mk([0x0f, 0x22, 0xe2, ...code], (c) => { setR(c, RDX, c.cr4 | CR4_FSGSBASE); setR(c, RCX, 0x1234_5678_9000n); });
    cpu.seg[4].base = 0x777;
    go(cpu);
    expect(cpu.seg[5].base).toBe(0x1234_5678_9000);
    expect(getR(cpu, RAX)).toBe(0x777n);
  });
  it('PCIDE: set only with CR3[11:0] = 0; CR3 bit 63 is not stored; INVPCID types 0–3, #GP for type 4 and at CPL 3', () => {
    const cpu = go(mk([0x0f, 0x22, 0xe0, 0x0f, 0x22, 0xda, 0x66, 0x0f, 0x38, 0x82, 0x0b, HLT], (c) => {
      setR(c, RAX, c.cr4 | CR4_PCIDE);
      setR(c, RDX, (1n << 63n) | BigInt(c.cr3) | 5n); // PCID 5, no flush
      setR(c, RCX, 2);
      setR(c, RBX, DATA);
    }));
    expect(cpu.cr3).toBe(0x1005);
    const bad = mk([0x0f, 0x22, 0xe0], (c) => { c.cr3 |= 1; setR(c, RAX, c.cr4 | CR4_PCIDE); });
    fault(bad, GP, 0);
    fault(mk([0x66, 0x0f, 0x38, 0x82, 0x0b], (c) => { setR(c, RCX, 4); setR(c, RBX, DATA); }), GP, 0);
    const inv0 = mk([0x66, 0x0f, 0x38, 0x82, 0x0b, HLT], (c) => { setR(c, RCX, 0); setR(c, RBX, DATA); });
    poke64(inv0, DATA, 0n);
    poke64(inv0, DATA + 8, 0x8000_0000_0000n); // non-canonical address
    fault(inv0, GP, 0);
    const u = mk([0x66, 0x0f, 0x38, 0x82, 0x0b]);
    enterUser(u, CODE, STACK_TOP);
    setR(u, RBX, DATA);
    fault(u, GP, 0);
  });
});

describe('INS / OUTS', () => {
  it('REP OUTSB / REP INSW through the I/O bus, DF and 67 respected', () => {
    const out: number[] = [];
    const cpu = mk([0xf3, 0x6e, 0xfd, 0x66, 0xf3, 0x6d, HLT], (c) => {
      c.ctl.io = false;
      let n = 0;
      c.io = { in: () => 0x100 + n++, out: (port, size, v) => { out.push(port, size, v); } };
      setR(c, RDX, 0x3f8);
      setR(c, RSI, DATA);
      setR(c, RCX, 3);
      c.mem.u8.set([0x61, 0x62, 0x63], DATA);
    });
    const c2 = cpu;
    go(c2);
    expect(out).toEqual([0x3f8, 1, 0x61, 0x3f8, 1, 0x62, 0x3f8, 1, 0x63]);
    expect(getR(cpu, RSI)).toBe(BigInt(DATA + 3));
    // The INSW had RCX = 0 after the OUTSB: nothing happened.
    expect(getR(cpu, RDI)).toBe(0n);
    const ins = mk([0xfd, 0x66, 0xf3, 0x6d, HLT], (c) => {
      c.ctl.io = false;
      let n = 0;
      c.io = { in: () => 0xa000 + n++, out: () => {} };
      setR(c, RCX, 2);
      setR(c, RDI, DATA + 0x10);
    });
    go(ins);
    expect(ins.mem.dv.getUint16(DATA + 0x10, true)).toBe(0xa000);
    expect(ins.mem.dv.getUint16(DATA + 0x0e, true)).toBe(0xa001);
    expect(getR(ins, RDI)).toBe(BigInt(DATA + 0x0c));
  });
  it('with I/O exiting each element exits (count 1) and completeStringIo finishes it; CPL > IOPL is #GP', () => {
    const cpu = mk([0xf3, 0x6c, HLT], (c) => { setR(c, RCX, 2); setR(c, RDI, DATA); setR(c, RDX, 0x60); });
    cpu.ctl.io = true;
    for (const v of [0x41, 0x42]) {
      const e = cpu.run(100);
      expect(e.reason).toBe(EXIT_IO);
      expect([e.port, e.size, e.out, e.count, cpu.rip]).toEqual([0x60, 1, false, 1, CODE]);
      if (completeStringIo(cpu, e.stringIo!, v)) cpu.rip += e.insnLen;
    }
    go(cpu);
    expect([cpu.mem.u8[DATA], cpu.mem.u8[DATA + 1]]).toEqual([0x41, 0x42]);
    expect(getR(cpu, RCX)).toBe(0n);
    const u = mk([0x6e]);
    enterUser(u, CODE, STACK_TOP);
    fault(u, GP, 0);
  });
});
