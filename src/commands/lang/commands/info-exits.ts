import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';
import { jitSummary } from '../../../emu/jit/stats.ts';

export const infoExitsCommand = defineCommand<void>({
  name: 'info exits',
  aliases: ['stats'],
  summary: "hypervisor counters: exits by reason, DR intercepts, DR loads/saves, XCR0 writes, R16–R31 swaps, ioctls by kind, events skipped by filter; on emu the JIT's in a line under them",
  usage: 'info exits',
  parse: (input) => noArgs(input, 'info exits'),
  run(session) {
    const table = counterTable('exits', session.counters());
    const jit = session.jitCounters();
    // The JIT's counters (info jit has them all) under the hypervisor's, not among them: they differ
    // between a tiered and a forced run, which the hypervisor's must not.
    if (jit === null) return table;
    return { ...table, footer: `JIT: ${jitSummary(jit).join(', ')} (info jit)` };
  },
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
