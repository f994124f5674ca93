/**
 * What break, hbreak and watch share: resolving the location and the
 * condition, the four-slot check, and the result.
 */
import type { BreakpointSpec, Condition, SessionApi } from '../session/types.ts';
import { CommandError } from '../errors.ts';
import { callSync, evalIn, symbolOf } from './helpers.ts';
import type { ConditionArg, WatchArgs } from './parse.ts';
import type { Result } from './result.ts';

export function resolveCondition(session: SessionApi, c: ConditionArg | undefined): Condition | undefined {
  if (c === undefined) return undefined;
  if (c.kind === 'process') return c;
  return { kind: 'cr3', cr3: evalIn(session, c.expr) };
}

/** hbreak/watch need a free debug register among DR0–DR3. */
export function requireSlot(session: SessionApi): void {
  const used = session.breakpoints().filter((b) => b.kind !== 'break' && b.enabled && b.slot !== null).length;
  if (used >= 4) throw new CommandError('no-slot', 'all four hardware debug registers (DR0–DR3) are in use', "delete or disable a hardware breakpoint or watchpoint");
}

export function addBreakpoint(session: SessionApi, kind: BreakpointSpec['kind'], args: WatchArgs): Result {
  const addr = evalIn(session, args.loc);
  const condition = resolveCondition(session, args.condition);
  if (kind !== 'break') requireSlot(session);
  if (kind === 'watch' && args.len !== undefined && addr % BigInt(args.len) !== 0n)
    throw new CommandError('bad-args', `watch address 0x${addr.toString(16)} is not aligned to its length ${args.len}`);
  const spec: BreakpointSpec = { kind, addr, location: args.loc };
  if (condition) spec.condition = condition;
  if (args.len !== undefined) spec.len = args.len;
  if (args.access !== undefined) spec.access = args.access;
  const bp = callSync(() => session.addBreakpoint(spec), kind === 'break' ? 'failed' : 'no-slot');
  return { kind: 'breakpoint', bp, symbol: symbolOf(session, bp.addr) };
}
