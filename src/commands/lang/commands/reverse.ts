/**
 * Going back in time (commands.md "Time travel"; gdb's names): the stop is
 * where the machine is after travelling. A guest that exited or shut down
 * can be travelled back from.
 */
import type { SessionApi, Stop } from '../../session/types.ts';
import { CommandError } from '../../errors.ts';
import { defineCommand, type RunEnv } from '../command.ts';
import { call, stopResult } from '../helpers.ts';
import { parseCount } from '../expr.ts';
import { noArgs, optionalCount } from '../parse.ts';
import type { Result } from '../result.ts';
import { travelOf } from './record.ts';

async function travel(session: SessionApi, fn: () => Promise<Stop>): Promise<Result> {
  if (session.state === 'running') throw new CommandError('not-running', 'the guest is running; interrupt it first');
  return stopResult(session, await call(fn));
}

/**
 * A reverse execution command: its stop goes through the language's stop
 * hooks as a forward one does (gdb checks breakpoint conditions the same in
 * either direction): a hit whose `condition` expression is false, or whose
 * ignore count is not used up, goes on back to the one before; displays and
 * breakpoint commands run at the stop.
 */
async function reverse(session: SessionApi, fn: () => Promise<Stop>, env?: RunEnv): Promise<Result> {
  if (session.state === 'running') throw new CommandError('not-running', 'the guest is running; interrupt it first');
  const stop = await call(fn);
  return env?.afterStop ? env.afterStop(stop, () => call(fn)) : stopResult(session, stop);
}

export const reverseStepiCommand = defineCommand<{ n: number }>({
  name: 'reverse-stepi',
  aliases: ['rsi'],
  summary: 'go back N instructions (default 1), exactly: the nearest snapshot, then replay',
  usage: 'reverse-stepi [N]',
  parse: (input) => ({ n: optionalCount(input, 'reverse-stepi [N]') }),
  run: (session, { n }, env) => reverse(session, () => travelOf(session).reverseStepi(n), env),
});

export const reverseContinueCommand = defineCommand<void>({
  name: 'reverse-continue',
  aliases: ['rc'],
  summary: 'go back to the previous breakpoint or watchpoint hit (conditions and the filter decide as forward)',
  usage: 'reverse-continue',
  parse: (input) => noArgs(input, 'reverse-continue'),
  run: (session, _args, env) => reverse(session, () => travelOf(session).reverseContinue(), env),
});

export const reverseNextiCommand = defineCommand<{ n: number }>({
  name: 'reverse-nexti',
  aliases: ['rni'],
  summary: 'go back N instructions (default 1), a call that returned here counting as one: back to the CALL',
  usage: 'reverse-nexti [N]',
  parse: (input) => ({ n: optionalCount(input, 'reverse-nexti [N]') }),
  run: (session, { n }, env) => reverse(session, () => travelOf(session).reverseNexti(n), env),
});

export const reverseFinishCommand = defineCommand<void>({
  name: 'reverse-finish',
  aliases: [],
  summary: 'go back to the CALL that called the current function, just before it ran',
  usage: 'reverse-finish',
  parse: (input) => noArgs(input, 'reverse-finish'),
  run: (session, _args, env) => reverse(session, () => travelOf(session).reverseFinish(), env),
});

export const bookmarkCommand = defineCommand<{ name: string }>({
  name: 'bookmark',
  aliases: [],
  summary: 'name this point in time (goto NAME comes back to it)',
  usage: 'bookmark NAME',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: bookmark NAME');
    return { name: words[0] };
  },
  run(session, { name }) {
    const at = travelOf(session).bookmark(name);
    return { kind: 'text', lines: [`Bookmark ${name} at icount ${at}.`] };
  },
});

type GotoArgs = { kind: 'icount'; n: number } | { kind: 'hit'; seq: number } | { kind: 'bookmark'; name: string };

/** `goto hit N`: the hit log's row N (`info hits`), at the instruction count it was logged at; the stop is that hit again. */
async function gotoHit(session: SessionApi, seq: number): Promise<Stop> {
  const hit = session.hits().find((h) => h.seq === seq);
  if (hit === undefined) throw new CommandError('bad-args', `no hit ${seq} in the hit log (info hits lists it)`);
  if (hit.icount === undefined) {
    throw new CommandError('bad-args', `hit ${seq} has no instruction count: it was logged while not recording (kvm has none)`);
  }
  const stop = await travelOf(session).goto(hit.icount);
  return { ...stop, reason: 'breakpoint', bp: hit.bp };
}

export const gotoCommand = defineCommand<GotoArgs>({
  name: 'goto',
  aliases: [],
  summary: 'go to a bookmark, an instruction count or a hit of the hit log in the recording, back or forward',
  usage: 'goto NAME | goto icount N | goto hit N',
  parse({ words }) {
    if (words.length === 2 && words[0] === 'icount') return { kind: 'icount', n: parseCount(words[1], 'icount') };
    if (words.length === 2 && words[0] === 'hit') return { kind: 'hit', seq: parseCount(words[1], 'hit') };
    if (words.length === 1) return { kind: 'bookmark', name: words[0] };
    throw new CommandError('bad-args', 'usage: goto NAME | goto icount N | goto hit N');
  },
  run(session, a) {
    const tt = travelOf(session);
    if (a.kind === 'hit') return travel(session, () => gotoHit(session, a.seq));
    return travel(session, () => (a.kind === 'icount' ? tt.goto(a.n) : tt.gotoBookmark(a.name)));
  },
});

export const infoBookmarksCommand = defineCommand<void>({
  name: 'info bookmarks',
  aliases: [],
  summary: 'the bookmarks, earliest first',
  usage: 'info bookmarks',
  parse: (input) => noArgs(input, 'info bookmarks'),
  run(session) {
    const rows = (session.travel?.bookmarks() ?? []).map((b) => ({ name: b.name, icount: b.icount }));
    return {
      kind: 'table',
      table: 'bookmarks',
      columns: [
        { key: 'name', header: 'Name' },
        { key: 'icount', header: 'Icount', align: 'right' },
      ],
      rows,
      empty: 'No bookmarks.',
    };
  },
});
