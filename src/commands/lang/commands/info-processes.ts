import { defineCommand } from '../command.ts';
import { symbolOf } from '../helpers.ts';
import { hex64, processName } from '../format.ts';
import { noArgs } from '../parse.ts';

export const infoProcessesCommand = defineCommand<void>({
  name: 'info processes',
  aliases: ['ps'],
  summary: 'processes keyed by CR3: cr3, pid, ppid (Linux), name ([kernel thread]), state, hits, first seen, last rip',
  usage: 'info processes',
  parse: (input) => noArgs(input, 'info processes'),
  run(session) {
    const procs = session.processes();
    // The parent's pid where the guest's task list has it (Linux): a PPID column then, none for vmos.
    const withParents = procs.some((p) => p.ppid !== undefined);
    const rows = procs.map((p) => ({
      current: p.current ? '*' : '',
      cr3: p.cr3 === undefined ? null : hex64(p.cr3),
      pid: p.pid ?? null,
      ...(withParents ? { ppid: p.ppid ?? null } : {}),
      name: processName(p) ?? null,
      state: p.state ?? null,
      hits: p.hits,
      firstSeen: p.firstSeen,
      lastRip: p.lastRip === undefined ? null : hex64(p.lastRip),
      location: p.lastRip === undefined ? null : symbolOf(session, p.lastRip) ?? null,
    }));
    return {
      kind: 'table',
      table: 'processes',
      columns: [
        { key: 'current', header: '' },
        { key: 'cr3', header: 'CR3' },
        { key: 'pid', header: 'PID', align: 'right' },
        ...(withParents ? [{ key: 'ppid', header: 'PPID', align: 'right' as const }] : []),
        { key: 'name', header: 'Name' },
        { key: 'state', header: 'State' },
        { key: 'hits', header: 'Hits', align: 'right' },
        { key: 'firstSeen', header: 'First seen', align: 'right' },
        { key: 'lastRip', header: 'Last RIP' },
        { key: 'location', header: 'Where' },
      ],
      rows,
      empty: 'No processes seen yet.',
    };
  },
});
