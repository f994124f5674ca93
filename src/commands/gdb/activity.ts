/**
 * What a gdb connection does to the session, for whoever else shows it (the
 * TUI's store): an execution gdb started (`running`, then `stopped` with its
 * stop, or null when the session refused to run), or a change made while stopped (`changed`: breakpoints, registers,
 * memory, a monitor command). The session itself has no event for either;
 * the gdb server is the only driver besides the TUI, so it reports its own.
 */
import type { SessionApi, Stop } from '../session/types.ts';

export type GdbActivity = { kind: 'running' } | { kind: 'stopped'; stop: Stop | null } | { kind: 'changed' };

const listeners = new WeakMap<SessionApi, Set<(a: GdbActivity) => void>>();

/** Calls `fn` on every gdb activity on `session`; returns the unsubscribe function. */
export function onGdbActivity(session: SessionApi, fn: (a: GdbActivity) => void): () => void {
  let set = listeners.get(session);
  if (set === undefined) listeners.set(session, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

export function emitGdbActivity(session: SessionApi, a: GdbActivity): void {
  for (const fn of listeners.get(session) ?? []) fn(a);
}
