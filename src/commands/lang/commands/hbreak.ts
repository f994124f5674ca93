import { defineCommand } from '../command.ts';
import { symbolNames } from '../helpers.ts';
import { addBreakpoint } from '../breakpoints.ts';
import { type BreakArgs, parseBreakArgs } from '../parse.ts';

const USAGE = 'hbreak LOC [if cr3 == VALUE | process NAME]';

export const hbreakCommand = defineCommand<BreakArgs>({
  name: 'hbreak',
  aliases: [],
  summary: 'hardware execute breakpoint in a host-owned DR (KVM_GUESTDBG_USE_HW_BP)',
  usage: USAGE,
  parse: (input) => parseBreakArgs(input, USAGE),
  complete: (k, _w, session) => (k === 0 ? symbolNames(session) : k === 1 ? ['if', 'process'] : []),
  run: (session, args) => addBreakpoint(session, 'hbreak', args),
});
