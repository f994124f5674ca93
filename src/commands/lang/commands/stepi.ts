import { defineCommand } from '../command.ts';
import { execute } from '../helpers.ts';
import { optionalCount } from '../parse.ts';

export const stepiCommand = defineCommand<{ n: number }>({
  name: 'stepi',
  aliases: ['si'],
  summary: 'execute N instructions (default 1) with single-step guest debug',
  usage: 'stepi [N]',
  parse: (input) => ({ n: optionalCount(input, 'stepi [N]') }),
  run: (session, { n }, env) => execute(session, () => session.stepi(n), env),
});
