/**
 * Instruction family: flag operations (SDM Vol. 2 CLC, STC, CMC, CLD, STD,
 * LAHF, SAHF, PUSHF/PUSHFQ, POPF/POPFQ). CLI/STI are system instructions.
 * CF lives in the lazy flags, so CLC/STC/CMC/SAHF materialise the six status
 * flags and store them eagerly.
 */
import type { Cpu } from '../cpu.ts';
import { arithFlags, setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { pop16, pop64, push16, push64 } from '../operands.ts';
import {
  FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_IOPL, FLAG_PF, FLAG_RF, FLAG_SF, FLAG_VIF, FLAG_VIP, FLAG_VM, FLAG_ZF,
} from '../regs.ts';

const clc: Handler = (cpu) => setArithFlags(cpu.fl, arithFlags(cpu.fl) & ~FLAG_CF);
const stc: Handler = (cpu) => setArithFlags(cpu.fl, arithFlags(cpu.fl) | FLAG_CF);
const cmc: Handler = (cpu) => setArithFlags(cpu.fl, arithFlags(cpu.fl) ^ FLAG_CF);
const cld: Handler = (cpu) => { cpu.flagsOther &= ~FLAG_DF; };
const std: Handler = (cpu) => { cpu.flagsOther |= FLAG_DF; };

/** SF ZF AF PF CF as they sit in bits 7, 6, 4, 2, 0 of both RFLAGS and AH. */
const SAHF_BITS = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;

/**
 * 9F  LAHF: AH <- SF:ZF:0:AF:0:PF:1:CF. 9E  SAHF: SF ZF AF PF CF <- AH; OF
 * unchanged. Both need CPUID.80000001H:ECX.LAHF-SAHF[bit 0] in 64-bit mode;
 * the emulated CPU always has it.
 */
const lahf: Handler = (cpu) => {
  const ah = (arithFlags(cpu.fl) & SAHF_BITS) | 2;
  cpu.r[0] = (cpu.r[0] & ~0xff00) | (ah << 8);
};
const sahf: Handler = (cpu) => {
  const ah = (cpu.r[0] >> 8) & 0xff;
  setArithFlags(cpu.fl, (arithFlags(cpu.fl) & ~SAHF_BITS) | (ah & SAHF_BITS));
};

/** 9C  PUSHF(Q): RFLAGS with VM and RF cleared (SDM PUSHF); 66 pushes FLAGS (bits 15:0). */
const pushfq: Handler = (cpu) => push64(cpu, cpu.readRflags() & ~(FLAG_VM | FLAG_RF), 0);
const pushf16: Handler = (cpu) => push16(cpu, cpu.readRflags() & 0xffff);

/**
 * 9D  POPF(Q), SDM POPF (protected/64-bit mode, VM = 0):
 * - CPL 0: every defined flag may change except RF (cleared), VIP, VIF, VM (unaffected);
 * - CPL > 0: IOPL is unaffected too, and IF changes only when CPL <= IOPL;
 * - 66 (16-bit): only bits 15:0 are popped, with the same IOPL/IF rules; the
 *   upper bits (RF, VIP, VIF, VM, AC, ID) are unaffected.
 * Reserved bits keep their fixed values (writeRflags). TF/IF may have changed:
 * writeRflags calls updateSlow.
 */
function popf(cpu: Cpu, i: Insn): void {
  const wide = i.osz !== 2;
  const v = wide ? pop64(cpu) : pop16(cpu);
  const old = cpu.readRflags();
  let keep = wide ? FLAG_VIP | FLAG_VIF | FLAG_VM : ~0xffff;
  if (cpu.cpl > 0) {
    keep |= FLAG_IOPL;
    if (cpu.cpl > (old & FLAG_IOPL) >>> 12) keep |= FLAG_IF;
  }
  let nv = (v & ~keep) | (old & keep);
  if (wide) nv &= ~FLAG_RF;
  cpu.writeRflags(nv >>> 0);
}

export function bind(i: Insn): Handler | undefined {
  if (i.lock || i.map !== 0) return undefined;
  switch (i.op) {
    case 0xf8: return clc;
    case 0xf9: return stc;
    case 0xf5: return cmc;
    case 0xfc: return cld;
    case 0xfd: return std;
    case 0x9e: return sahf;
    case 0x9f: return lahf;
    case 0x9c: return i.osz === 2 ? pushf16 : pushfq;
    case 0x9d: return popf;
  }
  return undefined;
}
