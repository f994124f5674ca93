import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';
import { breakpointNotes, call, stopResult } from '../helpers.ts';

export const resetCommand = defineCommand<void>({
  name: 'reset',
  aliases: [],
  summary: "reset the VM to the image's entry state",
  usage: 'reset',
  parse(input) {
    noArgs(input, 'reset');
  },
  async run(session) {
    await call(() => session.reset());
    if (!session.lastStop) return { kind: 'none' };
    const notes = breakpointNotes(session);
    // The entry stop, with what happened to the breakpoints as its note.
    return stopResult(session, notes.length > 0 ? { ...session.lastStop, detail: notes.join(' ') } : session.lastStop);
  },
});
