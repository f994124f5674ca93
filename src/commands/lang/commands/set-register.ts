import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { resolveRegister } from '../expr.ts';
import { callSync, evalIn } from '../helpers.ts';

export const setRegisterCommand = defineCommand<{ reg: string; expr: string }>({
  name: 'set',
  aliases: [],
  summary: 'write a register (through the uAPI)',
  usage: 'set $REG = VALUE',
  parse({ rest }) {
    const m = /^\$([A-Za-z0-9_]+)\s*=\s*(\S.*)$/.exec(rest);
    if (!m) throw new CommandError('bad-args', `usage: set $REG = VALUE (or set cr3-source …, set output …)`);
    return { reg: m[1], expr: m[2].trim() };
  },
  run(session, { reg, expr }) {
    const name = resolveRegister(reg, session.registers());
    const value = evalIn(session, expr);
    callSync(() => session.setRegister(name, value), 'no-such-reg');
    return { kind: 'none' };
  },
});
