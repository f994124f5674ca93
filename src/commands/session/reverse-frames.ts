/**
 * reverse-nexti and reverse-finish (commands.md "Time travel"), as gdb
 * defines them at instruction level:
 *
 * - reverse-nexti: one instruction back, except that a call is stepped over
 *   backwards: when the instruction before now is a RET that returned here
 *   (a callee ran and came back), go back to the CALL that made that call —
 *   the point just before it executed.
 * - reverse-finish: back to the CALL that called the current function, just
 *   before it executed (gdb: "where it was called … you end up at the
 *   beginning"; at instruction level gdb stops on the call instruction).
 *
 * The frames are found from the recorded history itself, not by unwinding:
 * each instruction's RIP, RSP, CR3 and kind (insn.ts) is traced by replaying
 * stretches between snapshots, latest first. Only instructions in the same
 * address space (CR3) as now count; a task switch within one CR3 (kernel
 * threads) is not told apart.
 */
import type { Flow } from './insn.ts';

/** One retired-instruction point of the history: the state before the instruction at `icount` runs. */
export interface TracePoint {
  icount: number;
  rip: bigint;
  rsp: bigint;
  cr3: bigint;
  flow: Flow;
}

/** Fed the recorded points latest first until it answers the icount it looked for. */
export type BackwardSearch = (p: TracePoint) => number | 'continue';

/**
 * reverse-nexti's CALL: `now` is where the machine is, `prev` the point one
 * instruction earlier. Returns null when `prev` is not a RET returning to
 * `now` (then reverse-nexti is one step back), else a search for the CALL
 * whose return address is now's RIP, pushed where the RET popped it.
 */
export function callBeforeReturn(now: TracePoint, prev: TracePoint): BackwardSearch | null {
  if (prev.flow.kind !== 'ret' || prev.cr3 !== now.cr3 || prev.rsp >= now.rsp) return null;
  return (p) => {
    if (p.icount >= prev.icount || p.cr3 !== now.cr3 || p.flow.kind !== 'call') return 'continue';
    // The CALL pushed the return address where the RET popped it (prev.rsp): its RSP was 8 above (a `ret imm16` frees more after).
    return p.rsp === prev.rsp + 8n && p.rip + BigInt(p.flow.len) === now.rip ? p.icount : 'continue';
  };
}

/**
 * reverse-finish's CALL: going back from now, keep the highest RSP seen so
 * far (the current frame's extent); the first CALL whose RSP is above it
 * made the current frame. Calls made and returned within the current
 * function have the RSP the function had after they returned, never above.
 */
export function callerOf(now: TracePoint): BackwardSearch {
  let top = now.rsp;
  return (p) => {
    if (p.icount >= now.icount || p.cr3 !== now.cr3) return 'continue';
    if (p.flow.kind === 'call' && p.rsp > top) return p.icount;
    if (p.rsp > top) top = p.rsp;
    return 'continue';
  };
}
