import { defineCommand } from '../command.ts';
import { execute } from '../helpers.ts';
import { noArgs } from '../parse.ts';

export const finishCommand = defineCommand<void>({
  name: 'finish',
  aliases: [],
  summary: 'run until the current function returns',
  usage: 'finish',
  parse: (input) => noArgs(input, 'finish'),
  run: (session, _args, env) => execute(session, () => session.finish(), env),
});
