import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { findBreakpoint } from '../helpers.ts';
import { langState } from '../state.ts';

export const commandsCommand = defineCommand<{ bps: number[] }>({
  name: 'commands',
  aliases: [],
  summary: "commands to run when breakpoint N stops the guest, one per line up to 'end' ('silent' first: no stop line)",
  usage: 'commands [N…] … end',
  parse({ words }) {
    return { bps: words.map((w) => parseCount(w, 'breakpoint number')) };
  },
  run(session, { bps }) {
    const all = session.breakpoints();
    if (bps.length === 0) {
      if (all.length === 0) throw new CommandError('no-such-bp', 'no breakpoints to attach commands to');
      bps = [Math.max(...all.map((b) => b.number))];
    }
    for (const n of bps) findBreakpoint(session, n);
    langState(session).recording = { kind: 'commands', bps, lines: [] };
    return { kind: 'none' };
  },
});
