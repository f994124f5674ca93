import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';

export const infoExitsCommand = defineCommand<void>({
  name: 'info exits',
  aliases: ['stats'],
  summary: 'hypervisor counters: exits by reason, DR intercepts, DR loads/saves, XCR0 writes, R16–R31 swaps, ioctls by kind, events skipped by filter',
  usage: 'info exits',
  parse: (input) => noArgs(input, 'info exits'),
  run(session) {
    const c = session.counters();
    const names = Object.keys(c).sort();
    return {
      kind: 'table',
      table: 'exits',
      columns: [
        { key: 'counter', header: 'Counter' },
        { key: 'count', header: 'Count', align: 'right' },
      ],
      rows: names.map((n) => ({ counter: n, count: c[n] })),
      empty: 'No counters.',
    };
  },
});
