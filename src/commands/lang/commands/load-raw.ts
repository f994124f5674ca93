import { defineCommand } from '../command.ts';
import { printable, quoted } from '../../../core/printable.ts';
import { CommandError } from '../../errors.ts';
import { parseNumber } from '../expr.ts';
import { hex64 } from '../format.ts';
import { breakpointNotes, call } from '../helpers.ts';

const USAGE = 'load raw FILE at GPA [entry ADDR] [mode 64]';

export const loadRawCommand = defineCommand<{ file: string; gpa: bigint; entry?: bigint }>({
  name: 'load raw',
  aliases: [],
  summary: 'load a flat binary at a guest-physical address (64-bit mode, CPL 0, identity paging of the first 1 GiB)',
  usage: USAGE,
  parse({ words }) {
    if (words.length < 3 || words[1].toLowerCase() !== 'at') throw new CommandError('bad-args', `usage: ${USAGE}`);
    const out: { file: string; gpa: bigint; entry?: bigint } = { file: words[0], gpa: parseNumber(words[2]) };
    for (let j = 3; j < words.length; j += 2) {
      const key = words[j].toLowerCase(), val = words[j + 1];
      if (val === undefined) throw new CommandError('bad-args', `${quoted(words[j])} needs a value (usage: ${USAGE})`);
      if (key === 'entry') out.entry = parseNumber(val);
      else if (key === 'mode') {
        if (val !== '64') throw new CommandError('bad-args', `mode ${printable(val)} is not supported (only mode 64)`);
      } else throw new CommandError('bad-args', `unexpected ${quoted(words[j])} (usage: ${USAGE})`);
    }
    return out;
  },
  async run(session, { file, gpa, entry }) {
    await call(() => session.loadRaw(file, gpa, entry));
    return { kind: 'text', lines: [`Loaded ${file} at ${hex64(gpa)}, entry ${hex64(entry ?? gpa)}, on ${session.backend}.`, ...breakpointNotes(session)] };
  },
});
