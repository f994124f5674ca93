import type { Command } from '../command.ts';
import { defineCommand } from '../command.ts';
import { symbolNames } from '../helpers.ts';
import { addBreakpoint } from '../breakpoints.ts';
import { parseWatchArgs, type WatchArgs } from '../parse.ts';

/**
 * gdb's read and access watchpoints. x86 debug registers have no read-only
 * condition (SDM Vol. 3B §18.2.4: R/W 11 = reads or writes), so `rwatch`, as
 * gdb's own x86 target does, is an access watchpoint that also fires on writes.
 */
function accessWatch(name: string, summary: string): Command {
  const usage = `${name} LOC [len 1|2|4|8] [if cr3 == VALUE | process NAME]`;
  return defineCommand<WatchArgs>({
    name,
    aliases: [],
    summary,
    usage,
    parse: (input) => ({ ...parseWatchArgs(input, usage), access: 'access' }),
    complete: (k, _w, session) => (k === 0 ? symbolNames(session) : ['len', 'if', 'process']),
    run: (session, args) => addBreakpoint(session, 'watch', args),
  });
}

export const rwatchCommand = accessWatch('rwatch', 'read watchpoint (x86 DRs: reads or writes, DR7 R/W=11)');
export const awatchCommand = accessWatch('awatch', 'access watchpoint: reads or writes (same as watch … access)');
