/**
 * x87 control instructions with a memory operand (SDM Vol. 2 FLDCW, FSTCW,
 * FSTSW, FLDENV, FSTENV, FSAVE, FRSTOR): D9 /4 FLDENV, /5 FLDCW, /6 FNSTENV,
 * /7 FNSTCW; DD /4 FRSTOR, /6 FNSAVE, /7 FNSTSW m16. The FN… forms are
 * non-waiting (no #MF check); none of them changes FOP/FIP/FDP. The images
 * are the 32-bit protected-mode format that 64-bit mode uses (SDM Vol. 1
 * 8.1.10); a 66 prefix (without REX.W, which wins, as on the host) selects
 * the 16-bit protected-mode format (14/94 bytes, Figure 8-10).
 */
import type { Cpu } from '../cpu.ts';
import { EXC_MASK } from '../fpu/f80.ts';
import {
  FSAVE16_SIZE, FSAVE_SIZE, FSTENV16_SIZE, FSTENV_SIZE, readFldenv, readFldenv16, readFsave, writeFsave, writeFstenv,
  writeFstenv16,
} from '../fpu/x87-save.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea } from '../operands.ts';
import { probeWrite, readBytes, writeBytes, x87Available, x87Wait } from './x87-gate.ts';

const img = new Uint8Array(FSAVE_SIZE);

function address(cpu: Cpu, i: Insn, waiting: boolean): number {
  x87Available(cpu);
  if (waiting) x87Wait(cpu);
  return ea(cpu, i);
}

const fldcw: Handler = (cpu, i) => {
  const w = cpu.mmu.read16(address(cpu, i, true));
  cpu.x87.setControlWord(w);
};

const fnstcw: Handler = (cpu, i) => {
  cpu.mmu.write16(address(cpu, i, false), cpu.x87.fcw);
};

const fnstsw: Handler = (cpu, i) => {
  cpu.mmu.write16(address(cpu, i, false), cpu.x87.statusWord());
};

/** 66 without REX.W: the 16-bit image format. */
function bits16(i: Insn): boolean {
  return i.opsizePrefix && !i.rexW;
}

const fldenv: Handler = (cpu, i) => {
  const la = address(cpu, i, true), b16 = bits16(i);
  readBytes(cpu, la, img, b16 ? FSTENV16_SIZE : FSTENV_SIZE);
  (b16 ? readFldenv16 : readFldenv)(cpu.x87, img, 0);
};

/** FNSTENV: store the environment, then mask every exception (SDM Vol. 2 FSTENV). */
const fnstenv: Handler = (cpu, i) => {
  const la = address(cpu, i, false), b16 = bits16(i), n = b16 ? FSTENV16_SIZE : FSTENV_SIZE;
  probeWrite(cpu, la, n);
  const s = cpu.x87;
  (b16 ? writeFstenv16 : writeFstenv)(s, img, 0);
  writeBytes(cpu, la, img, n);
  s.setControlWord(s.fcw | EXC_MASK);
};

const frstor: Handler = (cpu, i) => {
  const la = address(cpu, i, true), b16 = bits16(i);
  readBytes(cpu, la, img, b16 ? FSAVE16_SIZE : FSAVE_SIZE);
  readFsave(cpu.x87, img, 0, b16);
};

/** FNSAVE: store the state, then FNINIT (SDM Vol. 2 FSAVE). */
const fnsave: Handler = (cpu, i) => {
  const la = address(cpu, i, false), b16 = bits16(i), n = b16 ? FSAVE16_SIZE : FSAVE_SIZE;
  probeWrite(cpu, la, n);
  writeFsave(cpu.x87, img, 0, b16);
  writeBytes(cpu, la, img, n);
  cpu.x87.init();
};

/** D9 /4–/7 and DD /4 /6 /7 (memory forms), or undefined. */
export function bindX87Env(i: Insn): Handler | undefined {
  if (i.op === 0xd9 && i.digit >= 4) {
    if (i.digit === 5) return fldcw;
    if (i.digit === 7) return fnstcw;
    return i.digit === 4 ? fldenv : fnstenv;
  }
  if (i.op === 0xdd && i.digit >= 4) {
    if (i.digit === 7) return fnstsw;
    if (i.digit === 5) return undefined;
    return i.digit === 4 ? frstor : fnsave;
  }
  return undefined;
}
