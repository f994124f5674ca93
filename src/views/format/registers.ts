/**
 * The registers pane's content: which registers, in which order, the
 * changed ones (diffing two snapshots), and RFLAGS decoded.
 */
import type { RegisterSet, VcpuInfo } from '../../commands/session/types.ts';
import { hex16 } from './text.ts';

export const GPR_ORDER = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;
export const EGPR_ORDER = Array.from({ length: 16 }, (_, k) => `r${16 + k}`);
export const SYSTEM_ORDER = ['cr0', 'cr2', 'cr3', 'cr4', 'efer', 'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'xcr0'] as const;

export interface RegCell {
  readonly name: string;
  readonly value: string;
  /** Differs from the previous stop. */
  readonly changed: boolean;
}

/** Names of registers whose value differs between two snapshots (none when there is no previous one). */
export function changedRegisters(prev: RegisterSet | null, cur: RegisterSet | null): Set<string> {
  const out = new Set<string>();
  if (prev === null || cur === null) return out;
  for (const [k, v] of Object.entries(cur)) if (prev[k] !== undefined && prev[k] !== v) out.add(k);
  return out;
}

const FLAGS: [number, string][] = [
  [0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'],
  [14, 'NT'], [16, 'RF'], [17, 'VM'], [18, 'AC'], [19, 'VIF'], [20, 'VIP'], [21, 'ID'],
];

/** `[ZF IF]`, plus `IOPL=3` when it is not 0. */
export function decodeRflags(v: bigint): string {
  const set = FLAGS.filter(([b]) => (v >> BigInt(b)) & 1n).map(([, n]) => n);
  const iopl = Number((v >> 12n) & 3n);
  if (iopl !== 0) set.push(`IOPL=${iopl}`);
  return `[${set.join(' ')}]`;
}

/**
 * Cells in display order: rip, rflags, the GPRs, R16–R31 when the set has
 * them, then the control, debug and XCR registers.
 */
export function registerCells(regs: RegisterSet, changed: ReadonlySet<string>): RegCell[] {
  return registerOrder(regs).map((n) => ({ name: n, value: hex16(regs[n]), changed: changed.has(n) }));
}

/** The names the pane shows, in its order (the selection indexes this). */
export function registerOrder(regs: RegisterSet): string[] {
  return ['rip', 'rflags', ...GPR_ORDER, ...EGPR_ORDER, ...SYSTEM_ORDER].filter((n) => regs[n] !== undefined);
}

/** The note shown for R16–R31 when the vCPU has APX but the set does not carry them. */
export function egprNote(regs: RegisterSet, vcpu: VcpuInfo | null): string | null {
  if (vcpu === null || !vcpu.apx || regs.r16 !== undefined) return null;
  return `r16–r31: ${vcpu.egprsUnavailable ?? 'not readable on this backend'}`;
}

/** Lay cells out in `cols` columns, row by row. */
export function gridRows<T>(cells: readonly T[], cols: number): T[][] {
  const rows: T[][] = [];
  for (let k = 0; k < cells.length; k += cols) rows.push(cells.slice(k, k + cols));
  return rows;
}
