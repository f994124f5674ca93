import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { evalIn, symbolNames } from '../helpers.ts';
import { langState } from '../state.ts';

const USAGE = 'set tui memory ADDR|auto';

/** Where the TUI's memory pane (`m`) looks: an address, or `auto` (the last watchpoint hit's address, else RSP). */
export const setTuiMemoryCommand = defineCommand<{ expr: string | null }>({
  name: 'set tui memory',
  aliases: [],
  summary: "the TUI memory pane's address (auto: the last watchpoint hit's, else RSP)",
  usage: USAGE,
  parse({ rest }) {
    const t = rest.trim();
    if (t === '') throw new CommandError('bad-args', `usage: ${USAGE}`);
    return { expr: t === 'auto' ? null : t };
  },
  complete: (k, _words, session) => (k === 0 ? ['auto', ...symbolNames(session)] : []),
  run(session, { expr }) {
    const addr = expr === null ? null : evalIn(session, expr);
    langState(session).tuiMemory = addr;
    return { kind: 'text', lines: [addr === null ? 'TUI memory pane: auto (last watchpoint hit, else RSP).' : `TUI memory pane at 0x${addr.toString(16)}.`] };
  },
});
