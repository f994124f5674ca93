import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';

export const infoExitsCommand = defineCommand<void>({
  name: 'info exits',
  aliases: ['stats'],
  summary: 'hypervisor counters: exits by reason, DR intercepts, DR loads/saves, XCR0 writes, R16–R31 swaps, ioctls by kind, events skipped by filter',
  usage: 'info exits',
  parse: (input) => noArgs(input, 'info exits'),
  run: (session) => counterTable('exits', session.counters()),
});

/** A `Counter  Count` table of counters sorted by name (info exits, info jit). */
export function counterTable(table: string, c: Readonly<Record<string, number>>) {
  return {
    kind: 'table' as const,
    table,
    columns: [
      { key: 'counter', header: 'Counter' },
      { key: 'count', header: 'Count', align: 'right' as const },
    ],
    rows: Object.keys(c).sort().map((n) => ({ counter: n, count: c[n] })),
    empty: 'No counters.',
  };
}
