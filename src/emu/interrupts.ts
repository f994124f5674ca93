/**
 * Delivery of exceptions and interrupts through the 64-bit IDT (SDM Vol. 3
 * §6.14): gate checks, the TSS RSPn/IST stack switch on a privilege change,
 * the 16-byte-aligned five- or six-qword frame, CS/RIP/RFLAGS update. State is
 * committed only after every read and push succeeded, so a fault during
 * delivery leaves the CPU as it was (the double-fault rules are in cpu.ts).
 */
import type { Cpu } from './cpu.ts';
import { GP, GuestFault, NP, SS, hasErrorCode } from './fault.ts';
import { SEG_CS, SEG_SS } from './insn.ts';
import { FLAG_IF, FLAG_NT, FLAG_RF, FLAG_TF, FLAG_VM, RSP } from './regs.ts';

export const EVENT_EXCEPTION = 0; // hardware exception (fault/trap/abort)
export const EVENT_EXTERNAL = 1; // external interrupt (INTR)
export const EVENT_SOFTWARE = 2; // INT n / INT3 / INTO: gate DPL is checked against CPL

/** An exception while delivering #DF: the processor shuts down. */
export class TripleFault extends Error {
  constructor() {
    super('triple fault');
  }
}

const TWO32 = 4294967296;

/** A canonical linear address from two int32 halves, or the given fault. */
export function canonicalOf(lo: number, hi: number, vector = GP): number {
  if ((hi << 16) >> 16 !== hi) throw new GuestFault(vector, 0);
  return hi * TWO32 + (lo >>> 0);
}

/** Read a system-table qword (supervisor access) as a signed JS number. */
function readQword(cpu: Cpu, la: number): number {
  const lo = cpu.mmu.read32(la);
  return cpu.mmu.read32(la + 4) * TWO32 + (lo >>> 0);
}

/**
 * Linear address of the descriptor a selector names (GDT, or the LDT when
 * TI = 1), checking `size` bytes (8, or 16 for 64-bit system descriptors)
 * against the table limit; else raise `vector` with the selector error code.
 */
export function descriptorAddress(cpu: Cpu, selector: number, vector: number, ext: number, size = 8): number {
  const ldt = (selector & 4) !== 0;
  const table = ldt ? cpu.ldtr : cpu.gdtr;
  const off = selector & 0xfff8;
  if ((ldt && cpu.ldtr.unusable) || off + size - 1 > table.limit) throw new GuestFault(vector, (selector & 0xfffc) | ext);
  return table.base + off;
}

/** Read the two descriptor words for a selector (supervisor accesses), or raise `vector` with the selector error code. */
export function readDescriptor(cpu: Cpu, selector: number, vector: number, ext: number): [number, number] {
  const la = descriptorAddress(cpu, selector, vector, ext);
  return [cpu.mmu.read32(la), cpu.mmu.read32(la + 4)];
}

/**
 * Deliver vector through the IDT (SDM Vol. 3 §6.14.1–6.14.5). `softException`:
 * INT3 (software exception: gate DPL checked, no error code, EXT = 0).
 * `setRf`: push RFLAGS with RF = 1 (fault-class exceptions). Faults raised
 * here leave the CPU unchanged; the caller applies the double-fault rules.
 */
export function deliverEvent(
  cpu: Cpu, vector: number, errorCode: number, type: number, softException: boolean, setRf = false,
): void {
  const mmu = cpu.mmu;
  const software = type === EVENT_SOFTWARE || softException;
  const ext = software ? 0 : 1;
  const idtErr = vector * 8 + 2 + ext;
  mmu.setUser(false);
  try {
    if (vector * 16 + 15 > cpu.idtr.limit) throw new GuestFault(GP, idtErr);
    const ga = cpu.idtr.base + vector * 16;
    const w0 = mmu.read32(ga), w1 = mmu.read32(ga + 4), w2 = mmu.read32(ga + 8);
    const gateType = (w1 >> 8) & 0x1f;
    if (gateType !== 0xe && gateType !== 0xf) throw new GuestFault(GP, idtErr);
    const gateDpl = (w1 >> 13) & 3;
    if (software && gateDpl < cpu.cpl) throw new GuestFault(GP, idtErr);
    if (((w1 >> 15) & 1) === 0) throw new GuestFault(NP, idtErr);
    const target = w2 * TWO32 + (((w0 & 0xffff) | (w1 & 0xffff0000)) >>> 0);
    const ist = w1 & 7;
    const sel = w0 >>> 16;

    // The target code segment: present, 64-bit, DPL <= CPL.
    if ((sel & 0xfffc) === 0) throw new GuestFault(GP, ext);
    const [dlo, dhi] = readDescriptor(cpu, sel, GP, ext);
    const codeSeg = ((dhi >> 11) & 3) === 3; // S=1 and type bit 3 (code)
    const l = (dhi >> 21) & 1, d = (dhi >> 22) & 1;
    if (!codeSeg || l !== 1 || d !== 0) throw new GuestFault(GP, (sel & 0xfffc) | ext);
    if (((dhi >> 15) & 1) === 0) throw new GuestFault(NP, (sel & 0xfffc) | ext);
    const csDpl = (dhi >> 13) & 3;
    const conforming = (dhi >> 10) & 1;
    const newCpl = conforming ? cpu.cpl : csDpl;
    if (newCpl > cpu.cpl) throw new GuestFault(GP, (sel & 0xfffc) | ext);
    if (target < -(2 ** 47) || target >= 2 ** 47) throw new GuestFault(GP, ext);

    // The stack: TSS.RSPn on a privilege change, TSS.ISTn when the gate names one.
    const r = cpu.r;
    const oldRsp = r[2 * RSP + 1] * TWO32 + (r[2 * RSP] >>> 0);
    let rsp = oldRsp;
    if (newCpl < cpu.cpl || ist !== 0) {
      const off = ist !== 0 ? 0x24 + 8 * (ist - 1) : 4 + 8 * newCpl;
      if (off + 7 > cpu.tr.limit) throw new GuestFault(10 /* #TS */, (cpu.tr.selector & 0xfffc) | ext);
      rsp = readQword(cpu, cpu.tr.base + off);
      if (rsp < -(2 ** 47) || rsp >= 2 ** 47) throw new GuestFault(SS, ext);
    }
    rsp -= ((rsp % 16) + 16) % 16;
    const withCode = type === EVENT_EXCEPTION && !softException && hasErrorCode(vector) && errorCode >= 0;
    const frame = withCode ? 6 : 5;
    const newRsp = rsp - frame * 8;
    mmu.setUser(newCpl === 3);
    const oldCs = cpu.seg[SEG_CS].selector, oldSs = cpu.seg[SEG_SS].selector;
    const rflags = cpu.readRflags() | (setRf ? FLAG_RF : 0);
    const rip = cpu.rip;
    let p = rsp;
    const push = (lo: number, hi: number) => {
      p -= 8;
      mmu.write64(p, lo, hi);
    };
    push(oldSs, 0);
    push(oldRsp | 0, Math.floor(oldRsp / TWO32) | 0);
    push(rflags | 0, 0);
    push(oldCs, 0);
    push(rip | 0, Math.floor(rip / TWO32) | 0);
    if (withCode) push(errorCode, 0);

    // Commit.
    r[2 * RSP] = newRsp | 0;
    r[2 * RSP + 1] = Math.floor(newRsp / TWO32) | 0;
    cpu.seg[SEG_CS].loadDescriptor((sel & 0xfffc) | newCpl, dlo, dhi);
    cpu.seg[SEG_CS].base = 0;
    if (newCpl < cpu.cpl) cpu.seg[SEG_SS].loadNull(newCpl);
    let f = cpu.flagsOther & ~(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM);
    if (gateType === 0xe) f &= ~FLAG_IF;
    cpu.flagsOther = f;
    cpu.rip = target;
    cpu.halted = false;
    cpu.dbg.discard = true;
    cpu.setCpl(newCpl);
  } finally {
    if (mmu.user !== (cpu.cpl === 3)) mmu.setUser(cpu.cpl === 3);
  }
}
