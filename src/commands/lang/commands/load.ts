import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { breakpointNotes, call } from '../helpers.ts';

export const loadCommand = defineCommand<{ image: string }>({
  name: 'load',
  aliases: [],
  summary: 'load a guest ELF (symbols are read from it) and reset the VM',
  usage: 'load IMAGE',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: load IMAGE');
    return { image: words[0] };
  },
  async run(session, { image }) {
    await call(() => session.load(image));
    return { kind: 'text', lines: [`Loaded ${session.imageName} (${session.symbols.symbols.length} symbols) on ${session.backend}.`, ...breakpointNotes(session)] };
  },
});
