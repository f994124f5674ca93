import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { oneOf } from '../parse.ts';

export const setOutputCommand = defineCommand<{ format: 'text' | 'json' }>({
  name: 'set output',
  aliases: [],
  summary: 'output format',
  usage: 'set output text|json',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: set output text|json');
    return { format: oneOf(words[0], ['text', 'json'] as const, 'output format') };
  },
  complete: (k) => (k === 0 ? ['text', 'json'] : []),
  run: (_session, { format }) => ({ kind: 'output', format }),
});
