import { defineCommand } from '../command.ts';
import { symbolOf } from '../helpers.ts';
import { CommandError } from '../../errors.ts';
import { parseCount } from '../expr.ts';
import { hex64 } from '../format.ts';

export const infoHitsCommand = defineCommand<{ last?: number }>({
  name: 'info hits',
  aliases: ['hits'],
  summary: 'debug-event log (the last N): sequence, breakpoint, cr3, process, rip, exception, dr6 (of #DB events)',
  usage: 'info hits [N]',
  parse({ words }) {
    if (words.length > 1) throw new CommandError('bad-args', 'usage: info hits [N]');
    return words.length === 0 ? {} : { last: parseCount(words[0], 'count') };
  },
  run(session, { last }) {
    const hits = session.hits(last);
    const total = session.hitCount();
    // The instruction count of a hit exists only for hits logged while recording (emu; `goto hit N`): the column shows then.
    const withIcount = hits.some((h) => h.icount !== undefined);
    const rows = hits.map((h) => ({
      seq: h.seq,
      bp: h.bp,
      cr3: hex64(h.cr3),
      process: h.process ?? null,
      rip: hex64(h.rip),
      location: symbolOf(session, h.rip) ?? null,
      exception: h.exception,
      // Only a #DB exit fills kvm_run.debug.arch.dr6; on #BP KVM leaves the last value there (vmx.c handle_exception_nmi), so it says nothing.
      dr6: h.exception === 1 ? hex64(h.dr6) : null,
      ...(withIcount ? { icount: h.icount ?? null } : {}),
    }));
    const icounts = withIcount ? [{ key: 'icount', header: 'Icount', align: 'right' as const }] : [];
    return {
      kind: 'table',
      table: 'hits',
      columns: [
        { key: 'seq', header: 'Seq', align: 'right' },
        { key: 'bp', header: 'Bp', align: 'right' },
        { key: 'cr3', header: 'CR3' },
        { key: 'process', header: 'Process' },
        { key: 'rip', header: 'RIP' },
        { key: 'location', header: 'Where' },
        { key: 'exception', header: 'Exc', align: 'right' },
        { key: 'dr6', header: 'DR6' },
        ...icounts,
      ],
      rows,
      empty: 'No debug events.',
      footer: `${total} debug event${total === 1 ? '' : 's'} in total${hits.length < total ? `, showing the last ${hits.length}` : ''}.`,
      extra: { total },
    };
  },
});
