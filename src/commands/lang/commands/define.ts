import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { langState } from '../state.ts';

export const defineUserCommand = defineCommand<{ name: string }>({
  name: 'define',
  aliases: [],
  summary: "define a command NAME from the lines up to 'end' ($arg0…, $argc are its arguments)",
  usage: 'define NAME … end',
  parse({ words }) {
    if (words.length !== 1 || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(words[0])) throw new CommandError('bad-args', 'usage: define NAME (a word of letters, digits, _ and -)');
    return { name: words[0] };
  },
  run(session, { name }, { commands }) {
    const builtin = commands.find((c) => c.name === name || c.aliases.includes(name));
    if (builtin !== undefined) throw new CommandError('bad-args', `'${name}' is a built-in command (${builtin.name}); choose another name`);
    langState(session).recording = { kind: 'define', name, lines: [] };
    return { kind: 'none' };
  },
});
