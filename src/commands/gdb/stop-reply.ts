/**
 * A session Stop as gdb's stop reply (gdb manual, Stop Reply Packets):
 *
 * - `T` sig `swbreak:;` / `hwbreak:;` / `watch:ADDR;` / `awatch:ADDR;`
 *   then `thread:TID;` and the expedited rbp, rsp, rip (`06:…;07:…;10:…;`,
 *   saving gdb a g round trip);
 * - `W` status when the guest wrote the exit port (gdb: "exited with code").
 *
 * Signals are gdb's own numbers (GDB_SIGNAL_*, gdb/signals.def): TRAP (5)
 * for breakpoints, watchpoints and steps, INT (2) for an interrupt, SEGV
 * (11) for a triple fault, 0 ("stopped") for a HLT, an exhausted budget or
 * a VM-exit the session cannot continue from; those also carry their
 * detail as text the server sends first in an `O` packet.
 *
 * swbreak/hwbreak are only sent to a gdb that announced them in qSupported;
 * the RIP of a software-breakpoint stop is the INT3's own address, as
 * swbreak requires (no PC adjustment on gdb's side).
 */
import type { Breakpoint, Stop } from '../session/types.ts';
import type { WatchKind } from './points.ts';
import { expedite, type ThreadRegisters } from './registers.ts';

export const SIGNAL = { NONE: 0, INT: 2, TRAP: 5, SEGV: 11 } as const;

export interface StopContext {
  /** Thread id of the stop's process. */
  tid: number;
  /** The session breakpoint the stop names (stop.bp), if any. */
  bp?: Breakpoint;
  /** For a watchpoint stop: how to name it (PointTable.watchKind). */
  watchKind?: WatchKind;
  /** The vCPU's registers at the stop (expedited). */
  regs?: ThreadRegisters;
  /** gdb announced swbreak+ / hwbreak+. */
  swbreak: boolean;
  hwbreak: boolean;
}

export interface StopReplyText {
  /** Text for an O packet before the reply (why a non-trap stop happened). */
  console?: string;
  reply: string;
}

function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

export function signalOf(stop: Stop): number {
  switch (stop.reason) {
    case 'interrupted':
      return SIGNAL.INT;
    case 'shutdown':
      return SIGNAL.SEGV;
    case 'halt':
    case 'budget':
    case 'error':
      return SIGNAL.NONE;
    default:
      return SIGNAL.TRAP;
  }
}

export function stopReply(stop: Stop, ctx: StopContext): StopReplyText {
  if (stop.reason === 'exit') return { reply: `W${hex2(stop.status ?? 0)}` };
  let reason = '';
  if (stop.reason === 'breakpoint' && ctx.bp !== undefined) {
    if (ctx.bp.kind === 'break' && ctx.swbreak) reason = 'swbreak:;';
    if (ctx.bp.kind === 'hbreak' && ctx.hwbreak) reason = 'hwbreak:;';
  } else if (stop.reason === 'watchpoint' && ctx.bp !== undefined) {
    reason = `${ctx.watchKind ?? 'watch'}:${ctx.bp.addr.toString(16)};`;
  }
  const regs = ctx.regs === undefined ? '' : expedite(ctx.regs, ['rbp', 'rsp', 'rip']);
  const out: StopReplyText = { reply: `T${hex2(signalOf(stop))}${reason}thread:${ctx.tid.toString(16)};${regs}` };
  if (signalOf(stop) !== SIGNAL.TRAP && stop.reason !== 'interrupted') {
    out.console = `vdbg: ${stop.reason}${stop.detail ? `: ${stop.detail}` : ''}\n`;
  }
  return out;
}
