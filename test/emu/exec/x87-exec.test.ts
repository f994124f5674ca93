/**
 * x87 instructions as the CPU executes them (exec/x87*.ts): operands from
 * memory and the stack, stores, compares into FSW/RFLAGS, #NM/#MF, the
 * last-instruction pointers, FNSTENV/FNSAVE. The arithmetic itself is tested
 * bit-exactly in test/emu/fpu; these tests check the instruction layer.
 * Encodings from `as --64` (intel syntax), listed next to each program.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { MF, NM } from '../../../src/emu/fault.ts';
import { CR0_EM, CR0_MP, CR0_NE, CR0_TS, RAX } from '../../../src/emu/regs.ts';
import { CODE, DATA, makeMachine } from '../machine.ts';

const D = (off: number): number[] => { const a = DATA + off; return [a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24]; };
// Absolute [DATA + off] operands: ModRM mod 00 r/m 100, SIB 25 (disp32 only).
const m = (op: number, digit: number, off: number): number[] => [op, (digit << 3) | 4, 0x25, ...D(off)];

const FNINIT = [0xdb, 0xe3], FLD1 = [0xd9, 0xe8], FLDZ = [0xd9, 0xee], FLDPI = [0xd9, 0xeb];
const FADDP = [0xde, 0xc1], FNSTSW_AX = [0xdf, 0xe0], FWAIT = [0x9b], HLT = [0xf4];

function exec(code: number[], setup?: (cpu: Cpu) => void): { cpu: Cpu; reason: number; vector: number } {
  const cpu = makeMachine([...code, ...HLT]);
  setup?.(cpu);
  const exit = cpu.run(10_000);
  return { cpu, reason: exit.reason, vector: exit.vector };
}

function done(code: number[], setup?: (cpu: Cpu) => void): Cpu {
  const r = exec(code, setup);
  expect(r.reason, `exit ${r.reason} vector ${r.vector}`).toBe(EXIT_HLT);
  return r.cpu;
}

const f64At = (cpu: Cpu, off: number) => cpu.mem.dv.getFloat64(DATA + off, true);
const u16At = (cpu: Cpu, off: number) => cpu.mem.dv.getUint16(DATA + off, true);

describe('x87 data movement and arithmetic', () => {
  it('fld1; fld1; faddp; fstp m64 → 2.0, stack empty again', () => {
    const cpu = done([...FNINIT, ...FLD1, ...FLD1, ...FADDP, ...m(0xdd, 3, 0)]);
    expect(f64At(cpu, 0)).toBe(2);
    expect(cpu.x87.full).toBe(0);
    expect(cpu.x87.top).toBe(0);
  });

  it('fild m32; fidiv m32; fstp m64: 1/3 rounded twice (80 then 64 bits) as the hardware does', () => {
    const cpu = done([...FNINIT, ...m(0xdb, 0, 0x10), ...m(0xda, 6, 0x14), ...m(0xdd, 3, 0)], (c) => {
      c.mem.dv.setInt32(DATA + 0x10, 1, true);
      c.mem.dv.setInt32(DATA + 0x14, 3, true);
    });
    expect(cpu.mem.dv.getBigUint64(DATA, true)).toBe(0x3fd5555555555555n);
    expect(cpu.x87.statusWord() & 0x20).toBe(0x20); // PE
  });

  it('fld m80 / fstp m80 copy the 10 bytes unchanged (an SNaN too: no conversion)', () => {
    const bytes = [0x01, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0x7f]; // SNaN 7FFF 8000000000000001
    const cpu = done([...FNINIT, ...m(0xdb, 5, 0x20), ...m(0xdb, 7, 0x30)], (c) => c.mem.u8.set(bytes, DATA + 0x20));
    expect([...cpu.mem.u8.subarray(DATA + 0x30, DATA + 0x3a)]).toEqual(bytes);
    expect(cpu.x87.statusWord() & 0x3f).toBe(0);
  });

  it('fistp m64 / m16 round by RC; fisttp truncates', () => {
    // fldpi; fistp qword [0x40]; fld1; fchs; fldpi; fsubp → π−(−1)... keep it simple: −2.5 via constants
    const cpu = done([
      ...FNINIT, ...FLDPI, ...m(0xdf, 7, 0x40), // fistp qword → 3
      ...FLDPI, ...m(0xdf, 3, 0x48), // fistp word → 3
      ...FLDPI, ...m(0xdd, 1, 0x50), // fisttp qword → 3
    ]);
    expect(cpu.mem.dv.getBigInt64(DATA + 0x40, true)).toBe(3n);
    expect(cpu.mem.dv.getInt16(DATA + 0x48, true)).toBe(3);
    expect(cpu.mem.dv.getBigInt64(DATA + 0x50, true)).toBe(3n);
  });

  it('fxch and fcmov: fcmovb copies ST(i) only when CF = 1', () => {
    // fld1; fldz; stc; fcmovb st, st(1) → ST0 = 1; clc; fldz; fcmovb st, st(1) → stays 0
    const cpu = done([...FNINIT, ...FLD1, ...FLDZ, 0xf9, 0xda, 0xc1, ...m(0xdd, 2, 0), 0xf8, ...FLDZ, 0xda, 0xc1, ...m(0xdd, 2, 8)]);
    expect(f64At(cpu, 0)).toBe(1);
    expect(f64At(cpu, 8)).toBe(0);
  });

  it('9 pushes overflow the stack: IE|SF|C1, ES (masked: no fault), ST(0) the indefinite', () => {
    const code = [...FNINIT];
    for (let k = 0; k < 9; k++) code.push(...FLD1);
    const cpu = done([...code, ...FNSTSW_AX, ...m(0xdd, 2, 0)]);
    const sw = cpu.r[2 * RAX] & 0xffff;
    expect(sw & 0x2c1).toBe(0x241); // C1 SF IE
    expect(sw & 0x80).toBe(0); // masked: ES clear
    expect(cpu.mem.dv.getBigUint64(DATA, true)).toBe(0xfff8000000000000n); // the double indefinite
  });
});

describe('x87 condition codes the reference CPU settles', () => {
  it('FFREE and FFREEP clear C1; FCMOVcc leaves it', () => {
    // 9 × fld1 (overflow: C1 = 1); ffree st(3) → C1 = 0
    const nine = Array.from({ length: 9 }, () => FLD1).flat();
    expect(done([...FNINIT, ...nine, 0xdd, 0xc3]).x87.fsw & 0x200).toBe(0);
    expect(done([...FNINIT, ...nine, 0xdf, 0xc3]).x87.fsw & 0x200).toBe(0);
    // fcmovb st, st(1) after the overflow: C1 stays 1
    expect(done([...FNINIT, ...nine, 0xda, 0xc1]).x87.fsw & 0x200).toBe(0x200);
  });
});

describe('x87 compares', () => {
  it('fcom sets C0/C2/C3; fnstsw ax reads them; fcomi/fucomip set ZF/PF/CF and clear OF/SF/AF', () => {
    // fld1; fldz; fcom st(1) → 0 < 1: C0; fnstsw ax
    let cpu = done([...FNINIT, ...FLD1, ...FLDZ, 0xd8, 0xd1, ...FNSTSW_AX]);
    expect(cpu.r[2 * RAX] & 0x4500).toBe(0x100);
    // fldz; fld1; fcomi st, st(1) → 1 > 0: ZF = PF = CF = 0
    cpu = done([...FNINIT, ...FLDZ, ...FLD1, 0xdb, 0xf1], (c) => c.writeRflags(0x8d5 | 2));
    expect(cpu.readRflags() & 0x8d5).toBe(0);
    // fld1; fld1; fucomip st, st(1) → equal: ZF, and one pop
    cpu = done([...FNINIT, ...FLD1, ...FLD1, 0xdf, 0xe9]);
    expect(cpu.readRflags() & 0x8d5).toBe(0x40);
    expect(cpu.x87.top).toBe(7);
  });
});

describe('x87 exceptions: #NM and #MF', () => {
  it('CR0.TS or CR0.EM: #NM before anything changes', () => {
    for (const bit of [CR0_TS, CR0_EM]) {
      const r = exec([...FLD1], (c) => { c.cr0 |= bit; });
      expect([r.reason, r.vector]).toEqual([EXIT_EXCEPTION, NM]);
      expect(r.cpu.rip).toBe(CODE);
      expect(r.cpu.x87.full).toBe(0);
    }
  });

  it('FWAIT: #NM only with MP and TS both set', () => {
    expect(exec(FWAIT, (c) => { c.cr0 = (c.cr0 | CR0_TS) & ~CR0_MP; }).reason).toBe(EXIT_HLT);
    expect(exec(FWAIT, (c) => { c.cr0 |= CR0_TS | CR0_MP; }).vector).toBe(NM);
    expect(exec(FWAIT, (c) => { c.cr0 = (c.cr0 | CR0_EM) & ~CR0_TS; }).reason).toBe(EXIT_HLT);
  });

  it('an unmasked exception is pending (ES) and faults on the next waiting instruction, not on FNSTSW/FNCLEX', () => {
    // fldcw [0x10] (037E: IE unmasked); fldz; fldz; fdivp → #IA? 0/0 is invalid → IE pending
    const pre = [...FNINIT, ...m(0xd9, 5, 0x10), ...FLDZ, ...FLDZ, 0xde, 0xf9];
    const setCw = (c: Cpu) => c.mem.dv.setUint16(DATA + 0x10, 0x037e, true);
    let r = exec([...pre, ...FNSTSW_AX, ...FWAIT], setCw);
    expect([r.reason, r.vector]).toEqual([EXIT_EXCEPTION, MF]);
    expect(r.cpu.rip).toBe(CODE + pre.length + 2); // at the FWAIT
    expect(r.cpu.r[2 * RAX] & 0x80ff).toBe(0x8081); // B ES IE
    // FNCLEX clears it: the FWAIT after it runs.
    r = exec([...pre, 0xdb, 0xe2, ...FWAIT], setCw);
    expect(r.reason).toBe(EXIT_HLT);
    // A waiting x87 instruction faults too, and changes nothing.
    r = exec([...pre, ...FLD1], setCw);
    expect(r.vector).toBe(MF);
    expect(r.cpu.x87.top).toBe(6); // the unmasked #IA suppressed FDIVP's result and pop; the FLD1 did nothing
    // CR0.NE = 0: no FERR# wiring here, the exception stays pending and execution goes on.
    r = exec([...pre, ...FLD1, ...FWAIT], (c) => { setCw(c); c.cr0 &= ~CR0_NE; });
    expect(r.reason).toBe(EXIT_HLT);
    expect(r.cpu.x87.statusWord() & 0x80).toBe(0x80);
  });
});

describe('x87 last-instruction pointers and environment', () => {
  it('FOP/FIP/FDP: a memory form records all three; a register form keeps FDP; control instructions nothing', () => {
    const fld = m(0xdd, 0, 0x60); // fld qword [DATA+0x60]: FOP = 5 << 8 | 04
    const cpu = done([...FNINIT, ...fld, ...FLD1, ...m(0xd9, 7, 0x10)]);
    const s = cpu.x87;
    expect(s.fop).toBe(0x1e8); // fld1 (D9 E8) was the last non-control instruction
    expect(s.fip).toBe(CODE + 2 + fld.length);
    expect(s.fdp).toBe(DATA + 0x60); // from the FLD m64
    expect(s.fcs).toBe(0); // FCS/FDS read as 0 in 64-bit mode (reference CPU)
    const c2 = done([...FNINIT, ...fld]);
    expect([c2.x87.fop, c2.x87.fip, c2.x87.fdp]).toEqual([0x504, CODE + 2, DATA + 0x60]);
  });

  it('FNSTENV stores the pointers only while an exception is pending (reference CPU), zeros otherwise', () => {
    // fldcw 037E; fldz; fldz; fdivp (0/0: #IA pending); fnstenv [0x100]; fnclex; fnstenv [0x180]
    const div = [...FLDZ, ...FLDZ, 0xde, 0xf9];
    const pre = [...FNINIT, ...m(0xd9, 5, 0x10)];
    const cpu = done([...pre, ...div, ...m(0xd9, 6, 0x100), 0xdb, 0xe2, ...m(0xd9, 6, 0x180)], (c) => c.mem.dv.setUint16(DATA + 0x10, 0x037e, true));
    const u32 = (o: number) => cpu.mem.dv.getUint32(DATA + o, true);
    expect([u32(0x10c), u32(0x110)]).toEqual([CODE + pre.length + 4, 0x6f9 << 16]); // FIP, FOP (DE F9) | FCS 0
    expect([u32(0x18c), u32(0x190), u32(0x194)]).toEqual([0, 0, 0]);
  });

  it('FNSTENV stores the 28-byte environment and then masks every exception', () => {
    const cpu = done([...FNINIT, ...m(0xd9, 5, 0x10), ...FLD1, ...m(0xd9, 6, 0x100)], (c) => c.mem.dv.setUint16(DATA + 0x10, 0x0360, true));
    expect(u16At(cpu, 0x100)).toBe(0x0360);
    expect(u16At(cpu, 0x108)).toBe(0x3fff); // tag word: R7 valid, the rest empty
    expect(cpu.x87.fcw).toBe(0x037f);
  });

  it('FNSAVE stores 108 bytes and reinitializes; FRSTOR brings the state back', () => {
    const cpu = done([...FNINIT, ...FLDPI, ...m(0xdd, 6, 0x100), ...FNSTSW_AX, ...m(0xdd, 4, 0x100), ...m(0xdd, 2, 0)]);
    expect(cpu.r[2 * RAX] & 0x3800).toBe(0); // TOP 0 after the FNSAVE
    expect(f64At(cpu, 0)).toBe(Math.PI);
    expect(cpu.x87.top).toBe(7);
  });

  // Layouts and host behaviour measured natively (66 d9 /6 fnstenvs, 66 dd /6 fnsaves …; SDM Vol. 1 Figure 8-10, 16-bit).
  it('66 FNSTENV stores the 14-byte 16-bit image (FCW, FSW, tags, FIP, FCS, FDP, FDS) and masks the exceptions', () => {
    const cpu = done([...FNINIT, ...m(0xd9, 5, 0x10), ...FLD1, 0x66, ...m(0xd9, 6, 0x100)], (c) => {
      c.mem.dv.setUint16(DATA + 0x10, 0x0360, true);
      c.mem.u8.fill(0xa5, DATA + 0x100, DATA + 0x120);
    });
    expect(u16At(cpu, 0x100)).toBe(0x0360);
    expect(u16At(cpu, 0x102)).toBe(0x3800); // TOP 7
    expect(u16At(cpu, 0x104)).toBe(0x3fff); // R7 valid
    expect(u16At(cpu, 0x106)).toBe(0); // pointers: none pending (FSW.ES = 0), as the 32-bit image
    expect(cpu.mem.u8[DATA + 0x10e]).toBe(0xa5); // 14 bytes, not 28
    expect(cpu.x87.fcw).toBe(0x037f);
  });

  it('66 FLDENV loads the 16-bit image: FIP/FDP zero-extended, FOP cleared (seen through a 32-bit FNSTENV)', () => {
    const img = [0x70, 0x03, 0x84, 0x30, 0xff, 0x3f, 0x34, 0x12, 0x56, 0x78, 0xbc, 0x9a, 0xde, 0xf0];
    const cpu = done([...FNINIT, ...FLD1, 0x66, ...m(0xd9, 4, 0x40), ...m(0xd9, 6, 0x100)], (c) => c.mem.u8.set(img, DATA + 0x40));
    expect([...cpu.mem.u8.subarray(DATA + 0x100, DATA + 0x11c)]).toEqual([
      0x70, 0x03, 0xff, 0xff, 0x84, 0xb0, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0x34, 0x12, 0, 0, 0x56, 0x78, 0, 0, 0xbc, 0x9a, 0, 0, 0xde, 0xf0, 0xff, 0xff,
    ]); // the host's bytes for this program
  });

  it('66 FNSAVE stores 94 bytes and reinitializes; 66 FRSTOR reads them back', () => {
    const cpu = done([...FNINIT, ...FLDPI, ...FLD1, 0x66, ...m(0xdd, 6, 0x100), ...FNSTSW_AX, 0x66, ...m(0xdd, 4, 0x100), ...m(0xdd, 3, 0), ...m(0xdd, 3, 8)], (c) => {
      c.mem.u8.fill(0xa5, DATA + 0x100, DATA + 0x170);
    });
    expect(cpu.r[2 * RAX] & 0x3800).toBe(0); // TOP 0 after the FNSAVE
    expect(cpu.mem.u8[DATA + 0x100 + 94]).toBe(0xa5);
    expect(cpu.mem.dv.getUint16(DATA + 0x100 + 14 + 8, true)).toBe(0x3fff); // ST(0) = 1.0 right after the environment
    expect(f64At(cpu, 0)).toBe(1);
    expect(f64At(cpu, 8)).toBe(Math.PI);
  });

  it('66 with REX.W is the 32-bit format (REX.W wins, as on the host)', () => {
    const cpu = done([...FNINIT, ...FLD1, 0x66, 0x48, ...m(0xd9, 6, 0x100)], (c) => c.mem.u8.fill(0xa5, DATA + 0x100, DATA + 0x120));
    expect(cpu.mem.dv.getUint32(DATA + 0x104, true)).toBe(0xffff3800);
    expect(cpu.mem.u8[DATA + 0x11b]).toBe(0xff); // 28 bytes
  });
});

describe('x87 transcendentals (values: test/emu/fpu/x87-trans-vectors.test.ts)', () => {
  const FPATAN = [0xd9, 0xf3], FCOS = [0xd9, 0xff], FSIN = [0xd9, 0xfe], FPTAN = [0xd9, 0xf2];
  it('FLD1; FLD1; FPATAN → π/4 (ST(1) replaced, one pop); FLDZ; FCOS → 1 exactly', () => {
    const FNCLEX = [0xdb, 0xe2];
    const cpu = done([...FNINIT, ...FLD1, ...FLD1, ...FPATAN, ...m(0xdd, 3, 0), ...FNCLEX, ...FLDZ, ...FCOS, ...FNSTSW_AX, ...m(0xdd, 3, 8)]);
    expect(f64At(cpu, 0)).toBe(Math.PI / 4);
    expect(f64At(cpu, 8)).toBe(1);
    expect(cpu.r[2 * RAX] & 0x20).toBe(0); // cos 0 is exact: no #P
    expect(cpu.x87.full).toBe(0);
  });

  it('FPTAN pushes 1.0; FSIN of 2^63 sets C2 and leaves ST(0) as it was', () => {
    const cpu = done([...FNINIT, ...FLDZ, ...FPTAN, ...m(0xdd, 3, 0), ...m(0xdb, 5, 0x10), ...FSIN, ...FNSTSW_AX, ...m(0xdb, 7, 0x20)], (c) => {
      c.mem.u8.set([0, 0, 0, 0, 0, 0, 0, 0x80, 0x3e, 0x40], DATA + 0x10); // 2^63
    });
    expect(f64At(cpu, 0)).toBe(1);
    expect(cpu.r[2 * RAX] & 0x0400).toBe(0x0400); // C2
    expect([...cpu.mem.u8.subarray(DATA + 0x20, DATA + 0x2a)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80, 0x3e, 0x40]);
  });
});
