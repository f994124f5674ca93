/**
 * Which gdb server serves a session (one at most). Apart from server.ts so
 * that vdbg can ask at exit without loading the server (node:net, the
 * protocol) when nothing started one.
 */
import type { SessionApi } from '../session/types.ts';
import type { GdbServer } from './server.ts';

const servers = new WeakMap<SessionApi, GdbServer>();

/** The gdb server of `session`, if one is running. */
export function serverOf(session: SessionApi): GdbServer | undefined {
  return servers.get(session);
}

/** Records (or, with undefined, forgets) the server of `session`. */
export function setServerOf(session: SessionApi, server: GdbServer | undefined): void {
  if (server === undefined) servers.delete(session);
  else servers.set(session, server);
}
