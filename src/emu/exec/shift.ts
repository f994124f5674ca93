/**
 * Instruction family: shifts and rotates — grp2 (C0/C1 imm8, D0/D1 by 1,
 * D2/D3 by CL: ROL ROR RCL RCR SHL SAR SHR, /6 = SAL = SHL) and SHLD/SHRD
 * (0F A4/A5/AC/AD). None accepts LOCK (#UD).
 *
 * SDM Vol. 2 SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR: the count is masked to 5 bits
 * (6 with a 64-bit operand); a masked count of 0 changes no flags, but the
 * destination is still written: a 32-bit register is zero-extended and a
 * memory operand gets a write cycle (a read-only page faults) — as the AMD
 * host does, measured with native code. CF is the last bit shifted out
 * (counts beyond the width extend naturally: SHL/SHR give CF = 0, SAR the sign).
 * OF is defined only for 1-bit shifts; for other counts we use the formula
 * that also gives the 1-bit value, as the AMD host does: SHL OF = MSB(result)
 * ^ CF; SHR OF = bit n−1 ^ bit n−2 of the result; SAR OF = 0. AF (undefined)
 * is set to 1 by SHL/SHR/SAR/SHLD/SHRD, as on the host.
 *
 * The hot cases — SHL/SHR/SAR of a 32/64-bit register by imm8, 1 or CL — have
 * their own handlers; everything else goes through grp2.ts / shiftd.ts.
 */
import type { Cpu } from '../cpu.ts';
import { setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { grp2Cl, grp2Imm, grp2One } from './grp2.ts';
import { flagsOut, hiOut, sar32, sar64, shl32, shl64, shr32, shr64 } from './shiftcore.ts';
import { shldCl, shldImm, shrdCl, shrdImm } from './shiftd.ts';

export function bind(i: Insn): Handler | undefined {
  if (i.lock) return undefined;
  if (i.map === 1) {
    switch (i.op) {
      case 0xa4: return shldImm;
      case 0xa5: return shldCl;
      case 0xac: return shrdImm;
      case 0xad: return shrdCl;
    }
    return undefined;
  }
  const src = i.op <= 0xc1 ? 0 : i.op <= 0xd1 ? 1 : 2; // imm8, 1, CL
  if (i.regForm && (i.op & 1) === 1 && i.osz >= 4) {
    const k = i.digit === 4 || i.digit === 6 ? 0 : i.digit === 5 ? 1 : i.digit === 7 ? 2 : -1;
    if (k >= 0) return HOT[(i.osz === 8 ? 9 : 0) + k * 3 + src];
  }
  return src === 0 ? grp2Imm : src === 1 ? grp2One : grp2Cl;
}

// ---- register handlers. A zero count still writes a 32-bit register (zero-extends it).
function shl32r(cpu: Cpu, i: Insn, n: number): void {
  const r = cpu.r, x = 2 * i.rm;
  r[x + 1] = 0;
  if (n === 0) return;
  r[x] = shl32(r[x], n);
  setArithFlags(cpu.fl, flagsOut);
}
function shr32r(cpu: Cpu, i: Insn, n: number): void {
  const r = cpu.r, x = 2 * i.rm;
  r[x + 1] = 0;
  if (n === 0) return;
  r[x] = shr32(r[x], n);
  setArithFlags(cpu.fl, flagsOut);
}
function sar32r(cpu: Cpu, i: Insn, n: number): void {
  const r = cpu.r, x = 2 * i.rm;
  r[x + 1] = 0;
  if (n === 0) return;
  r[x] = sar32(r[x], n);
  setArithFlags(cpu.fl, flagsOut);
}
function shl64r(cpu: Cpu, i: Insn, n: number): void {
  if (n === 0) return;
  const r = cpu.r, x = 2 * i.rm;
  r[x] = shl64(r[x], r[x + 1], n);
  r[x + 1] = hiOut;
  setArithFlags(cpu.fl, flagsOut);
}
function shr64r(cpu: Cpu, i: Insn, n: number): void {
  if (n === 0) return;
  const r = cpu.r, x = 2 * i.rm;
  r[x] = shr64(r[x], r[x + 1], n);
  r[x + 1] = hiOut;
  setArithFlags(cpu.fl, flagsOut);
}
function sar64r(cpu: Cpu, i: Insn, n: number): void {
  if (n === 0) return;
  const r = cpu.r, x = 2 * i.rm;
  r[x] = sar64(r[x], r[x + 1], n);
  r[x + 1] = hiOut;
  setArithFlags(cpu.fl, flagsOut);
}

// CL is the low byte of RCX (r[2]).
const shl32_ri: Handler = (cpu, i) => shl32r(cpu, i, i.imm & 31);
const shl32_r1: Handler = (cpu, i) => shl32r(cpu, i, 1);
const shl32_rc: Handler = (cpu, i) => shl32r(cpu, i, cpu.r[2] & 31);
const shr32_ri: Handler = (cpu, i) => shr32r(cpu, i, i.imm & 31);
const shr32_r1: Handler = (cpu, i) => shr32r(cpu, i, 1);
const shr32_rc: Handler = (cpu, i) => shr32r(cpu, i, cpu.r[2] & 31);
const sar32_ri: Handler = (cpu, i) => sar32r(cpu, i, i.imm & 31);
const sar32_r1: Handler = (cpu, i) => sar32r(cpu, i, 1);
const sar32_rc: Handler = (cpu, i) => sar32r(cpu, i, cpu.r[2] & 31);
const shl64_ri: Handler = (cpu, i) => shl64r(cpu, i, i.imm & 63);
const shl64_r1: Handler = (cpu, i) => shl64r(cpu, i, 1);
const shl64_rc: Handler = (cpu, i) => shl64r(cpu, i, cpu.r[2] & 63);
const shr64_ri: Handler = (cpu, i) => shr64r(cpu, i, i.imm & 63);
const shr64_r1: Handler = (cpu, i) => shr64r(cpu, i, 1);
const shr64_rc: Handler = (cpu, i) => shr64r(cpu, i, cpu.r[2] & 63);
const sar64_ri: Handler = (cpu, i) => sar64r(cpu, i, i.imm & 63);
const sar64_r1: Handler = (cpu, i) => sar64r(cpu, i, 1);
const sar64_rc: Handler = (cpu, i) => sar64r(cpu, i, cpu.r[2] & 63);

/** [size 32/64][shl, shr, sar][imm8, 1, CL]. */
const HOT: readonly Handler[] = [
  shl32_ri, shl32_r1, shl32_rc, shr32_ri, shr32_r1, shr32_rc, sar32_ri, sar32_r1, sar32_rc,
  shl64_ri, shl64_r1, shl64_rc, shr64_ri, shr64_r1, shr64_rc, sar64_ri, sar64_r1, sar64_rc,
];
