/**
 * Segment queries that report through ZF instead of faulting (SDM Vol. 2
 * LAR, LSL, VERR/VERW; 64-bit mode): the selector's descriptor is read with
 * supervisor rights (an implicit access); a null selector, one beyond the
 * GDT/LDT limit, a type the instruction does not accept or a privilege
 * mismatch clears ZF and leaves the destination alone. Only ZF changes.
 * A #PF or non-canonical table address while reading the descriptor faults.
 */
import type { Cpu } from '../cpu.ts';
import { arithFlags, setArithFlags } from '../flags.ts';
import type { Insn } from '../insn.ts';
import { readRm16, setRegSized } from '../operands.ts';
import { FLAG_ZF } from '../regs.ts';

/** The descriptor words [lo, hi] of `sel`, or undefined when the selector names none. */
function lookup(cpu: Cpu, sel: number, size: number): [number, number] | undefined {
  if ((sel & 0xfffc) === 0) return undefined;
  const ldt = (sel & 4) !== 0;
  const table = ldt ? cpu.ldtr : cpu.gdtr;
  const off = sel & 0xfff8;
  if ((ldt && cpu.ldtr.unusable) || off + size - 1 > table.limit) return undefined;
  const la = table.base + off;
  const mmu = cpu.mmu, user = mmu.user;
  mmu.setUser(false);
  try {
    return [mmu.read32(la), mmu.read32(la + 4)];
  } finally {
    mmu.setUser(user);
  }
}

/**
 * A code/data descriptor passes the privilege check unless it is non-conforming
 * code or data with DPL < CPL or DPL < RPL.
 */
function privilegeOk(cpu: Cpu, sel: number, hi: number): boolean {
  const type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3;
  if ((type & 0xc) === 0xc) return true; // conforming code
  return dpl >= cpu.cpl && dpl >= (sel & 3);
}

/** System descriptor types LAR accepts in 64-bit mode (LDT, 64-bit TSS available/busy, 64-bit call gate); LSL: the same but call gates. */
const LAR_SYSTEM = new Set([0x2, 0x9, 0xb, 0xc]);
const LSL_SYSTEM = new Set([0x2, 0x9, 0xb]);

function setZf(cpu: Cpu, ok: boolean): void {
  const f = arithFlags(cpu.fl);
  setArithFlags(cpu.fl, ok ? f | FLAG_ZF : f & ~FLAG_ZF);
}

/** The descriptor of a LAR/LSL selector if the instruction accepts it. */
function accepted(cpu: Cpu, sel: number, system: ReadonlySet<number>): [number, number] | undefined {
  const d = lookup(cpu, sel, 8);
  if (d === undefined) return undefined;
  const hi = d[1], type = (hi >> 8) & 0xf;
  if (((hi >> 12) & 1) === 0) {
    // System descriptors are 16 bytes in 64-bit mode: the whole of it must lie within the table.
    if (!system.has(type) || lookup(cpu, sel, 16) === undefined) return undefined;
    const dpl = (hi >> 13) & 3;
    return dpl >= cpu.cpl && dpl >= (sel & 3) ? d : undefined;
  }
  return privilegeOk(cpu, sel, hi) ? d : undefined;
}

/** LAR r, r/m16: the access rights (descriptor bits 23:8 masked by 00F0FF00h), zero-extended. */
export function lar(cpu: Cpu, i: Insn): void {
  const sel = readRm16(cpu, i);
  const d = accepted(cpu, sel, LAR_SYSTEM);
  if (d !== undefined) {
    const size = i.osz;
    setRegSized(cpu, size, i.reg, size === 2 ? d[1] & 0xff00 : d[1] & 0x00f0ff00, 0);
  }
  setZf(cpu, d !== undefined);
}

/** LSL r, r/m16: the segment limit in bytes (scaled by G), zero-extended. */
export function lsl(cpu: Cpu, i: Insn): void {
  const sel = readRm16(cpu, i);
  const d = accepted(cpu, sel, LSL_SYSTEM);
  if (d !== undefined) {
    const raw = (d[0] & 0xffff) | (d[1] & 0xf0000);
    const limit = (d[1] >> 23) & 1 ? ((raw << 12) | 0xfff) : raw;
    setRegSized(cpu, i.osz, i.reg, i.osz === 2 ? limit & 0xffff : limit | 0, 0);
  }
  setZf(cpu, d !== undefined);
}

/** VERR (/4): a readable code or data segment; VERW (/5): a writable data segment. Privilege as for a data load. */
export function verrVerw(cpu: Cpu, i: Insn): void {
  const sel = readRm16(cpu, i);
  const d = lookup(cpu, sel, 8);
  let ok = false;
  if (d !== undefined && ((d[1] >> 12) & 1) === 1) {
    const type = (d[1] >> 8) & 0xf, code = (type & 8) !== 0;
    const usable = i.digit === 4 ? !code || (type & 2) !== 0 : !code && (type & 2) !== 0;
    ok = usable && privilegeOk(cpu, sel, d[1]);
  }
  setZf(cpu, ok);
}
