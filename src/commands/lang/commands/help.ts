import { defineCommand } from '../command.ts';
import { resolveCommand } from '../parse.ts';

export const helpCommand = defineCommand<{ topic: string }>({
  name: 'help',
  aliases: ['h'],
  summary: 'list the commands, or show one',
  usage: 'help [COMMAND]',
  parse: ({ rest }) => ({ topic: rest }),
  run(_session, { topic }, { commands }) {
    if (topic === '') {
      const w = Math.max(...commands.map((c) => c.name.length));
      return { kind: 'text', lines: commands.map((c) => `${c.name.padEnd(w)}  ${c.summary}`) };
    }
    const { command: c } = resolveCommand(topic.split(/\s+/), commands);
    const lines = [`usage: ${c.usage}`, c.summary];
    if (c.aliases.length > 0) lines.push(`aliases: ${c.aliases.join(', ')}`);
    return { kind: 'text', lines };
  },
});
