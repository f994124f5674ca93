/**
 * Building the stop a command returns (types.ts `Stop`, commands.md "Stops")
 * from the event that ended it and the vCPU's state at that point.
 */
import type { VcpuFd } from '../../core/api/index.ts';
import type { DebugEvent, RunEvent } from './run-loop.ts';
import type { Stop, StopReason } from './types.ts';

/** What a stop is built from besides its event: the command's state at the stop. */
export interface StopContext {
  readonly vcpu: VcpuFd;
  /** The DR7 to report when the exit's is not to be trusted (kvm_pvm), else null. */
  readonly reportedDr7: bigint | null;
  /** Debug events skipped by a filter or a condition in this command. */
  readonly skipped: number;
  /** The session's instruction budget (for the text of a budget stop). */
  readonly budget: number | null;
  processOf(cr3: bigint): string | undefined;
}

/** A stop at a debug event (breakpoint, watchpoint, step…). */
export function debugStop(c: StopContext, reason: StopReason, ev: DebugEvent, bp?: number, detail?: string): Stop {
  const { exit: e, cr3 } = ev;
  // The stop's RIP: where the vCPU is now (a trap-like #DB reports the next instruction, an INT3 its own address).
  const rip = c.vcpu.getRegs().rip;
  const dr7 = c.reportedDr7 ?? e.dr7;
  const s: Stop = { reason, cr3, rip, exception: e.exception, dr6: e.dr6, dr7, skipped: c.skipped };
  if (bp !== undefined) s.bp = bp;
  const p = c.processOf(cr3);
  if (p !== undefined) s.process = p;
  if (detail !== undefined) s.detail = detail;
  return s;
}

/** A stop at anything else that ends a command: the guest exited, halted, shut down or failed; a budget; an interrupt. */
export function finalStop(c: StopContext, ev: Exclude<RunEvent, DebugEvent>): Stop {
  const cr3 = c.vcpu.getSregs().cr3;
  const rip = c.vcpu.getRegs().rip;
  const base: Stop = { reason: 'error', cr3, rip, skipped: c.skipped };
  const p = c.processOf(cr3);
  if (p !== undefined) base.process = p;
  switch (ev.kind) {
    case 'exit':
      return { ...base, reason: 'exit', status: ev.status };
    case 'halt':
      return { ...base, reason: 'halt', detail: ev.detail };
    case 'shutdown':
      return { ...base, reason: 'shutdown', detail: ev.detail };
    case 'budget':
      return { ...base, reason: 'budget', detail: `instruction budget of ${c.budget ?? '?'} reached` };
    case 'interrupted':
      return { ...base, reason: 'interrupted' };
    case 'console':
      return { ...base, reason: 'console' };
    case 'error':
      return { ...base, reason: 'error', detail: ev.detail };
  }
}

/** Where a freshly loaded guest stands: at its entry point, nothing run. */
export function entryStop(vcpu: VcpuFd): Stop {
  return { reason: 'step', cr3: vcpu.getSregs().cr3, rip: vcpu.getRegs().rip, skipped: 0 };
}
