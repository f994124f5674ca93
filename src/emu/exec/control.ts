/**
 * Instruction family: near control transfer (SDM Vol. 2 Jcc, JMP, CALL, RET,
 * LOOP/LOOPcc, JrCXZ). In 64-bit mode the operand size of near branches is
 * 64 bits (Intel ignores 66; the rel32 forms always take 4 bytes). A target
 * that is not canonical raises #GP(0) with nothing changed (RIP at the branch,
 * RSP and RCX untouched): the target is checked before any push, pop or count
 * update is committed.
 */
import type { Cpu } from '../cpu.ts';
import { GP, GuestFault, SS } from '../fault.ts';
import { cond, getZF } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, jumpRel, jumpTo, push64, rspLinear } from '../operands.ts';
import { RCX, RSP } from '../regs.ts';

const TWO32 = 4294967296;
const CANON = 2 ** 47;

// ---- 70–7F rel8, 0F 80–8F rel32  Jcc: one handler per condition code.
const jo: Handler = (cpu, i) => { if (cond(cpu.fl, 0)) jumpRel(cpu, i.imm); };
const jno: Handler = (cpu, i) => { if (cond(cpu.fl, 1)) jumpRel(cpu, i.imm); };
const jb: Handler = (cpu, i) => { if (cond(cpu.fl, 2)) jumpRel(cpu, i.imm); };
const jae: Handler = (cpu, i) => { if (cond(cpu.fl, 3)) jumpRel(cpu, i.imm); };
const je: Handler = (cpu, i) => { if (cond(cpu.fl, 4)) jumpRel(cpu, i.imm); };
const jne: Handler = (cpu, i) => { if (cond(cpu.fl, 5)) jumpRel(cpu, i.imm); };
const jbe: Handler = (cpu, i) => { if (cond(cpu.fl, 6)) jumpRel(cpu, i.imm); };
const ja: Handler = (cpu, i) => { if (cond(cpu.fl, 7)) jumpRel(cpu, i.imm); };
const js: Handler = (cpu, i) => { if (cond(cpu.fl, 8)) jumpRel(cpu, i.imm); };
const jns: Handler = (cpu, i) => { if (cond(cpu.fl, 9)) jumpRel(cpu, i.imm); };
const jp: Handler = (cpu, i) => { if (cond(cpu.fl, 10)) jumpRel(cpu, i.imm); };
const jnp: Handler = (cpu, i) => { if (cond(cpu.fl, 11)) jumpRel(cpu, i.imm); };
const jl: Handler = (cpu, i) => { if (cond(cpu.fl, 12)) jumpRel(cpu, i.imm); };
const jge: Handler = (cpu, i) => { if (cond(cpu.fl, 13)) jumpRel(cpu, i.imm); };
const jle: Handler = (cpu, i) => { if (cond(cpu.fl, 14)) jumpRel(cpu, i.imm); };
const jg: Handler = (cpu, i) => { if (cond(cpu.fl, 15)) jumpRel(cpu, i.imm); };
const JCC: readonly Handler[] = [jo, jno, jb, jae, je, jne, jbe, ja, js, jns, jp, jnp, jl, jge, jle, jg];

// ---- EB rel8, E9 rel32  JMP;  FF /4  JMP r/m64
const jmpRel: Handler = (cpu, i) => jumpRel(cpu, i.imm);
const jmpReg: Handler = (cpu, i) => jumpTo(cpu, cpu.r[2 * i.rm], cpu.r[2 * i.rm + 1]);
const jmpMem: Handler = (cpu, i) => {
  const lo = cpu.mmu.read64(ea(cpu, i));
  jumpTo(cpu, lo, cpu.mmu.hi);
};

/** Push the return address (the next RIP) and go to `target` (already checked canonical). */
function callTo(cpu: Cpu, target: number): void {
  const ret = cpu.rip;
  push64(cpu, ret | 0, Math.floor(ret / TWO32) | 0);
  cpu.rip = target;
}

// ---- E8 rel32  CALL: the target is checked before the push (SDM CALL: #GP(0) if tempRIP is not canonical)
const callRel: Handler = (cpu, i) => {
  const t = cpu.rip + i.imm;
  if (t < -CANON || t >= CANON) throw new GuestFault(GP, 0);
  callTo(cpu, t);
};
// ---- FF /2  CALL r/m64: the target is read before the push (CALL [RSP] uses the old RSP)
const callReg: Handler = (cpu, i) => {
  const hi = cpu.r[2 * i.rm + 1];
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(GP, 0);
  callTo(cpu, hi * TWO32 + (cpu.r[2 * i.rm] >>> 0));
};
const callMem: Handler = (cpu, i) => {
  const lo = cpu.mmu.read64(ea(cpu, i)), hi = cpu.mmu.hi;
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(GP, 0);
  callTo(cpu, hi * TWO32 + (lo >>> 0));
};

// ---- C3  RET, C2 iw  RET imm16: RSP += 8 + imm16 only after the target passed its check
function retTo(cpu: Cpu, extra: number): void {
  const sp = rspLinear(cpu);
  if (sp < -CANON || sp >= CANON) throw new GuestFault(SS, 0);
  const lo = cpu.mmu.read64(sp), hi = cpu.mmu.hi;
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(GP, 0);
  const nsp = sp + 8 + extra;
  const r = cpu.r;
  r[2 * RSP] = nsp | 0;
  r[2 * RSP + 1] = Math.floor(nsp / TWO32) | 0;
  cpu.rip = hi * TWO32 + (lo >>> 0);
}
const ret: Handler = (cpu) => retTo(cpu, 0);
const retImm: Handler = (cpu, i) => retTo(cpu, i.imm);

// ---- E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JRCXZ: the count is RCX, or ECX with 67
// (a 32-bit count update zero-extends RCX like any 32-bit register write).
/** Branch target of a rel8 (or #GP(0)); checked before the count changes. */
function relTarget(cpu: Cpu, i: Insn): number {
  const t = cpu.rip + i.imm;
  if (t < -CANON || t >= CANON) throw new GuestFault(GP, 0);
  return t;
}
/** Decrement the count register; returns true while it is not zero. */
function decCount(cpu: Cpu, i: Insn): boolean {
  const r = cpu.r;
  const lo = (r[2 * RCX] - 1) | 0;
  if (i.asz === 4) {
    r[2 * RCX] = lo;
    r[2 * RCX + 1] = 0;
    return lo !== 0;
  }
  if (r[2 * RCX] === 0) r[2 * RCX + 1] = (r[2 * RCX + 1] - 1) | 0;
  r[2 * RCX] = lo;
  return lo !== 0 || r[2 * RCX + 1] !== 0;
}
/**
 * LOOPcc: branch when (count - 1) != 0 and the condition holds. A branch to a
 * non-canonical target faults before the count is written.
 */
function loopcc(cpu: Cpu, i: Insn, want: number): void {
  const r = cpu.r;
  const lo = r[2 * RCX], hi = i.asz === 4 ? 0 : r[2 * RCX + 1];
  const nonzeroAfter = lo !== 1 || hi !== 0;
  const taken = nonzeroAfter && (want < 0 || getZF(cpu.fl) === (want === 1));
  const t = taken ? relTarget(cpu, i) : 0;
  decCount(cpu, i);
  if (taken) cpu.rip = t;
}
const loopne: Handler = (cpu, i) => loopcc(cpu, i, 0);
const loope: Handler = (cpu, i) => loopcc(cpu, i, 1);
const loop: Handler = (cpu, i) => loopcc(cpu, i, -1);
const jrcxz: Handler = (cpu, i) => {
  const r = cpu.r;
  if (r[2 * RCX] === 0 && (i.asz === 4 || r[2 * RCX + 1] === 0)) jumpRel(cpu, i.imm);
};

export function bind(i: Insn): Handler | undefined {
  if (i.lock) return undefined;
  if (i.map === 1) return i.op >= 0x80 && i.op <= 0x8f ? JCC[i.op & 15] : undefined;
  if (i.op >= 0x70 && i.op <= 0x7f) return JCC[i.op & 15];
  switch (i.op) {
    case 0xe0: return loopne;
    case 0xe1: return loope;
    case 0xe2: return loop;
    case 0xe3: return jrcxz;
    case 0xe8: return callRel;
    case 0xe9: case 0xeb: return jmpRel;
    case 0xc3: return ret;
    case 0xc2: return retImm;
    case 0xff:
      if (i.digit === 2) return i.regForm ? callReg : callMem;
      if (i.digit === 4) return i.regForm ? jmpReg : jmpMem;
      return undefined;
  }
  return undefined;
}
