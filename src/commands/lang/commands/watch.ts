import { defineCommand } from '../command.ts';
import { symbolNames } from '../helpers.ts';
import { addBreakpoint } from '../breakpoints.ts';
import { parseWatchArgs, type WatchArgs } from '../parse.ts';

const USAGE = 'watch LOC [len 1|2|4|8] [write|access] [if cr3 == VALUE | process NAME]';

export const watchCommand = defineCommand<WatchArgs>({
  name: 'watch',
  aliases: [],
  summary: 'hardware data watchpoint (default: 8 bytes, or 4 when not 8-aligned; write)',
  usage: USAGE,
  parse: (input) => parseWatchArgs(input, USAGE),
  complete: (k, _w, session) => (k === 0 ? symbolNames(session) : ['len', 'write', 'access', 'if', 'process']),
  run: (session, args) => addBreakpoint(session, 'watch', args),
});
