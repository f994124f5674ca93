import { defineCommand } from '../command.ts';
import { asCommandError, CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { evalIn, findBreakpoint } from '../helpers.ts';
import { langState } from '../state.ts';

export const conditionCommand = defineCommand<{ n: number; expr: string }>({
  name: 'condition',
  aliases: [],
  summary: 'stop at breakpoint N only when EXPR is non-zero (evaluated at each hit); without EXPR, always',
  usage: 'condition N [EXPR]',
  parse({ words, rest }) {
    if (words.length === 0) throw new CommandError('bad-args', 'missing breakpoint number (usage: condition N [EXPR])');
    return { n: parseCount(words[0], 'breakpoint number'), expr: rest.slice(words[0].length).trim() };
  },
  run(session, { n, expr }) {
    findBreakpoint(session, n);
    const st = langState(session);
    if (expr === '') {
      st.conditions.delete(n);
      return { kind: 'text', lines: [`Breakpoint ${n} now unconditional.`] };
    }
    // Refuse what can never evaluate (syntax, unknown names) now; memory that is not mapped yet may be at the hit.
    try {
      evalIn(session, expr);
    } catch (e) {
      const err = asCommandError(e);
      if (err.code !== 'unreadable') throw err;
    }
    st.conditions.set(n, expr);
    return { kind: 'none' };
  },
});
