import { defineCommand } from '../command.ts';
import { call, execute } from '../helpers.ts';
import { noArgs } from '../parse.ts';

export const runCommand = defineCommand<void>({
  name: 'run',
  aliases: ['r'],
  summary: "start the guest from its entry state (a reset, breakpoints kept) and continue, as gdb's run",
  usage: 'run',
  parse: (input) => noArgs(input, 'run'),
  async run(session, _args, env) {
    await call(() => session.reset());
    return execute(session, () => session.cont(1), env);
  },
});
