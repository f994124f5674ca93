import { disassemble } from '../../disasm.ts';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { evalIn, readUpTo, symbolNames } from '../helpers.ts';

const DEFAULT_COUNT = 10;

export const disassembleCommand = defineCommand<{ loc?: string; count: number }>({
  name: 'disassemble',
  aliases: ['disas'],
  summary: 'Intel-syntax disassembly with symbols (default: 10 instructions at RIP)',
  usage: 'disassemble [LOC] [N]',
  parse({ words }) {
    if (words.length > 2) throw new CommandError('bad-args', 'usage: disassemble [LOC] [N]');
    const count = words.length === 2 ? parseCount(words[1], 'count', 4096) : DEFAULT_COUNT;
    if (count < 1) throw new CommandError('bad-args', 'count must be at least 1');
    return words.length === 0 ? { count } : { loc: words[0], count };
  },
  complete: (k, _w, session) => (k === 0 ? symbolNames(session) : []),
  run(session, { loc, count }) {
    const rip = session.registers().rip;
    const addr = loc === undefined ? rip : evalIn(session, loc);
    const bytes = readUpTo(session, addr, count * 15);
    return { kind: 'disassembly', lines: disassemble(bytes, addr, { count, symbols: session.symbols, breakpoints: session.breakpoints(), rip }) };
  },
});
