import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { findBreakpoint } from '../helpers.ts';
import { langState } from '../state.ts';

export const ignoreCommand = defineCommand<{ n: number; count: number }>({
  name: 'ignore',
  aliases: [],
  summary: 'pass breakpoint N the next COUNT times it is reached',
  usage: 'ignore N COUNT',
  parse({ words }) {
    if (words.length !== 2) throw new CommandError('bad-args', 'usage: ignore N COUNT');
    return { n: parseCount(words[0], 'breakpoint number'), count: parseCount(words[1], 'count') };
  },
  run(session, { n, count }) {
    findBreakpoint(session, n);
    const st = langState(session);
    if (count === 0) {
      st.ignoreCounts.delete(n);
      return { kind: 'text', lines: [`Will stop next time breakpoint ${n} is reached.`] };
    }
    st.ignoreCounts.set(n, count);
    return { kind: 'text', lines: [`Will ignore next ${count === 1 ? 'crossing' : `${count} crossings`} of breakpoint ${n}.`] };
  },
});
