import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';
import { call, stopResult } from '../helpers.ts';

export const resetCommand = defineCommand<void>({
  name: 'reset',
  aliases: [],
  summary: "reset the VM to the image's entry state",
  usage: 'reset',
  parse(input) {
    noArgs(input, 'reset');
  },
  async run(session) {
    await call(() => session.reset());
    return session.lastStop ? stopResult(session, session.lastStop) : { kind: 'none' };
  },
});
