/**
 * FXSAVE/FXRSTOR, LDMXCSR/STMXCSR and the XSAVE family as executed
 * (exec/xsave.ts; SDM Vol. 1 ch. 13, Vol. 2): the layouts, round trips,
 * XSTATE_BV/XCOMP_BV, the init optimization and the #GP/#UD/#NM conditions.
 * Encodings from `as --64`.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { cpuidRead } from '../../../src/emu/cpuid.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../../src/emu/exits.ts';
import { GP, NM, UD } from '../../../src/emu/fault.ts';
import { CR0_TS, CR4_OSFXSR, CR4_OSXSAVE, RAX, RDX } from '../../../src/emu/regs.ts';
import { DATA, makeMachine } from '../machine.ts';

const D = (off: number): number[] => { const a = DATA + off; return [a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24]; };
const m = (op: number[], digit: number, off: number): number[] => [...op, (digit << 3) | 4, 0x25, ...D(off)];
const AE = [0x0f, 0xae], C7 = [0x0f, 0xc7], W = 0x48;
const FXSAVE = (o: number) => m(AE, 0, o), FXRSTOR = (o: number) => m(AE, 1, o);
const LDMXCSR = (o: number) => m(AE, 2, o), STMXCSR = (o: number) => m(AE, 3, o);
const XSAVE = (o: number) => m(AE, 4, o), XRSTOR = (o: number) => m(AE, 5, o), XSAVEOPT = (o: number) => m(AE, 6, o);
const XRSTORS = (o: number) => m(C7, 3, o), XSAVEC = (o: number) => m(C7, 4, o), XSAVES = (o: number) => m(C7, 5, o);
const FNINIT = [0xdb, 0xe3], FLDPI = [0xd9, 0xeb], FLD1 = [0xd9, 0xe8];

function exec(code: number[], setup?: (cpu: Cpu) => void): { cpu: Cpu; reason: number; vector: number; errorCode: number } {
  const cpu = makeMachine([...code, 0xf4]);
  cpu.r[2 * RAX] = -1;
  cpu.r[2 * RDX] = -1;
  setup?.(cpu);
  const e = cpu.run(10_000);
  return { cpu, reason: e.reason, vector: e.vector, errorCode: e.errorCode };
}

function done(code: number[], setup?: (cpu: Cpu) => void): Cpu {
  const r = exec(code, setup);
  expect(r.reason, `exit ${r.reason} vector ${r.vector}`).toBe(EXIT_HLT);
  return r.cpu;
}

const bytes = (cpu: Cpu, off: number, n: number) => [...cpu.mem.u8.subarray(DATA + off, DATA + off + n)];
const u32 = (cpu: Cpu, off: number) => cpu.mem.dv.getUint32(DATA + off, true);
const u64 = (cpu: Cpu, off: number) => cpu.mem.dv.getBigUint64(DATA + off, true);

/** A recognisable SSE/x87 state: XMM r = bytes r·16 + k, MXCSR 0x1fa0 (RC down… no: PE flag + masks), two x87 pushes. */
function fill(cpu: Cpu): void {
  for (let k = 0; k < 256; k++) cpu.sse.x.u8[k] = (k * 7 + 1) & 0xff;
  cpu.sse.mxcsr = 0x3fa0;
}

describe('FXSAVE / FXRSTOR', () => {
  it('FXSAVE64 stores the x87 image, MXCSR, MXCSR_MASK and XMM0–15; FXRSTOR64 restores them', () => {
    const cpu = done([...FNINIT, ...FLDPI, ...FLD1, W, ...FXSAVE(0x400), ...FNINIT, W, ...FXRSTOR(0x400)], fill);
    expect(u32(cpu, 0x400 + 24)).toBe(0x3fa0);
    expect(u32(cpu, 0x400 + 28)).toBe(0xffff);
    expect(bytes(cpu, 0x400 + 160, 4)).toEqual([1, 8, 15, 22]);
    expect(cpu.mem.dv.getUint8(DATA + 0x400 + 4)).toBe(0xc0); // abridged tag: R6, R7
    expect(cpu.x87.top).toBe(6);
    expect(cpu.x87.full).toBe(0xc0);
    expect(cpu.sse.mxcsr).toBe(0x3fa0);
  });

  it('misaligned → #GP(0); CR0.TS → #NM; reserved MXCSR bits in the image → #GP(0) with nothing loaded', () => {
    expect(exec(FXSAVE(0x408))).toMatchObject({ reason: EXIT_EXCEPTION, vector: GP, errorCode: 0 });
    expect(exec(FXSAVE(0x400), (c) => { c.cr0 |= CR0_TS; }).vector).toBe(NM);
    const r = exec([...FLD1, ...FXRSTOR(0x400)], (c) => c.mem.dv.setUint32(DATA + 0x400 + 24, 0x10000, true));
    expect(r.vector).toBe(GP);
    expect(r.cpu.x87.full).toBe(0x80); // the FLD1 only
  });
});

describe('LDMXCSR / STMXCSR', () => {
  it('round trip; reserved bits → #GP(0); CR4.OSFXSR = 0 → #UD when SSE is advertised', () => {
    const sse = (c: Cpu) => { const l = c.cpuid.get('1')!; c.cpuid.set('1', [l[0], l[1], l[2], l[3] | (1 << 25)]); };
    const cpu = done([...LDMXCSR(0x10), ...STMXCSR(0x14)], (c) => { sse(c); c.mem.dv.setUint32(DATA + 0x10, 0x7f80, true); });
    expect(cpu.sse.mxcsr).toBe(0x7f80);
    expect(u32(cpu, 0x14)).toBe(0x7f80);
    expect(exec(LDMXCSR(0x10), (c) => { sse(c); c.mem.dv.setUint32(DATA + 0x10, 0x10000, true); }).vector).toBe(GP);
    expect(exec(STMXCSR(0x10), (c) => { sse(c); c.cr4 &= ~CR4_OSFXSR; }).vector).toBe(UD);
    const noSse = (c: Cpu) => { const l = c.cpuid.get('1')!; c.cpuid.set('1', [l[0], l[1], l[2], l[3] & ~(1 << 25)]); };
    expect(exec(STMXCSR(0x10), noSse).vector).toBe(UD); // without CPUID.SSE
  });
});

describe('XSAVE / XRSTOR (standard format)', () => {
  it('XSAVE writes the requested components and XSTATE_BV = XINUSE ∩ RFBM, leaving other header bits', () => {
    const cpu = done([...FNINIT, ...FLD1, ...XSAVE(0x400)], (c) => {
      fill(c);
      c.mem.dv.setUint32(DATA + 0x400 + 512, 0x80000, true); // a stale APX bit outside RFBM stays
    });
    expect(u64(cpu, 0x400 + 512)).toBe(0x80003n);
    expect(u32(cpu, 0x400 + 24)).toBe(0x3fa0);
    expect(bytes(cpu, 0x400 + 160, 2)).toEqual([1, 8]);
    // EDX:EAX = 1: x87 only; MXCSR not written, XSTATE_BV[1] untouched.
    const c2 = done([...FNINIT, ...XSAVE(0x400)], (c) => { fill(c); c.r[2 * RAX] = 1; c.mem.dv.setUint32(DATA + 0x400 + 512, 2, true); });
    expect(u32(c2, 0x400 + 24)).toBe(0);
    expect(u64(c2, 0x400 + 512)).toBe(2n); // x87 in init state: bit 0 = 0; bit 1 not requested: kept
  });

  it('XRSTOR: XSTATE_BV[i] = 0 initializes component i; MXCSR still loaded from the image (standard form)', () => {
    const cpu = done([...FNINIT, ...FLD1, ...XSAVE(0x400), ...XRSTOR(0x400)], (c) => {
      fill(c);
      c.r[2 * RDX] = 0;
    });
    expect(cpu.x87.full).toBe(0x80);
    expect(cpu.sse.mxcsr).toBe(0x3fa0);
    // Clear XSTATE_BV in memory before restoring: both components back to their initial configuration.
    const c2 = done([...FNINIT, ...FLD1, ...XSAVE(0x400), 0xc7, 0x04, 0x25, ...D(0x400 + 512), 0, 0, 0, 0, ...XRSTOR(0x400)], fill);
    expect([c2.x87.full, c2.x87.top, c2.x87.fcw]).toEqual([0, 0, 0x37f]);
    expect(c2.sse.x.u8.every((b, k) => k >= 256 || b === 0)).toBe(true);
    expect(c2.sse.mxcsr).toBe(0x3fa0); // loaded from the image although XSTATE_BV[1] = 0
  });

  it('#GP(0): misaligned, XSTATE_BV beyond XCR0, non-zero header bytes 8–23, reserved MXCSR; #UD without CR4.OSXSAVE; #NM with TS', () => {
    expect(exec(XSAVE(0x420)).vector).toBe(GP);
    const hdr = (off: number, v: number) => (c: Cpu) => c.mem.dv.setUint32(DATA + 0x400 + 512 + off, v, true);
    expect(exec(XRSTOR(0x400), hdr(0, 4)).vector).toBe(GP);
    expect(exec(XRSTOR(0x400), hdr(16, 1)).vector).toBe(GP);
    expect(exec(XRSTOR(0x400), (c) => c.mem.dv.setUint32(DATA + 0x400 + 24, 0x40000, true)).vector).toBe(GP);
    expect(exec(XRSTOR(0x400), hdr(0, 0)).reason).toBe(EXIT_HLT);
    expect(exec(XSAVE(0x400), (c) => { c.cr4 &= ~CR4_OSXSAVE; }).vector).toBe(UD);
    expect(exec(XSAVE(0x400), (c) => { c.cr0 |= CR0_TS; }).vector).toBe(NM);
  });

  it('XSAVEOPT skips components in their initial configuration (init optimization)', () => {
    const cpu = done([...FNINIT, ...XSAVEOPT(0x400)], (c) => {
      c.mem.u8.fill(0xee, DATA + 0x400, DATA + 0x400 + 512);
      c.mem.dv.setBigUint64(DATA + 0x400 + 512, 0n, true);
    });
    expect(bytes(cpu, 0x400, 2)).toEqual([0xee, 0xee]); // x87 in init state: not written
    expect(u32(cpu, 0x400 + 24)).toBe(0x1f80); // MXCSR is always written with RFBM[1]
    expect(u64(cpu, 0x400 + 512)).toBe(0n);
  });
});

describe('XSAVEC / XSAVES / XRSTORS (compacted format)', () => {
  it('XSAVEC: XCOMP_BV = 2^63 | RFBM, XSTATE_BV = XINUSE ∩ RFBM, APX right after the header', () => {
    const cpu = done([...FNINIT, ...FLD1, ...XSAVEC(0x400), ...FNINIT, ...XRSTOR(0x400)], (c) => {
      c.xcr0 = 0x80003;
      c.r[2 * 20] = 0x1234; // R20's low half
    });
    expect(u64(cpu, 0x400 + 512)).toBe(0x80001n);
    expect(u64(cpu, 0x400 + 520)).toBe(0x8000000000080003n);
    expect(u32(cpu, 0x400 + 576 + 8 * 4)).toBe(0x1234);
    expect(cpu.x87.full).toBe(0x80); // the compacted XRSTOR brought the FLD1 back
    expect(cpuidRead(cpu.cpuid, 0xd, 1, true, 0x80003)[1]).toBe(576 + 128);
    expect(cpuidRead(cpu.cpuid, 0xd, 0, true, 0x80003)[1]).toBe(960 + 128);
  });

  it('compacted XRSTOR: #GP for XSTATE_BV ⊄ XCOMP_BV or non-zero bytes 16–63; XRSTORS needs the compacted form and CPL 0', () => {
    const set = (off: number, lo: number, hi: number) => (c: Cpu) => {
      c.mem.dv.setUint32(DATA + 0x400 + 512 + off, lo, true);
      c.mem.dv.setUint32(DATA + 0x400 + 512 + off + 4, hi, true);
    };
    const both = (...fs: ((c: Cpu) => void)[]) => (c: Cpu) => fs.forEach((f) => f(c));
    expect(exec(XRSTOR(0x400), both(set(8, 1, 0x80000000), set(0, 3, 0))).vector).toBe(GP);
    expect(exec(XRSTOR(0x400), both(set(8, 3, 0x80000000), set(0, 3, 0), set(40, 1, 0))).vector).toBe(GP);
    expect(exec(XRSTOR(0x400), both(set(8, 3, 0x80000000), set(0, 3, 0))).reason).toBe(EXIT_HLT);
    expect(exec(XRSTORS(0x400), set(0, 0, 0)).vector).toBe(GP); // standard-format header
    expect(exec(XRSTORS(0x400), set(8, 3, 0x80000000)).reason).toBe(EXIT_HLT);
    expect(exec(XSAVES(0x400), (c) => c.setCpl(3)).vector).toBe(GP);
  });

  it('XGETBV with ECX = 1 reports XCR0 ∩ XINUSE', () => {
    // xgetbv = 0f 01 d0
    const cpu = done([...FNINIT, 0xb9, 1, 0, 0, 0, 0x0f, 0x01, 0xd0]);
    expect(cpu.r[2 * RAX]).toBe(0); // x87 and SSE in their initial configuration
    const c2 = done([...FNINIT, ...FLD1, 0xb9, 1, 0, 0, 0, 0x0f, 0x01, 0xd0]);
    expect(c2.r[2 * RAX]).toBe(1);
  });
});


