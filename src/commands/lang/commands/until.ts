import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { evalIn, execute } from '../helpers.ts';

export const untilCommand = defineCommand<{ loc: string }>({
  name: 'until',
  aliases: ['u'],
  summary: 'run until RIP = LOC',
  usage: 'until LOC',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing location (usage: until LOC)');
    return { loc: rest };
  },
  run(session, { loc }, env) {
    const addr = evalIn(session, loc);
    return execute(session, () => session.until(addr), env);
  },
});
