/**
 * The x87 register file and control state: FNINIT defaults, the stack and
 * its faults, tags (full and abridged), FSW/TOP and the pending-#MF rule.
 */
import { describe, expect, it } from 'vitest';
import { B, C1, ES, IE, PE, SF } from '../../../src/emu/fpu/f80.ts';
import { TAG_EMPTY, TAG_SPECIAL, TAG_VALID, TAG_ZERO, X87State, abridgeTagWord } from '../../../src/emu/fpu/x87-state.ts';
import { fxam } from '../../../src/emu/fpu/x87-misc-ops.ts';

const ONE = [0x3fff, 0x80000000, 0] as const;

function fresh(): X87State {
  const s = new X87State();
  s.init();
  return s;
}

describe('X87State', () => {
  it('FNINIT: FCW 037F, FSW 0, TOP 0, all tags empty, FOP/FIP/FDP 0', () => {
    const s = new X87State();
    s.setControlWord(0x0c00); s.setStatusWord(0x3fff); s.full = 0xff; s.fop = 0x123; s.fip = 77; s.fdp = 99; s.fcs = 8; s.fds = 16;
    s.init();
    expect([s.fcw, s.statusWord(), s.tagWord(), s.abridgedTag(), s.top, s.fop, s.fip, s.fdp, s.fcs, s.fds])
      .toEqual([0x037f, 0, 0xffff, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('push/pop move TOP down/up; ST(i) is physical (TOP + i) mod 8; the tags follow the contents', () => {
    const s = fresh();
    s.push(...ONE); // valid
    s.push(0x8000, 0, 0); // −0: zero
    s.push(0x0000, 0x00000001, 0); // denormal: special
    expect(s.top).toBe(5);
    expect([s.phys(0), s.phys(1), s.phys(2), s.phys(3)]).toEqual([5, 6, 7, 0]);
    expect(s.stSe(2)).toBe(0x3fff);
    expect([s.tag(7), s.tag(6), s.tag(5), s.tag(0)]).toEqual([TAG_VALID, TAG_ZERO, TAG_SPECIAL, TAG_EMPTY]);
    expect(s.tagWord()).toBe(0b00_01_10_11_11_11_11_11);
    expect(s.abridgedTag()).toBe(0b1110_0000);
    s.setSt(0, 0x7fff, 0x40000000, 0); // pseudo-NaN (unsupported): special
    s.setSt(1, 0x4000, 0x40000000, 0); // unnormal: special
    expect([s.tag(5), s.tag(6)]).toEqual([TAG_SPECIAL, TAG_SPECIAL]);
    s.pop();
    expect([s.top, s.tag(5), s.isEmpty(0), s.stSe(0)]).toEqual([6, TAG_EMPTY, false, 0x4000]);
  });

  it('stack overflow, masked: IE + SF + C1, TOP moves and ST(0) becomes the indefinite (SDM Vol. 1 8.5.1.1)', () => {
    const s = fresh();
    for (let k = 0; k < 8; k++) s.push(...ONE);
    s.push(0x4000, 0x80000000, 0);
    expect(s.statusWord()).toBe(IE | SF | C1 | (7 << 11));
    expect([s.stSe(0), s.stHi(0), s.stLo(0)]).toEqual([0xffff, 0xc0000000, 0]);
    expect(s.mfPending()).toBe(false);
  });

  it('stack overflow, unmasked: flags and ES, but TOP and the registers stay; #MF is then pending', () => {
    const s = fresh();
    s.setControlWord(0x037e);
    for (let k = 0; k < 8; k++) s.push(...ONE);
    s.push(0x4000, 0x80000000, 0);
    expect(s.statusWord()).toBe(IE | SF | C1 | ES | B);
    expect([s.top, s.stSe(0)]).toEqual([0, 0x3fff]);
    expect(s.mfPending()).toBe(true);
  });

  it('ES/B follow "a flagged exception is unmasked", also when FLDCW changes the masks', () => {
    const s = fresh();
    s.signal(PE);
    expect([s.statusWord() & (ES | B), s.mfPending()]).toEqual([0, false]);
    s.setControlWord(0x035f); // unmask PE
    expect([s.statusWord() & (ES | B), s.mfPending()]).toEqual([ES | B, true]);
    s.setControlWord(0x037f);
    expect(s.mfPending()).toBe(false);
    s.setStatusWord(0);
    s.setControlWord(0x0340); // everything unmasked, nothing flagged
    expect(s.mfPending()).toBe(false);
  });

  it('FNCLEX clears the flags, SF, ES and B but not C0–C3 or TOP; noteInstruction keeps 11 bits of FOP', () => {
    const s = fresh();
    s.setControlWord(0x037e);
    s.setStatusWord(0x7fff);
    s.updateES();
    s.clearExceptions();
    expect([s.statusWord(), s.mfPending()]).toEqual([0x7f00, false]);
    s.noteInstruction(0xfde9, 0x401000, 0x33, 0x7000, 0x2b);
    expect([s.fop, s.fip, s.fcs, s.fdp, s.fds]).toEqual([0x5e9, 0x401000, 0x33, 0x7000, 0x2b]);
  });

  it('FCW: bits 15–13 and 7 read 0, bit 6 reads 1', () => {
    const s = fresh();
    s.setControlWord(0xffff);
    expect(s.fcw).toBe(0x1f7f);
    s.setControlWord(0);
    expect(s.fcw).toBe(0x0040);
  });

  it('FSW keeps TOP in bits 13–11', () => {
    const s = fresh();
    s.setStatusWord(0xb9a5);
    expect([s.top, s.statusWord()]).toEqual([7, 0xb9a5]);
  });

  it('tag word ↔ abridged tag: only "empty" survives, the rest is recomputed from the contents', () => {
    expect([abridgeTagWord(0xffff), abridgeTagWord(0x0000), abridgeTagWord(0b11_10_01_00_11_11_00_11)]).toEqual([0, 0xff, 0b0111_0010]);
    const s = fresh();
    s.setPhys(1, 0, 0, 0);
    s.setPhys(2, ...ONE);
    s.setTagWord(0b11_11_11_11_11_00_00_11); // R1, R2 claimed "valid"
    expect(s.tagWord()).toBe(0b11_11_11_11_11_00_01_11); // R1 holds a zero
    s.setAbridgedTag(0x04);
    expect(s.tagWord()).toBe(0b11_11_11_11_11_00_11_11);
  });

  it('FXAM of an empty register: C3 C0, C1 = the stale sign', () => {
    const s = fresh();
    s.setPhys(0, 0x8000, 0, 0);
    s.full = 0;
    fxam(s);
    expect(s.statusWord() & 0x4700).toBe(0x4000 | 0x0200 | 0x0100);
  });
});
