import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { evalIn, symbolNames, symbolOf } from '../helpers.ts';
import { hex64 } from '../format.ts';

export const infoSymbolCommand = defineCommand<{ expr: string }>({
  name: 'info symbol',
  aliases: [],
  summary: 'the symbol covering ADDR: NAME + OFFSET (the image has no sections to name)',
  usage: 'info symbol ADDR',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing address (usage: info symbol ADDR)');
    return { expr: rest };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, { expr }) {
    const addr = evalIn(session, expr);
    const name = symbolOf(session, addr);
    if (name === undefined) return { kind: 'text', lines: [`No symbol matches ${expr} (${hex64(addr)}).`] };
    return { kind: 'text', lines: [name.replace('+', ' + ')] };
  },
});
