/**
 * Binds handlers to decoded instructions: the opcode row's family (its `exec`
 * column) picks the handler by form, operand size and prefix. This is the one
 * module that imports every executor; only cpu.ts uses it, so the decoder,
 * the opcode data and the disassemblers stay free of executors.
 */
import type { Cpu } from './cpu.ts';
import * as alu from './exec/alu.ts';
import * as apx from './exec/apx.ts';
import * as bits from './exec/bits.ts';
import * as bmi from './exec/bmi.ts';
import * as control from './exec/control.ts';
import * as flagops from './exec/flagops.ts';
import * as intext from './exec/intext.ts';
import * as mov from './exec/mov.ts';
import * as muldiv from './exec/muldiv.ts';
import * as shift from './exec/shift.ts';
import * as sse from './exec/sse.ts';
import * as stack from './exec/stack.ts';
import * as str from './exec/string.ts';
import * as system from './exec/system.ts';
import * as x87 from './exec/x87.ts';
import * as xsave from './exec/xsave.ts';
import { GuestFault, UD } from './fault.ts';
import type { Handler, Insn } from './insn.ts';
import { FAMILIES, type Family } from './opcodes/row.ts';
import { XCR0_APX } from './regs.ts';

type Bind = (i: Insn) => Handler | undefined;

const BIND: { readonly [F in Family]: Bind } = {
  alu: alu.bind,
  apx: apx.bind,
  bits: bits.bind,
  bmi: bmi.bind,
  control: control.bind,
  flagops: flagops.bind,
  intext: intext.bind,
  mov: mov.bind,
  muldiv: muldiv.bind,
  shift: shift.bind,
  sse: sse.bind,
  stack: stack.bind,
  string: str.bind,
  system: system.bind,
  x87: x87.bind,
  xsave: xsave.bind,
};

/** BIND by FAMILIES index (OpRow.execIndex): an array load, not a lookup by name. */
const BINDS: readonly Bind[] = FAMILIES.map((f) => BIND[f]);

/** The handler every invalid or unimplemented encoding binds to (tests compare against it). */
export const UD_HANDLER: Handler = () => {
  throw new GuestFault(UD);
};

/** REX2 gate: the prefix raises #UD unless XCR0.APX is set (APX spec §3.1.2). */
const apxGate: Handler = (cpu: Cpu, i: Insn) => {
  if ((cpu.xcr0 & XCR0_APX) === 0) throw new GuestFault(UD);
  i.inner(cpu, i);
};

/** Set `i.h` for a freshly decoded instruction; returns `i`. */
export function bindInsn(i: Insn): Insn {
  const row = i.row;
  if (row === undefined) {
    i.h = UD_HANDLER; // the decoder found the encoding invalid
    return i;
  }
  const h = (row.execIndex < 0 ? undefined : BINDS[row.execIndex](i)) ?? UD_HANDLER;
  if (i.rex2) {
    i.inner = h;
    i.h = apxGate;
  } else i.h = h;
  return i;
}
