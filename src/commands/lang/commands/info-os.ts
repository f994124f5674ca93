import { defineCommand } from '../command.ts';
import { hex64 } from '../format.ts';
import { noArgs } from '../parse.ts';
import type { Cell } from '../result.ts';

/** `info os`: which OS-awareness module names the processes (src/core/os), why, and how its last read of the task list went. */
export const infoOsCommand = defineCommand<void>({
  name: 'info os',
  aliases: [],
  summary: 'OS awareness: which module reads the guest\'s task list (vmos, linux or none) and why; tasks in the last read, why it stopped short',
  usage: 'info os',
  parse: (input) => noArgs(input, 'info os'),
  run(session) {
    const o = session.osInfo();
    const fields: [string, string, Cell][] = [
      ['module', 'Module', o.module],
      ['why', 'Why', o.why],
      ['tasks', 'Tasks', o.tasks ?? null],
      ['partial', 'Stopped short', o.partial ?? null],
      ['readThrough', 'Read through CR3', o.readThrough === undefined ? null : hex64(o.readThrough)],
    ];
    return {
      kind: 'table',
      table: 'os',
      columns: [
        { key: 'field', header: 'Field' },
        { key: 'value', header: 'Value' },
      ],
      rows: fields.map(([, label, value]) => ({ field: label, value: value ?? '-' })),
      empty: '',
      extra: Object.fromEntries(fields.map(([k, , value]) => [k, value])),
    };
  },
});
