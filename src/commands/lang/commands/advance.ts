import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { callSync, evalIn, execute, requireRunnable, symbolNames } from '../helpers.ts';

export const advanceCommand = defineCommand<{ loc: string }>({
  name: 'advance',
  aliases: [],
  summary: 'run until RIP = LOC (as until LOC; gdb also stops when the current frame returns, vdbg does not)',
  usage: 'advance LOC',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing location (usage: advance LOC)');
    return { loc: rest };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, { loc }, env) {
    const addr = evalIn(session, loc);
    return execute(session, () => session.until(addr), env);
  },
});

export const jumpCommand = defineCommand<{ loc: string }>({
  name: 'jump',
  aliases: ['j'],
  summary: 'resume at LOC: set RIP, then continue',
  usage: 'jump LOC',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing location (usage: jump LOC)');
    return { loc: rest };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, { loc }, env) {
    const addr = evalIn(session, loc);
    requireRunnable(session);
    callSync(() => session.setRegister('rip', addr));
    return execute(session, () => session.cont(1), env);
  },
});
