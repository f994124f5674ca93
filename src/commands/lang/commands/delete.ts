import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { callSync, findBreakpoint } from '../helpers.ts';
import { langState } from '../state.ts';

export const deleteCommand = defineCommand<{ n?: number }>({
  name: 'delete',
  aliases: ['d'],
  summary: 'delete breakpoint N (all breakpoints without N)',
  usage: 'delete [N]',
  parse({ words }) {
    if (words.length > 1) throw new CommandError('bad-args', 'usage: delete [N]');
    return words.length === 0 ? {} : { n: parseCount(words[0], 'breakpoint number') };
  },
  run(session, { n }) {
    if (n === undefined) {
      const all = session.breakpoints();
      callSync(() => session.deleteBreakpoint());
      const count = all.length;
      for (const b of all) langState(session).forgetBreakpoint(b.number);
      return { kind: 'text', lines: [`Deleted ${count} breakpoint${count === 1 ? '' : 's'}.`] };
    }
    findBreakpoint(session, n);
    callSync(() => session.deleteBreakpoint(n));
    langState(session).forgetBreakpoint(n);
    return { kind: 'text', lines: [`Deleted breakpoint ${n}.`] };
  },
});
