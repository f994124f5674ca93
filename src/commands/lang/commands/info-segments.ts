import type { SegmentName } from '../../session/types.ts';
import { defineCommand } from '../command.ts';
import { DESCRIPTOR_COLUMNS, descriptorCells } from '../descriptors.ts';
import { hex64 } from '../format.ts';
import { noArgs } from '../parse.ts';

const ORDER: readonly SegmentName[] = ['cs', 'ss', 'ds', 'es', 'fs', 'gs', 'ldt', 'tr'];

export const infoSegmentsCommand = defineCommand<void>({
  name: 'info segments',
  aliases: ['info sregs'],
  summary: 'segment registers with their descriptor caches, CPL, GDTR/IDTR/LDTR/TR (KVM_GET_SREGS)',
  usage: 'info segments',
  parse: (input) => noArgs(input, 'info segments'),
  run(session) {
    const st = session.systemState();
    const rows = ORDER.map((n) => ({ reg: n, ...descriptorCells(st.segments[n].selector, st.segments[n]) }));
    // CPL is CS.RPL (SDM Vol. 3A §5.5); SS.DPL equals it in protected mode.
    const cpl = st.segments.cs.selector & 3;
    const gdtr = `base=${hex64(st.gdt.base)} limit=0x${st.gdt.limit.toString(16)}`;
    const idtr = `base=${hex64(st.idt.base)} limit=0x${st.idt.limit.toString(16)}`;
    return {
      kind: 'table',
      table: 'segments',
      columns: [{ key: 'reg', header: 'Reg' }, ...DESCRIPTOR_COLUMNS],
      rows,
      empty: '',
      footer: `CPL ${cpl}\nGDTR ${gdtr}\nIDTR ${idtr}`,
      extra: { cpl, gdtrBase: hex64(st.gdt.base), gdtrLimit: st.gdt.limit, idtrBase: hex64(st.idt.base), idtrLimit: st.idt.limit },
    };
  },
});
