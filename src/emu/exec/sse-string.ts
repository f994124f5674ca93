/**
 * SSE4.2: PCMPESTRI/PCMPESTRM/PCMPISTRI/PCMPISTRM (66 0F 3A 60–63) and CRC32
 * (F2 0F 38 F0/F1), SDM Vol. 2 pages of each. The string compares take an
 * unaligned m128 (exceptions type 4UA); CRC32 is a general-purpose
 * instruction (no CR0/CR4 SSE checks).
 */
import type { Cpu } from '../cpu.ts';
import { setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { readRm16, readRm32, readRm64, readRm8, setReg32 } from '../operands.ts';
import { PC_66, PC_F2 } from '../opcodes/row.ts';
import { RAX, RCX, RDX } from '../regs.ts';
import { crc32c } from '../sse/crc32.ts';
import { StrCmpResult, pcmpstr, strIndex, strMask } from '../sse/pcmpstr.ts';
import { M128, type SseEntry, at, src, sseCheck, xreg } from './sse-access.ts';

const result = new StrCmpResult();

/** EAX (RAX with REX.W) as a signed length; any 64-bit value of magnitude ≥ 16 stands for itself as a double. */
function length(cpu: Cpu, g: number, wide: boolean): number {
  const lo = cpu.r[2 * g];
  return wide ? cpu.r[2 * g + 1] * 4294967296 + (lo >>> 0) : lo;
}

const pcmpstrH = (explicit: boolean, index: boolean): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const s = src(cpu, i, M128), x = cpu.sse.x, imm = i.imm & 0xff;
  const la = explicit ? length(cpu, RAX, i.rexW) : 0, lb = explicit ? length(cpu, RDX, i.rexW) : 0;
  pcmpstr(x, xreg(i), s, imm, !explicit, la, lb, result);
  if (index) setReg32(cpu, RCX, strIndex(imm, result));
  else strMask(x, imm, result);
  setArithFlags(cpu.fl, result.flags);
};

/** CRC32 r32|r64, r/m8 (F0) or r/m16|32|64 (F1): the 32-bit CRC, zero-extended into the 64-bit register. */
const crc32 = (byteForm: boolean): Handler => (cpu: Cpu, i: Insn) => {
  const size = byteForm ? 1 : i.rexW ? 8 : i.opsizePrefix ? 2 : 4;
  let lo: number, hi = 0;
  switch (size) {
    case 1: lo = readRm8(cpu, i); break;
    case 2: lo = readRm16(cpu, i); break;
    case 4: lo = readRm32(cpu, i); break;
    default: lo = readRm64(cpu, i); hi = cpu.mmu.hi;
  }
  setReg32(cpu, i.reg, crc32c(cpu.r[2 * i.reg], lo, hi, size as 1 | 2 | 4 | 8));
};

export const STRING_HANDLERS: readonly SseEntry[] = [
  at(3, PC_66, 0x60, pcmpstrH(true, false)),
  at(3, PC_66, 0x61, pcmpstrH(true, true)),
  at(3, PC_66, 0x62, pcmpstrH(false, false)),
  at(3, PC_66, 0x63, pcmpstrH(false, true)),
  at(2, PC_F2, 0xf0, crc32(true)),
  at(2, PC_F2, 0xf1, crc32(false)),
];
