import { defineCommand } from '../command.ts';
import { symbolNames } from '../helpers.ts';
import { addBreakpoint } from '../breakpoints.ts';
import { type BreakArgs, parseBreakArgs } from '../parse.ts';

const USAGE = 'break LOC [if cr3 == VALUE | process NAME]';

export const breakCommand = defineCommand<BreakArgs>({
  name: 'break',
  aliases: ['b'],
  summary: 'software breakpoint (int3, KVM_GUESTDBG_USE_SW_BP)',
  usage: USAGE,
  parse: (input) => parseBreakArgs(input, USAGE),
  complete: (k, _w, session) => (k === 0 ? symbolNames(session) : k === 1 ? ['if', 'process'] : []),
  run: (session, args) => addBreakpoint(session, 'break', args),
});
