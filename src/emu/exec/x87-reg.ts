/**
 * x87 instructions with register operands only (D8–DF, mod = 3; SDM Vol. 2
 * Tables A-7 … A-22). The reserved aliases that every Intel and AMD part
 * executes (and iced-x86 decodes) are bound as what they do: D9 D8+i FSTP1,
 * DC D0+i FCOM2, DC D8+i FCOMP3, DD C8+i FXCH4, DE D0+i FCOMP5, DF C0+i
 * FFREEP, DF C8+i FXCH7, DF D0+i FSTP8, DF D8+i FSTP9. The 8087/287
 * leftovers FNENI, FNDISI (DB E0/E1) and FNSETPM (DB E4) are no-ops.
 */
import type { Cpu } from '../cpu.ts';
import { arithFlags, setArithFlags } from '../flags.ts';
import { arithSt, sqrtSt, underflow } from '../fpu/x87-arith-ops.ts';
import { fldConst, fldSt, fstSt } from '../fpu/x87-load-store.ts';
import {
  fchsAbs, fcomSt, fcomi, ffree, fincDecStp, fpremSt, frndintSt, fscaleSt, ftst, fxam, fxch, fxtractSt,
} from '../fpu/x87-misc-ops.ts';
import { C1 } from '../fpu/f80.ts';
import {
  COS, OP_PATAN, OP_YL2X, OP_YL2XP1, SIN, f2xm1St, fbinTranscSt, fptanSt, fsincosSt, ftrigSt,
} from '../fpu/x87-transc-ops.ts';
import type { X87State } from '../fpu/x87-state.ts';
import type { Handler, Insn } from '../insn.ts';
import { setReg16 } from '../operands.ts';
import { FLAG_CF, FLAG_PF, FLAG_ZF, RAX } from '../regs.ts';
import { noteReg, x87Available, x87Wait } from './x87-gate.ts';

/** A waiting register-form operation on the x87 state with i = ModRM.rm (ST(i)). */
type Op = (s: X87State, i: number, cpu: Cpu) => void;

/** Wrap an operation: #NM, #MF, FOP/FIP, then the operation. `note` false for control instructions. */
function waiting(op: Op, note = true): Handler {
  return (cpu, i) => {
    x87Available(cpu);
    x87Wait(cpu);
    if (note) noteReg(cpu, i);
    op(cpu.x87, i.rm & 7, cpu);
  };
}

/** FCMOVcc (DA/DB C0–DF): `cond` reads RFLAGS; an empty operand is a stack underflow (ST(0) ← indefinite when masked, C1 = 0). */
function fcmov(cond: (f: number) => boolean): Op {
  return (s, i, cpu) => {
    if ((s.isEmpty(0) || s.isEmpty(i)) && underflow(s, 0, false)) return;
    // C1 is left as it was (reference hardware; the SDM leaves it undefined).
    if (cond(arithFlags(cpu.fl))) s.setSt(0, s.stSe(i), s.stHi(i), s.stLo(i));
  };
}

/** FCOMI/FCOMIP/FUCOMI/FUCOMIP: ZF, PF, CF from the compare; OF, SF, AF cleared. */
function fcomiOp(unordered: boolean, pop: boolean): Op {
  return (s, i, cpu) => setArithFlags(cpu.fl, fcomi(s, i, unordered, pop));
}

const CF = (f: number) => (f & FLAG_CF) !== 0, ZF = (f: number) => (f & FLAG_ZF) !== 0, PF = (f: number) => (f & FLAG_PF) !== 0;
const FCMOV: readonly Op[] = [
  fcmov(CF), fcmov(ZF), fcmov((f) => CF(f) || ZF(f)), fcmov(PF),
  fcmov((f) => !CF(f)), fcmov((f) => !ZF(f)), fcmov((f) => !CF(f) && !ZF(f)), fcmov((f) => !PF(f)),
];

// Arithmetic: D8 ST(0) ← ST(0) op ST(i); DC ST(i) ← ST(i) op ST(0) with SUB/SUBR, DIV/DIVR swapped; DE the same and pop.
const arithD8 = Array.from({ length: 8 }, (_, op) => waiting((s, i) => arithSt(s, op, 0, i, false)));
const arithDC = Array.from({ length: 8 }, (_, op) => waiting((s, i) => arithSt(s, op >= 4 ? op ^ 1 : op, i, 0, false)));
const arithDE = Array.from({ length: 8 }, (_, op) => waiting((s, i) => arithSt(s, op >= 4 ? op ^ 1 : op, i, 0, true)));

const fcom = (unordered: boolean, pops: number) => waiting((s, i) => fcomSt(s, i, unordered, pops));
const fcom0 = fcom(false, 0), fcomp1 = fcom(false, 1), fucom0 = fcom(true, 0), fucomp1 = fcom(true, 1);
const fld = waiting((s, i) => fldSt(s, i));
const fxchH = waiting((s, i) => fxch(s, i));
const fst = waiting((s, i) => fstSt(s, i, false));
const fstp = waiting((s, i) => fstSt(s, i, true));
const ffreeH = waiting((s, i) => { ffree(s, i); s.fsw &= ~C1; }, false); // C1 = 0 (reference hardware)
const ffreep = waiting((s, i) => { ffree(s, i); s.pop(); s.fsw &= ~C1; }, false); // C1 = 0 (reference hardware)
const nop: Handler = (cpu) => x87Available(cpu);
const fnop = waiting(() => {}, false);

/** D9 E0–FF: one-register operations, constants, transcendentals, FXTRACT/FPREM/FSCALE…; undefined: #UD. */
function d9Misc(rm: number): Handler | undefined {
  switch (rm) {
    case 0: return waiting((s) => fchsAbs(s, true));
    case 1: return waiting((s) => fchsAbs(s, false));
    case 4: return waiting((s) => ftst(s));
    case 5: return waiting((s) => fxam(s));
    case 8: case 9: case 10: case 11: case 12: case 13: case 14:
      return waiting((s) => fldConst(s, rm - 8));
    case 0x10: return waiting((s) => f2xm1St(s));
    case 0x11: return waiting((s) => fbinTranscSt(s, OP_YL2X));
    case 0x12: return waiting((s) => fptanSt(s));
    case 0x13: return waiting((s) => fbinTranscSt(s, OP_PATAN));
    case 0x14: return waiting((s) => fxtractSt(s));
    case 0x15: return waiting((s) => fpremSt(s, true));
    case 0x16: return waiting((s) => fincDecStp(s, -1), false);
    case 0x17: return waiting((s) => fincDecStp(s, 1), false);
    case 0x18: return waiting((s) => fpremSt(s, false));
    case 0x19: return waiting((s) => fbinTranscSt(s, OP_YL2XP1));
    case 0x1a: return waiting((s) => sqrtSt(s));
    case 0x1b: return waiting((s) => fsincosSt(s));
    case 0x1c: return waiting((s) => frndintSt(s));
    case 0x1d: return waiting((s) => fscaleSt(s));
    case 0x1e: return waiting((s) => ftrigSt(s, SIN));
    case 0x1f: return waiting((s) => ftrigSt(s, COS));
    default: return undefined; // reserved encodings
  }
}

/** FNSTSW AX (DF E0): non-waiting. */
const fnstswAx: Handler = (cpu) => {
  x87Available(cpu);
  setReg16(cpu, RAX, cpu.x87.statusWord());
};

/** FNCLEX (DB E2) and FNINIT (DB E3): non-waiting control instructions. */
const fnclex: Handler = (cpu) => {
  x87Available(cpu);
  cpu.x87.clearExceptions();
};
const fninit: Handler = (cpu) => {
  x87Available(cpu);
  cpu.x87.init();
};

/** The handler of a register form, or undefined (#UD). */
export function bindX87Reg(i: Insn): Handler | undefined {
  const d = i.digit, rm = i.modrm & 7;
  switch (i.op) {
    case 0xd8: return d === 2 ? fcom0 : d === 3 ? fcomp1 : arithD8[d];
    case 0xd9:
      if (d === 0) return fld;
      if (d === 1) return fxchH;
      if (d === 2) return rm === 0 ? fnop : undefined;
      if (d === 3) return fstp; // FSTP1
      return d9Misc(((d - 4) << 3) | rm);
    case 0xda:
      if (d < 4) return waiting(FCMOV[d]);
      return d === 5 && rm === 1 ? fcom(true, 2) : undefined; // FUCOMPP
    case 0xdb:
      if (d < 4) return waiting(FCMOV[4 + d]);
      if (d === 4) return rm === 2 ? fnclex : rm === 3 ? fninit : rm === 0 || rm === 1 || rm === 4 ? nop : undefined;
      if (d === 5) return waiting(fcomiOp(true, false));
      if (d === 6) return waiting(fcomiOp(false, false));
      return undefined;
    case 0xdc: return d === 2 ? fcom0 : d === 3 ? fcomp1 : arithDC[d]; // /2 FCOM2, /3 FCOMP3
    case 0xdd:
      switch (d) {
        case 0: return ffreeH;
        case 1: return fxchH; // FXCH4
        case 2: return fst;
        case 3: return fstp;
        case 4: return fucom0;
        case 5: return fucomp1;
        default: return undefined;
      }
    case 0xde:
      if (d === 2) return fcomp1; // FCOMP5
      if (d === 3) return rm === 1 ? fcom(false, 2) : undefined; // FCOMPP
      return arithDE[d];
    case 0xdf:
      switch (d) {
        case 0: return ffreep;
        case 1: return fxchH; // FXCH7
        case 2: case 3: return fstp; // FSTP8, FSTP9
        case 4: return rm === 0 ? fnstswAx : undefined;
        case 5: return waiting(fcomiOp(true, true));
        case 6: return waiting(fcomiOp(false, true));
        default: return undefined;
      }
    default: return undefined;
  }
}
