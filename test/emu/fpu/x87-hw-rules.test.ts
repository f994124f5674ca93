/**
 * Where the reference CPU (this host, checked by test/emu/diff/x87.test.ts)
 * settles what the SDM leaves open or says otherwise, the x87 operations
 * follow it; one regression test per rule (each failed before its fix).
 */
import { describe, expect, it } from 'vitest';
import { C1, C2, C3, C0, IE, INDEF_HI, INDEF_SE, SF } from '../../../src/emu/fpu/f80.ts';
import { fldSt } from '../../../src/emu/fpu/x87-load-store.ts';
import { fcomi, fpremSt, fxtractSt } from '../../../src/emu/fpu/x87-misc-ops.ts';
import { X87State } from '../../../src/emu/fpu/x87-state.ts';

const ONE: [number, number, number] = [0x3fff, 0x80000000, 0];

function state(full: number, top: number): X87State {
  const s = new X87State();
  s.init();
  s.top = top;
  for (let r = 0; r < 8; r++) if (full & (1 << r)) s.setPhys(r, ...ONE);
  s.full = full;
  return s;
}

describe('x87 stack-fault and condition-code rules of the reference CPU', () => {
  it('FLD ST(i) of an empty register with a full push slot: underflow (C1 = 0), ST(0) the indefinite', () => {
    const s = state(0xff & ~(1 << 1), 0); // ST(1) = R1 empty, R7 (the push slot) full
    fldSt(s, 1);
    expect(s.fsw & (IE | SF | C1)).toBe(IE | SF);
    expect([s.top, s.stSe(0), s.stHi(0)]).toEqual([7, INDEF_SE, INDEF_HI]);
  });

  it('FCOMI leaves C1 as it was', () => {
    const s = state(0x03, 0);
    s.fsw |= C1;
    fcomi(s, 1, false, false);
    expect(s.fsw & C1).toBe(C1);
  });

  it('FPREM with a NaN operand or an empty ST(1): C1 = C2 = 0, C0 and C3 kept', () => {
    const s = state(0x03, 0);
    s.setSt(0, 0x7fff, 0xc0000000, 0); // QNaN
    s.fsw |= C0 | C1 | C2 | C3;
    fpremSt(s, false);
    expect(s.fsw & (C0 | C1 | C2 | C3)).toBe(C0 | C3);
    const u = state(0x01, 0);
    u.fsw |= C0 | C2 | C3;
    fpremSt(u, true);
    expect(u.fsw & (C0 | C1 | C2 | C3)).toBe(C0 | C3);
  });

  it('FXTRACT of an empty ST(0) with ST(7) full: one underflow (C1 = 0), both results the indefinite', () => {
    const s = state(0xff & ~1, 0); // R0 = ST(0) empty, R7 full
    fxtractSt(s);
    expect(s.fsw & (IE | SF | C1)).toBe(IE | SF);
    expect([s.top, s.stSe(0), s.stSe(1)]).toEqual([7, INDEF_SE, INDEF_SE]);
    const o = state(0xff, 0); // ST(0) full, ST(7) full: an overflow, C1 = 1
    fxtractSt(o);
    expect(o.fsw & (IE | SF | C1)).toBe(IE | SF | C1);
  });
});
