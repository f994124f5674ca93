import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { execute } from '../helpers.ts';
import { optionalCount } from '../parse.ts';

export const runForCommand = defineCommand<{ n: number }>({
  name: 'run-for',
  aliases: [],
  summary: 'run N instructions, stopping early at a breakpoint',
  usage: 'run-for N',
  parse(input) {
    if (input.words.length === 0) throw new CommandError('bad-args', 'missing instruction count (usage: run-for N)');
    return { n: optionalCount(input, 'run-for N') };
  },
  run: (session, { n }, env) => execute(session, () => session.runFor(n), env),
});
