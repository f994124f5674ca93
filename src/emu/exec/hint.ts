/**
 * Hints, NOPs and the 0F AE group (SDM Vol. 2 NOP, PREFETCHh, PREFETCHW,
 * ENDBR64, LFENCE/MFENCE/SFENCE, CLFLUSH/CLFLUSHOPT, RDFSBASE/WRFSBASE).
 *
 * - 0F 18–0F 1F is the reserved-NOP hint space (SDM Vol. 2 Table A-3 note):
 *   multi-byte NOP (0F 1F /0), prefetch hints (0F 18 /0–3), ENDBR64
 *   (F3 0F 1E FA, a NOP without CET) and the MPX/CET encodings, which are NOPs
 *   when the feature is absent or disabled. None accesses memory or faults.
 * - 0F 0D (PREFETCH/PREFETCHW) is a hint: a NOP in both forms.
 * - 0F AE: the fences (register forms /5 /6 /7, no prefix) order memory, which
 *   a single in-order CPU already does: NOPs. CLFLUSH (/7) and CLFLUSHOPT
 *   (66 /7) check the address as a byte load does (canonical, #PF) and flush
 *   nothing (there is no cache). F3 /0–/3 register forms are RD/WR FS/GS BASE.
 *   The memory forms /0–/6 (FXSAVE … XSAVEOPT) are the 'xsave' family (exec/xsave.ts).
 */
import type { Cpu } from '../cpu.ts';
import { GP, GuestFault, UD } from '../fault.ts';
import { SEG_FS, SEG_GS, type Handler, type Insn } from '../insn.ts';
import { ACCESS_READ } from '../mmu.ts';
import { ea } from '../operands.ts';
import { CR4_FSGSBASE } from '../regs.ts';

const TWO32 = 4294967296;

const nop: Handler = () => {};

const clflush: Handler = (cpu, i) => {
  cpu.mmu.translate(ea(cpu, i), ACCESS_READ);
};

// ---- F3 (REX.W) 0F AE /0–/3 (mod 3): RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE.
// #UD unless CR4.FSGSBASE; a 32-bit operand size reads the low half
// (zero-extended) or writes a zero-extended base; a non-canonical 64-bit base is #GP(0).
function fsgsbase(cpu: Cpu, i: Insn): void {
  if ((cpu.cr4 & CR4_FSGSBASE) === 0) throw new GuestFault(UD);
  const s = cpu.seg[(i.digit & 1) === 0 ? SEG_FS : SEG_GS];
  const r = cpu.r, n = 2 * i.rm;
  if (i.digit < 2) {
    r[n] = s.base | 0;
    r[n + 1] = i.osz === 8 ? Math.floor(s.base / TWO32) | 0 : 0;
    return;
  }
  const lo = r[n], hi = i.osz === 8 ? r[n + 1] : 0;
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(GP, 0);
  s.base = hi * TWO32 + (lo >>> 0);
}

function bindGroup15(i: Insn): Handler | undefined {
  const plain = i.rep === 0 && !i.opsizePrefix;
  if (i.regForm) {
    if (plain) return i.digit >= 5 ? nop : undefined; // lfence, mfence, sfence
    if (i.rep === 0xf3 && !i.opsizePrefix && i.digit <= 3) return fsgsbase;
    return undefined;
  }
  if (i.digit === 7 && i.rep === 0) return clflush; // CLFLUSH, 66: CLFLUSHOPT
  return undefined;
}

export function bindHint(i: Insn): Handler | undefined {
  if (i.op === 0x0d || (i.op >= 0x18 && i.op <= 0x1f)) return nop;
  if (i.op === 0xae) return bindGroup15(i);
  return undefined;
}
