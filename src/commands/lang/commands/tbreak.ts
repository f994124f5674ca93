import { defineCommand } from '../command.ts';
import { symbolNames } from '../helpers.ts';
import { addBreakpoint } from '../breakpoints.ts';
import { type BreakArgs, parseBreakArgs } from '../parse.ts';
import { langState } from '../state.ts';

const USAGE = 'tbreak LOC [if cr3 == VALUE | process NAME]';

export const tbreakCommand = defineCommand<BreakArgs>({
  name: 'tbreak',
  aliases: [],
  summary: 'temporary software breakpoint: deleted when it stops the guest',
  usage: USAGE,
  parse: (input) => parseBreakArgs(input, USAGE),
  complete: (k, _w, session) => (k === 0 ? symbolNames(session) : k === 1 ? ['if', 'process'] : []),
  run(session, args) {
    const r = addBreakpoint(session, 'break', args);
    if (r.kind === 'breakpoint') {
      langState(session).temporary.add(r.bp.number);
      r.temporary = true;
    }
    return r;
  },
});
