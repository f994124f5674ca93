import type { SegmentName } from '../../session/types.ts';
import { defineCommand } from '../command.ts';
import { descriptorFlags, descriptorType } from '../descriptors.ts';
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
    const rows = ORDER.map((n) => {
      const g = st.segments[n];
      return {
        reg: n,
        selector: `0x${g.selector.toString(16).padStart(4, '0')}`,
        base: hex64(g.base),
        limit: `0x${g.limit.toString(16)}`,
        type: g.unusable ? 'unusable' : descriptorType(g.type, g.s),
        dpl: g.dpl,
        flags: descriptorFlags(g),
      };
    });
    // CPL is CS.RPL (SDM Vol. 3A §5.5); SS.DPL equals it in protected mode.
    const cpl = st.segments.cs.selector & 3;
    const gdtr = `base=${hex64(st.gdt.base)} limit=0x${st.gdt.limit.toString(16)}`;
    const idtr = `base=${hex64(st.idt.base)} limit=0x${st.idt.limit.toString(16)}`;
    return {
      kind: 'table',
      table: 'segments',
      columns: [
        { key: 'reg', header: 'Reg' },
        { key: 'selector', header: 'Selector' },
        { key: 'base', header: 'Base' },
        { key: 'limit', header: 'Limit' },
        { key: 'type', header: 'Type' },
        { key: 'dpl', header: 'DPL', align: 'right' },
        { key: 'flags', header: 'Flags' },
      ],
      rows,
      empty: '',
      footer: `CPL ${cpl}\nGDTR ${gdtr}\nIDTR ${idtr}`,
      extra: { cpl, gdtrBase: hex64(st.gdt.base), gdtrLimit: st.gdt.limit, idtrBase: hex64(st.idt.base), idtrLimit: st.idt.limit },
    };
  },
});
