/**
 * Privilege-changing control flow and interrupt-flag control: SYSCALL and
 * SYSRET (0F 05/07), IRET (CF), INT n (CD), INT3 (CC), INT1/ICEBP (F1),
 * CLI/STI (FA/FB) (SDM Vol. 2 for each; Vol. 3 §6.12–6.14).
 *
 * Software interrupts deliver from inside the handler with RIP already at
 * the next instruction; a fault while delivering propagates as a fault of
 * the INT instruction itself (RIP rewound to it), as on hardware.
 */
import type { Cpu } from '../cpu.ts';
import { DR6_FIXED_1, DR7_GD } from '../debug.ts';
import { EXIT_EXCEPTION } from '../exits.ts';
import { BP, DB, GP, GuestFault, NP, SS, UD } from '../fault.ts';
import { SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, type Insn } from '../insn.ts';
import { EVENT_EXCEPTION, EVENT_SOFTWARE, deliverEvent, descriptorAddress } from '../interrupts.ts';
import { rspLinear } from '../operands.ts';
import {
  EFER_LMA, EFER_SCE, FLAG_AC, FLAG_AF, FLAG_CF, FLAG_DF, FLAG_ID, FLAG_IF, FLAG_IOPL, FLAG_NT, FLAG_OF,
  FLAG_PF, FLAG_RF, FLAG_SF, FLAG_TF, FLAG_VIF, FLAG_VIP, FLAG_ZF, RCX, RSP,
} from '../regs.ts';
import type { Segment } from '../segments.ts';

const TWO32 = 4294967296;
/** R11 with the bits SYSRET loads into RFLAGS (SDM SYSRET: R11 & 3C7FD7H | 2). */
const SYSRET_FLAGS = 0x3c7fd7;
const R11 = 11;

function gp(code: number): never {
  throw new GuestFault(GP, code);
}
function iopl(cpu: Cpu): number {
  return (cpu.flagsOther >> 12) & 3;
}

/** The fixed flat descriptor cache SYSCALL/SYSRET load (SDM SYSCALL/SYSRET operation). */
function flatSegment(s: Segment, selector: number, type: number, dpl: number, l: number, db: number): void {
  s.selector = selector;
  s.base = 0;
  s.limit = 0xffffffff;
  s.type = type;
  s.s = 1;
  s.dpl = dpl;
  s.present = 1;
  s.avl = 0;
  s.l = l;
  s.db = db;
  s.g = 1;
  s.unusable = 0;
}

// ------------------------------------------------------------ SYSCALL/SYSRET
function syscallChecks(cpu: Cpu): void {
  if ((cpu.efer & EFER_SCE) === 0 || (cpu.efer & EFER_LMA) === 0 || !cpu.mode64) throw new GuestFault(UD);
}

function syscall(cpu: Cpu): void {
  syscallChecks(cpu);
  const r = cpu.r;
  const rip = cpu.rip;
  r[2 * RCX] = rip | 0;
  r[2 * RCX + 1] = Math.floor(rip / TWO32) | 0;
  const flags = cpu.readRflags() & ~FLAG_RF; // R11 gets RFLAGS with RF clear (as Bochs)
  r[2 * R11] = flags;
  r[2 * R11 + 1] = 0;
  const sel = Number((cpu.star >> 32n) & 0xffffn);
  flatSegment(cpu.seg[SEG_CS], sel & 0xfffc, 0xb, 0, 1, 0);
  flatSegment(cpu.seg[SEG_SS], (sel + 8) & 0xffff, 0x3, 0, 0, 1);
  cpu.rip = cpu.lstar;
  cpu.writeRflags(flags & ~cpu.fmask);
  cpu.setCpl(0);
}

/** SYSRET; with REX.W to 64-bit code, else to compatibility mode (which the run loop reports as unsupported). */
function sysret(cpu: Cpu, i: Insn): void {
  syscallChecks(cpu);
  if (cpu.cpl !== 0) gp(0);
  const r = cpu.r;
  const to64 = i.rexW;
  let target: number;
  if (to64) {
    const hi = r[2 * RCX + 1];
    if ((hi << 16) >> 16 !== hi) gp(0); // non-canonical RCX
    target = hi * TWO32 + (r[2 * RCX] >>> 0);
  } else {
    target = r[2 * RCX] >>> 0;
  }
  const base = Number((cpu.star >> 48n) & 0xffffn);
  flatSegment(cpu.seg[SEG_CS], ((to64 ? base + 16 : base) | 3) & 0xffff, 0xb, 3, to64 ? 1 : 0, to64 ? 0 : 1);
  flatSegment(cpu.seg[SEG_SS], ((base + 8) | 3) & 0xffff, 0x3, 3, 0, 1);
  cpu.rip = target;
  cpu.writeRflags((r[2 * R11] & SYSRET_FLAGS) | 2);
  cpu.setCpl(3);
}

// ------------------------------------------------------------------- IRET
/** Read a code/data descriptor for IRET (supervisor access). */
function iretDescriptor(cpu: Cpu, sel: number): [number, number] {
  const mmu = cpu.mmu;
  const user = mmu.user;
  mmu.setUser(false);
  try {
    const la = descriptorAddress(cpu, sel, GP, 0);
    return [mmu.read32(la), mmu.read32(la + 4)];
  } finally {
    mmu.setUser(user);
  }
}

/** Pop `osz` bytes at `la`: [lo, hi] zero-extended. */
function readSlot(cpu: Cpu, la: number, osz: number): [number, number] {
  const mmu = cpu.mmu;
  if (osz === 8) {
    const lo = mmu.read64(la);
    return [lo, mmu.hi];
  }
  return [osz === 4 ? mmu.read32(la) : mmu.read16(la), 0];
}

/** Check the CS IRET returns to (SDM IRET, IA-32e mode): returns [lo, hi] of its descriptor. */
function checkReturnCs(cpu: Cpu, sel: number): [number, number] {
  if ((sel & 0xfffc) === 0) gp(0);
  const [lo, hi] = iretDescriptor(cpu, sel);
  const type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3, rpl = sel & 3;
  if (((hi >> 12) & 1) === 0 || (type & 8) === 0) gp(sel & 0xfffc);
  if (rpl < cpu.cpl) gp(sel & 0xfffc);
  if ((type & 4) !== 0 ? dpl > rpl : dpl !== rpl) gp(sel & 0xfffc);
  if (((hi >> 21) & 1) === 1 && ((hi >> 22) & 1) === 1) gp(sel & 0xfffc); // L = D = 1 is reserved
  if (((hi >> 15) & 1) === 0) throw new GuestFault(NP, sel & 0xfffc);
  return [lo, hi];
}

/** Check the SS IRET loads (always popped in 64-bit mode): null only for a 64-bit return to CPL < 3. */
function checkReturnSs(cpu: Cpu, sel: number, newCpl: number, to64: boolean): [number, number] | null {
  if ((sel & 0xfffc) === 0) {
    if (!to64 || newCpl === 3) gp(0);
    return null;
  }
  const [lo, hi] = iretDescriptor(cpu, sel);
  const type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3;
  if ((sel & 3) !== newCpl) gp(sel & 0xfffc);
  if (((hi >> 12) & 1) === 0 || (type & 8) !== 0 || (type & 2) === 0) gp(sel & 0xfffc);
  if (dpl !== newCpl) gp(sel & 0xfffc);
  if (((hi >> 15) & 1) === 0) throw new GuestFault(SS, sel & 0xfffc);
  return [lo, hi];
}

/** IRET flags mask by the CPL before the return: IF needs CPL <= IOPL, IOPL/VIF/VIP need CPL 0. */
function iretFlagsMask(cpu: Cpu): number {
  let m = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_TF | FLAG_DF | FLAG_OF | FLAG_NT | FLAG_RF | FLAG_AC | FLAG_ID;
  if (cpu.cpl <= iopl(cpu)) m |= FLAG_IF;
  if (cpu.cpl === 0) m |= FLAG_IOPL | FLAG_VIF | FLAG_VIP;
  return m;
}

/** On a return to an outer level, DS/ES/FS/GS that the new CPL may not use become null (the FS/GS base is kept). */
function nullInaccessible(cpu: Cpu, newCpl: number): void {
  for (const k of [SEG_ES, SEG_DS, SEG_FS, SEG_GS]) {
    const s = cpu.seg[k];
    if ((s.selector & 0xfffc) === 0 || s.unusable) continue;
    const conformingCode = (s.type & 0xc) === 0xc;
    if (s.dpl < newCpl && !conformingCode) {
      s.selector = 0;
      s.unusable = 1;
    }
  }
}

/** IRET/IRETD/IRETQ in 64-bit mode: pops RIP, CS, RFLAGS, RSP, SS (each of the operand size). */
function iret(cpu: Cpu, i: Insn): void {
  if ((cpu.flagsOther & FLAG_NT) !== 0) gp(0); // no task return in IA-32e mode
  const osz = i.osz;
  const sp = rspLinear(cpu);
  const end = sp + 5 * osz;
  if (sp < -(2 ** 47) || end > 2 ** 47) throw new GuestFault(SS, 0);
  const [ripLo, ripHi] = readSlot(cpu, sp, osz);
  const csSel = readSlot(cpu, sp + osz, osz)[0] & 0xffff;
  const popped = readSlot(cpu, sp + 2 * osz, osz)[0];
  const [rspLo, rspHi] = readSlot(cpu, sp + 3 * osz, osz);
  const ssSel = readSlot(cpu, sp + 4 * osz, osz)[0] & 0xffff;

  const [clo, chi] = checkReturnCs(cpu, csSel);
  const newCpl = csSel & 3;
  const to64 = ((chi >> 21) & 1) === 1;
  const ssDesc = checkReturnSs(cpu, ssSel, newCpl, to64);
  if (to64 && (ripHi << 16) >> 16 !== ripHi) gp(0);

  // Commit.
  const mask = iretFlagsMask(cpu);
  const cur = cpu.readRflags();
  const src = osz === 2 ? (cur & ~0xffff) | (popped & 0xffff) : popped; // a 16-bit IRET loads FLAGS[15:0] only
  cpu.writeRflags((cur & ~mask) | (src & mask));
  cpu.rip = ripHi * TWO32 + (ripLo >>> 0);
  cpu.seg[SEG_CS].loadDescriptor(csSel, clo, chi);
  if (ssDesc === null) cpu.seg[SEG_SS].loadNull(ssSel);
  else cpu.seg[SEG_SS].loadDescriptor(ssSel, ssDesc[0], ssDesc[1]);
  cpu.r[2 * RSP] = rspLo;
  cpu.r[2 * RSP + 1] = rspHi;
  if (newCpl > cpu.cpl) nullInaccessible(cpu, newCpl);
  cpu.setCpl(newCpl);
  cpu.updateSlow();
}

// -------------------------------------------------------------- INT n etc.
/** INT n: a software interrupt (gate DPL checked against CPL, EXT = 0); never intercepted by the exception bitmap. */
function intN(cpu: Cpu, i: Insn): void {
  deliverEvent(cpu, i.imm & 0xff, -1, EVENT_SOFTWARE, false);
  cpu.updateSlow();
}

/** An exception VM-exit reported at the instruction (RIP at it, insnLen its length, soft). */
function softExit(cpu: Cpu, vector: number): never {
  const exit = cpu.exit;
  exit.vector = vector;
  exit.errorCode = -1;
  exit.qual = 0;
  exit.soft = true;
  return cpu.vmexit(EXIT_EXCEPTION);
}

/** INT3: #BP as a software exception (uapi.md §2.2: an intercepted #BP reports RIP at the INT3, length 1). */
function int3(cpu: Cpu): void {
  if ((cpu.ctl.exceptionBitmap >>> BP) & 1) softExit(cpu, BP);
  deliverEvent(cpu, BP, -1, EVENT_EXCEPTION, true);
  cpu.updateSlow();
}

/**
 * INT1 (ICEBP): #DB delivered like a hardware exception (no DPL check, EXT = 1)
 * with RIP after the instruction; DR6.B0–B3 clear, as KVM delivers it. An
 * intercepted one exits like a software exception (RIP at it, insnLen 1),
 * as VMX reports a privileged software exception.
 */
function int1(cpu: Cpu): void {
  if ((cpu.ctl.exceptionBitmap >>> DB) & 1) softExit(cpu, DB);
  deliverEvent(cpu, DB, -1, EVENT_EXCEPTION, false);
  cpu.dr6 = (((cpu.dr6 & ~0xf) | DR6_FIXED_1) & ~0x1000) >>> 0;
  cpu.dr7 = (cpu.dr7 & ~DR7_GD) >>> 0;
  cpu.updateSlow();
}

// --------------------------------------------------------------- CLI/STI
function cli(cpu: Cpu): void {
  if (cpu.cpl > iopl(cpu)) gp(0);
  cpu.flagsOther &= ~FLAG_IF;
  cpu.updateSlow();
}

/** STI: when IF was 0, interrupts stay blocked until after the next instruction. */
function sti(cpu: Cpu): void {
  if (cpu.cpl > iopl(cpu)) gp(0);
  if ((cpu.flagsOther & FLAG_IF) === 0) {
    cpu.flagsOther |= FLAG_IF;
    cpu.shadow = true;
  }
  cpu.updateSlow();
}

export { checkReturnCs, checkReturnSs, cli, int1, int3, intN, iret, iretDescriptor, nullInaccessible, sti, syscall, sysret };
