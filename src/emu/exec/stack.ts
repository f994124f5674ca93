/**
 * Instruction family: stack (SDM Vol. 2 PUSH, POP, ENTER, LEAVE). In 64-bit
 * mode PUSH/POP default to a 64-bit operand (66 gives 16 bits; 32 bits cannot
 * be encoded) and the stack is RSP with no segment base. RSP changes only once
 * every access of the instruction has succeeded.
 */
import type { Cpu } from '../cpu.ts';
import { GuestFault, SS } from '../fault.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, pop16, pop64, push16, push64, rspLinear } from '../operands.ts';
import { RBP, RSP } from '../regs.ts';

const TWO32 = 4294967296;

// ---- 50+r / 58+r  PUSH r, POP r
const push64_o: Handler = (cpu, i) => {
  const r = cpu.r, n = 2 * i.opReg;
  push64(cpu, r[n], r[n + 1]); // PUSH RSP stores the value before the push
};
const pop64_o: Handler = (cpu, i) => {
  const lo = pop64(cpu);
  const r = cpu.r, n = 2 * i.opReg;
  r[n] = lo; // POP RSP: the popped value replaces the incremented RSP
  r[n + 1] = cpu.mmu.hi;
};
const push16_o: Handler = (cpu, i) => push16(cpu, cpu.r[2 * i.opReg] & 0xffff);
const pop16_o: Handler = (cpu, i) => {
  const v = pop16(cpu);
  const r = cpu.r, n = 2 * i.opReg;
  r[n] = (r[n] & ~0xffff) | v;
};

// ---- 68 Iz / 6A Ib  PUSH imm (sign-extended to 64 bits; 16 bits with 66)
const push64_i: Handler = (cpu, i) => push64(cpu, i.imm, i.imm >> 31);
const push16_i: Handler = (cpu, i) => push16(cpu, i.imm & 0xffff);

// ---- FF /6  PUSH r/m: the operand is read (with the old RSP) before the push
const push64_m: Handler = (cpu, i) => {
  const lo = cpu.mmu.read64(ea(cpu, i));
  push64(cpu, lo, cpu.mmu.hi);
};
const push16_m: Handler = (cpu, i) => push16(cpu, cpu.mmu.read16(ea(cpu, i)));
const push64_r: Handler = (cpu, i) => {
  const r = cpu.r, n = 2 * i.rm;
  push64(cpu, r[n], r[n + 1]);
};
const push16_r: Handler = (cpu, i) => push16(cpu, cpu.r[2 * i.rm] & 0xffff);

// ---- 8F /0  POP r/m. SDM POP: "If the destination operand uses RSP as a base
// register, the value of RSP used to compute the address is the value after
// the pop". RSP is therefore incremented first; a faulting store puts it back.
function popMem(cpu: Cpu, i: Insn): void {
  const r = cpu.r, spLo = r[2 * RSP], spHi = r[2 * RSP + 1];
  const wide = i.osz !== 2;
  const lo = wide ? pop64(cpu) : pop16(cpu);
  const hi = cpu.mmu.hi;
  try {
    const la = ea(cpu, i);
    if (wide) cpu.mmu.write64(la, lo, hi);
    else cpu.mmu.write16(la, lo);
  } catch (e) {
    r[2 * RSP] = spLo;
    r[2 * RSP + 1] = spHi;
    throw e;
  }
}
const pop64_r: Handler = (cpu, i) => {
  const lo = pop64(cpu);
  const r = cpu.r, n = 2 * i.rm;
  r[n] = lo;
  r[n + 1] = cpu.mmu.hi;
};
const pop16_r: Handler = (cpu, i) => {
  const v = pop16(cpu);
  const r = cpu.r, n = 2 * i.rm;
  r[n] = (r[n] & ~0xffff) | v;
};

// ---- ENTER / LEAVE
function stackCheck(la: number): number {
  if (la < -(2 ** 47) || la >= 2 ** 47) throw new GuestFault(SS, 0);
  return la;
}
function regValue(cpu: Cpu, n: number): number {
  return cpu.r[2 * n + 1] * TWO32 + (cpu.r[2 * n] >>> 0);
}
function setReg(cpu: Cpu, n: number, v: number): void {
  cpu.r[2 * n] = v | 0;
  cpu.r[2 * n + 1] = Math.floor(v / TWO32) | 0;
}

/**
 * C8 iw ib  ENTER alloc, level (SDM ENTER pseudo-code, 64-bit mode): push RBP,
 * FrameTemp = RSP; for level > 1 copy level-1 frame pointers from [RBP-8],
 * [RBP-16]… ; for level > 0 push FrameTemp; then RBP = FrameTemp and
 * RSP -= alloc. Level is taken mod 32. Registers are committed only after all
 * stack accesses (and the probe of the final RSP) succeeded. With a 16-bit
 * operand size every push and copy is a word and only BP (bits 15:0 of RBP)
 * receives FrameTemp (as Bochs's ENTER16 does; the SDM leaves this
 * 64-bit-mode case implicit); RSP stays 64-bit.
 */
function enter(cpu: Cpu, i: Insn): void {
  const mmu = cpu.mmu;
  const size = i.osz === 2 ? 2 : 8;
  const level = i.imm2 & 31;
  const rbp = cpu.r[2 * RBP], rbpHi = cpu.r[2 * RBP + 1];
  let sp = stackCheck(rspLinear(cpu) - size);
  if (size === 8) mmu.write64(sp, rbp, rbpHi);
  else mmu.write16(sp, rbp & 0xffff);
  const frame = sp;
  if (level > 0) {
    let bp = regValue(cpu, RBP);
    for (let k = 1; k < level; k++) {
      bp -= size;
      const la = stackCheck(bp);
      sp = stackCheck(sp - size);
      if (size === 8) {
        const lo = mmu.read64(la);
        mmu.write64(sp, lo, mmu.hi);
      } else {
        mmu.write16(sp, mmu.read16(la));
      }
    }
    sp = stackCheck(sp - size);
    if (size === 8) mmu.write64(sp, frame | 0, Math.floor(frame / TWO32) | 0);
    else mmu.write16(sp, frame & 0xffff);
  }
  // SDM ENTER exceptions: #PF "if a write using the final value of the stack
  // pointer would cause a page fault" — probed, not written (the host CPU does the same).
  const fin = stackCheck(sp - i.imm);
  mmu.checkWritable(fin);
  mmu.checkWritable(fin + size - 1);
  if (size === 8) setReg(cpu, RBP, frame);
  else cpu.r[2 * RBP] = (rbp & ~0xffff) | (frame & 0xffff);
  setReg(cpu, RSP, fin);
}

/** C9  LEAVE: RSP = RBP, then pop RBP (BP with 66). Reads before any change. */
function leave(cpu: Cpu, i: Insn): void {
  const la = stackCheck(regValue(cpu, RBP));
  if (i.osz === 2) {
    const v = cpu.mmu.read16(la);
    setReg(cpu, RSP, la + 2);
    cpu.r[2 * RBP] = (cpu.r[2 * RBP] & ~0xffff) | v;
    return;
  }
  const lo = cpu.mmu.read64(la);
  setReg(cpu, RSP, la + 8);
  cpu.r[2 * RBP] = lo;
  cpu.r[2 * RBP + 1] = cpu.mmu.hi;
}

export function bind(i: Insn): Handler | undefined {
  if (i.lock) return undefined;
  const w16 = i.osz === 2;
  if (i.map !== 0) return undefined;
  if (i.op >= 0x50 && i.op <= 0x57) return w16 ? push16_o : push64_o;
  if (i.op >= 0x58 && i.op <= 0x5f) return w16 ? pop16_o : pop64_o;
  switch (i.op) {
    case 0x68: case 0x6a: return w16 ? push16_i : push64_i;
    case 0x8f:
      if (i.digit !== 0) return undefined;
      if (i.regForm) return w16 ? pop16_r : pop64_r;
      return popMem;
    case 0xff: // /6
      if (i.regForm) return w16 ? push16_r : push64_r;
      return w16 ? push16_m : push64_m;
    case 0xc8: return enter;
    case 0xc9: return leave;
  }
  return undefined;
}
