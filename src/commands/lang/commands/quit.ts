import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';

export const quitCommand = defineCommand<void>({
  name: 'quit',
  aliases: ['q'],
  summary: 'end the session',
  usage: 'quit',
  parse: (input) => noArgs(input, 'quit'),
  run: () => ({ kind: 'quit' }),
});
