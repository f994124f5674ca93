import { defineCommand } from '../command.ts';
import { execute } from '../helpers.ts';
import { optionalCount } from '../parse.ts';

export const continueCommand = defineCommand<{ n: number }>({
  name: 'continue',
  aliases: ['c', 'cont'],
  summary: 'run until the N-th stop (default 1): breakpoint, watchpoint, halt, shutdown, or an instruction budget',
  usage: 'continue [N]',
  parse: (input) => ({ n: optionalCount(input, 'continue [N]') }),
  run: (session, { n }, env) => execute(session, () => session.cont(n), env),
});
