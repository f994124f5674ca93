import { defineCommand } from '../command.ts';
import { fieldTable } from '../field-table.ts';
import { hex64 } from '../format.ts';
import { noArgs } from '../parse.ts';

/** `info os`: which OS-awareness module names the processes (src/core/os), why, and how its last read of the task list went. */
export const infoOsCommand = defineCommand<void>({
  name: 'info os',
  aliases: [],
  summary: 'OS awareness: which module reads the guest\'s task list (vmos, linux or none) and why; tasks in the last read, why it stopped short',
  usage: 'info os',
  parse: (input) => noArgs(input, 'info os'),
  run(session) {
    const o = session.osInfo();
    return fieldTable('os', [
      ['module', 'Module', o.module],
      ['why', 'Why', o.why],
      ['tasks', 'Tasks', o.tasks ?? null],
      ['partial', 'Stopped short', o.partial ?? null],
      ['readThrough', 'Read through CR3', o.readThrough === undefined ? null : hex64(o.readThrough)],
    ]);
  },
});
