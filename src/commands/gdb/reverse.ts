/**
 * Reverse execution for gdb (gdb manual, Packets › bs, bc; qSupported's
 * ReverseStep / ReverseContinue): `bs` is the session's reverse-stepi 1,
 * `bc` its reverse-continue (back to the previous hit of a breakpoint or
 * watchpoint — gdb's Z-packet breakpoints are session breakpoints).
 *
 * gdb only sends them to a stub that announced them, and it asks qSupported
 * once, at connect: the server announces them whenever the session can
 * travel in time (emu), recording or not. A reverse packet while not
 * recording is refused with an E. reply saying to start recording
 * (`monitor record`): recording starts where it is started, and starting it
 * implicitly at the first reverse packet would leave nothing to go back to.
 * gdb's own `record` is a different thing (gdb's process record, stepping
 * the stub): `monitor record` is vdbg's.
 *
 * Going back past the start of the recording stops there with
 * `replaylog:begin` in the stop reply (gdb: "No more reverse-execution
 * history.").
 */
import { SessionError } from '../errors.ts';
import type { SessionApi, Stop } from '../session/types.ts';

export const REVERSE_FEATURES = 'ReverseStep+;ReverseContinue+';

/** qSupported: reverse execution is offered where the session has time travel (emu). */
export function offersReverse(session: SessionApi): boolean {
  return session.backend === 'emu' && session.travel !== undefined;
}

/** Runs `bs`/`bc`; `begin`: it could not go back as far as asked (the start of the recording): `replaylog:begin`. */
export async function runReverse(session: SessionApi, op: 'bs' | 'bc'): Promise<{ stop: Stop; begin: boolean }> {
  const tt = session.travel;
  if (tt === undefined || !offersReverse(session)) throw new SessionError('unsupported', 'reverse execution needs time travel (the emu backend)');
  if (!tt.recording) throw new SessionError('bad-args', 'not recording: `monitor record` first (time travel reaches back to where recording started)');
  const { icount, start } = tt.info()!;
  if (op === 'bs') return icount <= start ? { stop: await tt.goto(start), begin: true } : { stop: await tt.reverseStepi(1), begin: false };
  const stop = await tt.reverseContinue();
  return { stop, begin: stop.reason !== 'breakpoint' && stop.reason !== 'watchpoint' };
}

/** The stop reply with `replaylog:begin;` after the signal (gdb manual, Stop Reply Packets). */
export function withReplayBegin(reply: string): string {
  return /^T[0-9a-f]{2}/.test(reply) ? `${reply.slice(0, 3)}replaylog:begin;${reply.slice(3)}` : reply;
}
