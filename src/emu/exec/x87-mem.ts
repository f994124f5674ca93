/**
 * x87 instructions with a memory data operand (D8–DF, mod ≠ 3; SDM Vol. 2
 * Tables A-7 … A-22): arithmetic and compares with m32fp/m64fp/m16int/
 * m32int, loads and stores of every format. The environment and state
 * images (FLDENV, FNSTENV, FRSTOR, FNSAVE, FLDCW, FNSTCW, FNSTSW) are in
 * x87-env.ts. Loads read memory first and stores probe it first, so a
 * #PF/#GP leaves the x87 state as it was.
 */
import type { Cpu } from '../cpu.ts';
import { widenF32, widenF64 } from '../fpu/f80-convert.ts';
import { intToF80 } from '../fpu/f80-int.ts';
import { NORMAL } from '../fpu/f80.ts';
import { arithM32, arithM64, arithMInt } from '../fpu/x87-arith-ops.ts';
import { fbld, fbstp, fild, fist, fldF32, fldF64, fldF80, fstF32, fstF64, fstF80 } from '../fpu/x87-load-store.ts';
import { fcomMem } from '../fpu/x87-misc-ops.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea } from '../operands.ts';
import { noteMem, probeWrite, readBytes, writeBytes, x87Available, x87Wait } from './x87-gate.ts';

const bcd = new Uint8Array(10);

/** Entry of every waiting memory form: #NM, #MF, then the operand's address. */
function enter(cpu: Cpu, i: Insn): number {
  x87Available(cpu);
  x87Wait(cpu);
  return ea(cpu, i);
}

/** An integer operand of `bytes` (2, 4, 8) sign-extended into (lo, mmu.hi). */
function readInt(cpu: Cpu, la: number, bytes: number): number {
  const m = cpu.mmu;
  if (bytes === 8) return m.read64(la);
  const lo = bytes === 2 ? (m.read16(la) << 16) >> 16 : m.read32(la);
  m.hi = lo >> 31;
  return lo;
}

/** D8 / DC / DA / DE memory forms: arithmetic (/0 /1 /4–/7) and compares (/2 /3). `fmt`: 4/8 fp bytes, or −2/−4 int bytes. */
function arithOrCompare(fmt: number): (i: Insn) => Handler {
  return (i) => {
    const op = i.digit;
    return (cpu, ins) => {
      const la = enter(cpu, ins);
      const s = cpu.x87, m = cpu.mmu;
      let cls = NORMAL;
      if (fmt === 4) {
        const bits = m.read32(la);
        noteMem(cpu, ins, la);
        if (op !== 2 && op !== 3) return arithM32(s, op, bits);
        cls = widenF32(s.ctx, bits);
      } else if (fmt === 8) {
        const lo = m.read64(la), hi = m.hi;
        noteMem(cpu, ins, la);
        if (op !== 2 && op !== 3) return arithM64(s, op, hi, lo);
        cls = widenF64(s.ctx, hi, lo);
      } else {
        const lo = readInt(cpu, la, -fmt), hi = m.hi;
        noteMem(cpu, ins, la);
        if (op !== 2 && op !== 3) return arithMInt(s, op, lo, hi);
        intToF80(s.ctx, lo, hi);
      }
      fcomMem(s, cls, op === 3 ? 1 : 0);
    };
  };
}

const fldM32: Handler = (cpu, i) => {
  const la = enter(cpu, i);
  const bits = cpu.mmu.read32(la);
  noteMem(cpu, i, la);
  fldF32(cpu.x87, bits);
};

const fldM64: Handler = (cpu, i) => {
  const la = enter(cpu, i);
  const lo = cpu.mmu.read64(la), hi = cpu.mmu.hi;
  noteMem(cpu, i, la);
  fldF64(cpu.x87, hi, lo);
};

const fldM80: Handler = (cpu, i) => {
  const la = enter(cpu, i);
  const lo = cpu.mmu.read64(la), hi = cpu.mmu.hi, se = cpu.mmu.read16(la + 8);
  noteMem(cpu, i, la);
  fldF80(cpu.x87, se, hi >>> 0, lo >>> 0);
};

function fildM(bytes: number): Handler {
  return (cpu, i) => {
    const la = enter(cpu, i);
    const lo = readInt(cpu, la, bytes), hi = cpu.mmu.hi;
    noteMem(cpu, i, la);
    fild(cpu.x87, lo, hi);
  };
}

const fbldM: Handler = (cpu, i) => {
  const la = enter(cpu, i);
  readBytes(cpu, la, bcd, 10);
  noteMem(cpu, i, la);
  fbld(cpu.x87, bcd, 0);
};

function fstM32(pop: boolean): Handler {
  return (cpu, i) => {
    const la = enter(cpu, i);
    probeWrite(cpu, la, 4);
    noteMem(cpu, i, la);
    if (fstF32(cpu.x87, pop)) cpu.mmu.write32(la, cpu.x87.ctx.lo);
  };
}

function fstM64(pop: boolean): Handler {
  return (cpu, i) => {
    const la = enter(cpu, i);
    probeWrite(cpu, la, 8);
    noteMem(cpu, i, la);
    const c = cpu.x87.ctx;
    if (fstF64(cpu.x87, pop)) cpu.mmu.write64(la, c.lo, c.hi);
  };
}

const fstpM80: Handler = (cpu, i) => {
  const la = enter(cpu, i);
  probeWrite(cpu, la, 10);
  noteMem(cpu, i, la);
  const c = cpu.x87.ctx;
  if (fstF80(cpu.x87)) {
    cpu.mmu.write64(la, c.lo, c.hi);
    cpu.mmu.write16(la + 8, c.se);
  }
};

/** FIST/FISTP/FISTTP to an integer of `bytes`. */
function fistM(bytes: number, pop: boolean, truncate: boolean): Handler {
  return (cpu, i) => {
    const la = enter(cpu, i);
    probeWrite(cpu, la, bytes);
    noteMem(cpu, i, la);
    const c = cpu.x87.ctx;
    if (!fist(cpu.x87, bytes * 8, pop, truncate)) return;
    if (bytes === 2) cpu.mmu.write16(la, c.lo);
    else if (bytes === 4) cpu.mmu.write32(la, c.lo);
    else cpu.mmu.write64(la, c.lo, c.hi);
  };
}

const fbstpM: Handler = (cpu, i) => {
  const la = enter(cpu, i);
  probeWrite(cpu, la, 10);
  noteMem(cpu, i, la);
  if (fbstp(cpu.x87, bcd, 0)) writeBytes(cpu, la, bcd, 10);
};

const d8 = arithOrCompare(4), dc = arithOrCompare(8), da = arithOrCompare(-4), de = arithOrCompare(-2);

/** The handler of a memory form other than the environment/control ones, or undefined (#UD or x87-env.ts). */
export function bindX87Mem(i: Insn): Handler | undefined {
  const d = i.digit;
  switch (i.op) {
    case 0xd8: return d8(i);
    case 0xdc: return dc(i);
    case 0xda: return da(i);
    case 0xde: return de(i);
    case 0xd9: return d === 0 ? fldM32 : d === 2 ? fstM32(false) : d === 3 ? fstM32(true) : undefined;
    case 0xdb:
      switch (d) {
        case 0: return fildM(4);
        case 1: return fistM(4, true, true);
        case 2: return fistM(4, false, false);
        case 3: return fistM(4, true, false);
        case 5: return fldM80;
        case 7: return fstpM80;
        default: return undefined;
      }
    case 0xdd:
      switch (d) {
        case 0: return fldM64;
        case 1: return fistM(8, true, true);
        case 2: return fstM64(false);
        case 3: return fstM64(true);
        default: return undefined;
      }
    case 0xdf:
      switch (d) {
        case 0: return fildM(2);
        case 1: return fistM(2, true, true);
        case 2: return fistM(2, false, false);
        case 3: return fistM(2, true, false);
        case 4: return fbldM;
        case 5: return fildM(8);
        case 6: return fbstpM;
        default: return fistM(8, true, false);
      }
    default: return undefined;
  }
}
