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
 * swbreak requires (no PC adjustment on gdb's side). A stop at a breakpoint
 * or watchpoint set in vdbg (not by gdb) is a plain T05: gdb shows it as a
 * SIGTRAP.
 */
import type { Stop } from '../session/types.ts';
import type { WatchKind } from './points.ts';
import { expedite, type ThreadRegisters } from './registers.ts';

export const SIGNAL = { NONE: 0, INT: 2, TRAP: 5, SEGV: 11 } as const;

export interface StopContext {
  /** Thread id of the stop's process. */
  tid: number;
  /** The stop reason gdb's own breakpoint or watchpoint gives (PointTable.explain); none for vdbg's own. */
  point?: { kind: 'swbreak' | 'hwbreak' } | { kind: WatchKind; addr: bigint } | null;
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
  const p = ctx.point;
  if (stop.reason === 'breakpoint' && p?.kind === 'swbreak' && ctx.swbreak) reason = 'swbreak:;';
  else if (stop.reason === 'breakpoint' && p?.kind === 'hwbreak' && ctx.hwbreak) reason = 'hwbreak:;';
  else if (stop.reason === 'watchpoint' && p !== undefined && p !== null && 'addr' in p) reason = `${p.kind}:${p.addr.toString(16)};`;
  const regs = ctx.regs === undefined ? '' : expedite(ctx.regs, ['rbp', 'rsp', 'rip']);
  const out: StopReplyText = { reply: `T${hex2(signalOf(stop))}${reason}thread:${ctx.tid.toString(16)};${regs}` };
  if (signalOf(stop) !== SIGNAL.TRAP && stop.reason !== 'interrupted') {
    out.console = `vdbg: ${stop.reason}${stop.detail ? `: ${stop.detail}` : ''}\n`;
  }
  return out;
}
