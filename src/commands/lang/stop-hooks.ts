/**
 * What the language does when an execution command stops (gdb's
 * bpstat_check_breakpoint_conditions / bpstat_do_actions, in order):
 * a breakpoint whose condition expression is false, or whose ignore count is
 * not used up, resumes the command at once (counted as skipped); a temporary
 * breakpoint (`tbreak`) is deleted; the auto-displays are shown; the
 * breakpoint's command list runs (`silent` first hides the stop line).
 */
import type { SessionApi, Stop } from '../session/types.ts';
import { asCommandError, CommandError } from '../errors.ts';
import { showDisplay } from './display.ts';
import { evalIn, stopResult } from './helpers.ts';
import { failed, type Outcome, type Result } from './result.ts';
import { langState } from './state.ts';

/** Breakpoint commands that run an execution command nest; this many levels end the chain (gdb loops instead). */
export const MAX_COMMAND_NESTING = 1000;

export async function afterStop(
  session: SessionApi,
  run: (line: string) => Promise<Outcome | null>,
  first: Stop,
  resume: () => Promise<Stop>,
): Promise<Result> {
  const st = langState(session);
  let stop = first;
  let skipped = 0;
  const after: Outcome[] = [];
  for (;;) {
    const bp = stop.reason === 'breakpoint' || stop.reason === 'watchpoint' ? stop.bp : undefined;
    if (bp === undefined) break;
    const cond = st.conditions.get(bp);
    if (cond !== undefined) {
      let v: bigint;
      try {
        v = evalIn(session, cond);
      } catch (e) {
        // gdb stops when a condition cannot be evaluated, saying why.
        const err = asCommandError(e);
        after.push({ cmd: 'condition', result: { kind: 'error', error: new CommandError(err.code as 'bad-args', `error in testing the condition of breakpoint ${bp}: ${err.message}`, err.hint) } });
        break;
      }
      if (v === 0n) {
        skipped += stop.skipped + 1;
        stop = await resume();
        continue;
      }
    }
    const ignore = st.ignoreCounts.get(bp) ?? 0;
    if (ignore > 0) {
      if (ignore === 1) st.ignoreCounts.delete(bp);
      else st.ignoreCounts.set(bp, ignore - 1);
      skipped += stop.skipped + 1;
      stop = await resume();
      continue;
    }
    break;
  }
  if (skipped > 0) stop = { ...stop, skipped: stop.skipped + skipped };
  const r = stopResult(session, stop) as Extract<Result, { kind: 'stop' }>;
  const bp = stop.reason === 'breakpoint' || stop.reason === 'watchpoint' ? stop.bp : undefined;
  const commands = bp !== undefined ? st.bpCommands.get(bp) : undefined;
  if (bp !== undefined && st.temporary.has(bp)) {
    if (stop.reason === 'breakpoint') r.temporary = true;
    session.deleteBreakpoint(bp);
    st.forgetBreakpoint(bp);
  }
  if (stop.reason !== 'exit' && stop.reason !== 'shutdown') {
    for (const d of st.displays) if (d.enabled) after.push({ cmd: 'display', result: showDisplay(session, d) });
  }
  if (commands !== undefined && commands.length > 0 && after.every((o) => !failed(o.result))) {
    let lines = commands;
    if (lines[0].trim() === 'silent') {
      r.silent = true;
      lines = lines.slice(1);
    }
    if (st.commandNesting >= MAX_COMMAND_NESTING) {
      after.push({ cmd: 'commands', result: { kind: 'error', error: new CommandError('failed', `breakpoint commands nested ${MAX_COMMAND_NESTING} deep (each ran an execution command); stopped here`) } });
    } else {
      st.commandNesting++;
      try {
        for (const line of lines) {
          const o = await run(line);
          if (o === null) continue;
          after.push(o);
          if (failed(o.result)) break;
        }
      } finally {
        st.commandNesting--;
      }
    }
  }
  if (after.length > 0) r.after = after;
  return r;
}
