import { defineCommand } from '../command.ts';
import { execute } from '../helpers.ts';
import { optionalCount } from '../parse.ts';

export const nextiCommand = defineCommand<{ n: number }>({
  name: 'nexti',
  aliases: ['ni'],
  summary: 'like stepi, but a call runs to its return',
  usage: 'nexti [N]',
  parse: (input) => ({ n: optionalCount(input, 'nexti [N]') }),
  run: (session, { n }, env) => execute(session, () => session.nexti(n), env),
});
