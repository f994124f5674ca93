import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { evalIn, symbolNames, symbolOf } from '../helpers.ts';

export const printCommand = defineCommand<{ expr: string }>({
  name: 'print',
  aliases: ['p'],
  summary: 'value of a register or memory expression ($rax+8, *addr, symbol+off)',
  usage: 'print EXPR',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing expression (usage: print EXPR)');
    return { expr: rest };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, { expr }) {
    const value = evalIn(session, expr);
    return { kind: 'value', expr, value, symbol: symbolOf(session, value) };
  },
});
