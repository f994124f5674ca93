/**
 * The x87 register file and its control state (Intel SDM Vol. 1 8.1):
 * physical registers R0–R7, TOP, tags, FCW, FSW, FOP and the last
 * instruction/data pointers, with the stack discipline (push/pop, stack
 * faults, SDM 8.5.1.1) and the pending-#MF rule (ES, SDM 8.6/8.7).
 *
 * Registers are indexed physically (R0–R7) by `r`, or relative to TOP as
 * ST(i) by `i`; phys(i) = (TOP + i) mod 8. The x87 keeps only empty/non-empty
 * per register (FXSAVE's abridged tag); the full 2-bit tag is derived from the
 * contents whenever it is read (SDM 8.1.7, 10.5.1.1), as hardware does.
 */
import {
  F80Ctx, B, C1, CC_MASK, ES, EXC_MASK, FCW_DEFAULT, IE, INDEF_HI, INDEF_SE, NORMAL, SF, TOP_SHIFT, ZERO, classify,
} from './f80.ts';

export const TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

export class X87State {
  /** Sign and exponent of R0–R7. */
  readonly se = new Uint16Array(8);
  /** Significands of R0–R7: high half at 2r, low half at 2r + 1. */
  readonly sig = new Uint32Array(16);
  /** Bit r set: Rr is non-empty (the abridged tag of FXSAVE, SDM Vol. 1 10.5.1.1). */
  full = 0;
  top = 0;
  fcw = FCW_DEFAULT;
  /** FSW without TOP (bits 13–11 read as zero here; statusWord() adds TOP). */
  fsw = 0;
  /** Last non-control instruction's opcode, 11 bits (SDM Vol. 1 8.1.9). */
  fop = 0;
  /** Last instruction and data pointers (64-bit offsets as signed JS numbers) and selectors. */
  fip = 0;
  fcs = 0;
  fdp = 0;
  fds = 0;
  /** Scratch context for the operations (cw is refreshed from fcw before each use). */
  readonly ctx = new F80Ctx();

  /** FNINIT / FINIT (SDM Vol. 2 FINIT): FCW 037F, FSW 0, all empty, FOP and pointers 0. */
  init(): void {
    this.fcw = FCW_DEFAULT;
    this.fsw = 0;
    this.top = 0;
    this.full = 0;
    this.fop = 0;
    this.fip = 0; this.fcs = 0; this.fdp = 0; this.fds = 0;
  }

  phys(i: number): number {
    return (this.top + i) & 7;
  }

  isEmpty(i: number): boolean {
    return (this.full & (1 << this.phys(i))) === 0;
  }

  // ST(i) access; reading an empty register returns its stale contents.
  stSe(i: number): number { return this.se[this.phys(i)]; }
  stHi(i: number): number { return this.sig[2 * this.phys(i)]; }
  stLo(i: number): number { return this.sig[2 * this.phys(i) + 1]; }

  /** Write ST(i) and mark it non-empty. */
  setSt(i: number, se: number, hi: number, lo: number): void {
    this.setPhys(this.phys(i), se, hi, lo);
  }

  /** Write physical register Rr and mark it non-empty. */
  setPhys(r: number, se: number, hi: number, lo: number): void {
    this.se[r] = se;
    this.sig[2 * r] = hi;
    this.sig[2 * r + 1] = lo;
    this.full |= 1 << r;
  }

  /** Copy the context's result into ST(i). */
  storeCtx(i: number): void {
    const c = this.ctx;
    this.setSt(i, c.se, c.hi, c.lo);
  }

  /** Mark ST(i) empty (FFREE). */
  free(i: number): void {
    this.full &= ~(1 << this.phys(i));
  }

  /** Mark ST(0) empty and increment TOP. */
  pop(): void {
    this.full &= ~(1 << this.top);
    this.top = (this.top + 1) & 7;
  }

  /**
   * Make room for a push: TOP − 1 must be empty. Otherwise a stack overflow
   * (SDM Vol. 1 8.5.1.1: IE, SF, C1 = 1); masked, the push goes on and ST(0)
   * becomes the real indefinite — returns false so the caller skips the value;
   * unmasked, nothing changes and it returns false as well.
   */
  pushCheck(): boolean {
    const r = (this.top - 1) & 7;
    if ((this.full & (1 << r)) === 0) return true;
    this.stackFault(C1);
    if (this.fcw & IE) {
      this.top = r;
      this.setPhys(r, INDEF_SE, INDEF_HI, 0);
    }
    return false;
  }

  /** Push a value (FLD and friends): stack-overflow handling as pushCheck. */
  push(se: number, hi: number, lo: number): void {
    if (!this.pushCheck()) return;
    this.top = (this.top - 1) & 7;
    this.setPhys(this.top, se, hi, lo);
  }

  /**
   * Stack fault (SDM Vol. 1 8.5.1.1): IE + SF, C1 = 1 for overflow (pass C1)
   * or 0 for underflow (pass 0). Returns true when IE is unmasked.
   */
  stackFault(c1: number): boolean {
    this.fsw = (this.fsw & ~C1) | c1;
    this.signal(IE | SF);
    return (this.fcw & IE) === 0;
  }

  /**
   * OR exception flags into FSW (they are sticky) and update ES and B: ES is
   * set while any flagged exception is unmasked (SDM Vol. 1 8.1.3.3).
   */
  signal(flags: number): void {
    this.fsw |= flags & (EXC_MASK | SF);
    this.updateES();
  }

  /** Set C0–C3 to the given bits (others of `cc` ignored). */
  setCC(cc: number): void {
    this.fsw = (this.fsw & ~CC_MASK) | (cc & CC_MASK);
  }

  updateES(): void {
    if (this.fsw & ~this.fcw & EXC_MASK) this.fsw |= ES | B;
    else this.fsw &= ~(ES | B);
  }

  /**
   * True when a waiting x87 instruction (or WAIT/FWAIT) must raise #MF before
   * it runs: an unmasked exception is pending (FSW.ES, SDM Vol. 1 8.7). With
   * CR0.NE = 0 the platform's FERR#/IGNNE# path applies instead (SDM 8.7.1).
   */
  mfPending(): boolean {
    return (this.fsw & ES) !== 0;
  }

  /** FNCLEX: clear the exception flags, SF, ES and B (SDM Vol. 2 FCLEX). */
  clearExceptions(): void {
    this.fsw &= ~(EXC_MASK | SF | ES | B);
  }

  /**
   * Record the last non-control x87 instruction (SDM Vol. 1 8.1.8–8.1.9):
   * FOP = its opcode's 11 bits (first byte bits 2–0, then the ModRM byte),
   * FIP/FCS its address; FDP/FDS its memory operand's (pass 0, 0 for a
   * register-only instruction).
   */
  noteInstruction(fop: number, fip: number, fcs: number, fdp: number, fds: number): void {
    this.fop = fop & 0x7ff;
    this.fip = fip; this.fcs = fcs;
    this.fdp = fdp; this.fds = fds;
  }

  /**
   * FCW write (FLDCW, FLDENV...): unmasking a flagged exception makes it
   * pending. Bits 15–13 and 7 read as 0 and bit 6 as 1 (checked on hardware).
   */
  setControlWord(w: number): void {
    this.fcw = (w & 0x1f3f) | 0x40;
    this.updateES();
  }

  /** FSTSW / FNSTSW view: FSW with TOP. */
  statusWord(): number {
    return (this.fsw & ~(7 << TOP_SHIFT)) | (this.top << TOP_SHIFT);
  }

  setStatusWord(w: number): void {
    this.top = (w >>> TOP_SHIFT) & 7;
    this.fsw = w & 0xffff & ~(7 << TOP_SHIFT);
  }

  /** Full 2-bit tag of physical register r, derived from its contents. */
  tag(r: number): number {
    if ((this.full & (1 << r)) === 0) return TAG_EMPTY;
    const k = classify(this.se[r], this.sig[2 * r], this.sig[2 * r + 1]);
    return k === ZERO ? TAG_ZERO : k === NORMAL ? TAG_VALID : TAG_SPECIAL;
  }

  /** FSTENV/FSAVE tag word: tag(Rr) in bits 2r+1..2r. */
  tagWord(): number {
    let w = 0;
    for (let r = 0; r < 8; r++) w |= this.tag(r) << (2 * r);
    return w;
  }

  /** FLDENV/FRSTOR: only empty (11) versus not is kept; the rest follows the contents. */
  setTagWord(w: number): void {
    this.full = abridgeTagWord(w);
  }

  /** FXSAVE's abridged tag byte: bit r = Rr non-empty. */
  abridgedTag(): number {
    return this.full;
  }

  setAbridgedTag(b: number): void {
    this.full = b & 0xff;
  }
}

/** Abridged (FXSAVE, 1 bit per register) form of a full tag word: bit r = tag r ≠ empty. */
export function abridgeTagWord(w: number): number {
  let b = 0;
  for (let r = 0; r < 8; r++) if (((w >>> (2 * r)) & 3) !== TAG_EMPTY) b |= 1 << r;
  return b;
}
