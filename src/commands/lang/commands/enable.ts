import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { callSync, findBreakpoint } from '../helpers.ts';
import { requireSlot } from '../breakpoints.ts';

export const enableCommand = defineCommand<{ n: number }>({
  name: 'enable',
  aliases: [],
  summary: 'enable breakpoint N',
  usage: 'enable N',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: enable N');
    return { n: parseCount(words[0], 'breakpoint number') };
  },
  run(session, { n }) {
    const bp = findBreakpoint(session, n);
    if (!bp.enabled && bp.kind !== 'break') requireSlot(session);
    callSync(() => session.enableBreakpoint(n, true), 'no-slot');
    return { kind: 'text', lines: [`Enabled breakpoint ${n}.`] };
  },
});
