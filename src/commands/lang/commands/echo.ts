import { defineCommand } from '../command.ts';

export const echoCommand = defineCommand<{ text: string }>({
  name: 'echo',
  aliases: [],
  summary: 'print TEXT',
  usage: 'echo TEXT',
  parse: ({ rest }) => ({ text: rest }),
  run: (_session, { text }) => ({ kind: 'text', lines: [text] }),
});
