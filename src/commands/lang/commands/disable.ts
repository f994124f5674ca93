import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { callSync, findBreakpoint } from '../helpers.ts';

export const disableCommand = defineCommand<{ n: number }>({
  name: 'disable',
  aliases: ['dis'],
  summary: 'disable breakpoint N (kept, not armed)',
  usage: 'disable N',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: disable N');
    return { n: parseCount(words[0], 'breakpoint number') };
  },
  run(session, { n }) {
    findBreakpoint(session, n);
    callSync(() => session.enableBreakpoint(n, false), 'failed');
    return { kind: 'text', lines: [`Disabled breakpoint ${n}.`] };
  },
});
