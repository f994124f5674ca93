import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { decodeDescriptor, decodeGate, DESCRIPTOR_COLUMNS, descriptorCells, descriptorType } from '../descriptors.ts';
import { hex64 } from '../format.ts';
import { readExact, symbolOf } from '../helpers.ts';
import { noArgs } from '../parse.ts';
import type { Cell } from '../result.ts';

/* The GDT and IDT as the guest wrote them: GDTR/IDTR give their linear base and limit; read through the current CR3. */

export const infoGdtCommand = defineCommand<void>({
  name: 'info gdt',
  aliases: [],
  summary: 'the GDT (GDTR base/limit, read through the current CR3): each non-null descriptor decoded',
  usage: 'info gdt',
  parse: (input) => noArgs(input, 'info gdt'),
  run(session) {
    const { gdt } = session.systemState();
    const bytes = readExact(session, gdt.base, gdt.limit + 1);
    const rows: Record<string, Cell>[] = [];
    for (let off = 0; off + 8 <= bytes.length; ) {
      const d = decodeDescriptor(bytes, off);
      const raw = bytes.subarray(off, off + 8).some((b) => b !== 0);
      if (raw) {
        rows.push({ index: off / 8, ...descriptorCells(off, d) });
      }
      off += d.size;
    }
    return {
      kind: 'table',
      table: 'gdt',
      columns: [{ key: 'index', header: 'Idx', align: 'right' }, ...DESCRIPTOR_COLUMNS],
      rows,
      empty: 'The GDT has no non-null descriptors.',
      footer: `GDTR base=${hex64(gdt.base)} limit=0x${gdt.limit.toString(16)}`,
    };
  },
});

export const infoIdtCommand = defineCommand<{ all: boolean }>({
  name: 'info idt',
  aliases: [],
  summary: 'the IDT (IDTR base/limit, through the current CR3): each present gate, its handler and symbol (all: absent ones too)',
  usage: 'info idt [all]',
  parse({ words }) {
    if (words.length === 0) return { all: false };
    if (words.length === 1 && words[0] === 'all') return { all: true };
    throw new CommandError('bad-args', 'usage: info idt [all]');
  },
  run(session, { all }) {
    const { idt } = session.systemState();
    const bytes = readExact(session, idt.base, idt.limit + 1);
    const rows: Record<string, Cell>[] = [];
    for (let v = 0; (v + 1) * 16 <= bytes.length; v++) {
      const g = decodeGate(bytes, v * 16);
      if (!g.present && !all) continue;
      rows.push({
        vector: v,
        handler: hex64(g.offset),
        symbol: symbolOf(session, g.offset) ?? '',
        selector: `0x${g.selector.toString(16).padStart(4, '0')}`,
        type: descriptorType(g.type, false),
        dpl: g.dpl,
        ist: g.ist,
        present: g.present,
      });
    }
    return {
      kind: 'table',
      table: 'idt',
      columns: [
        { key: 'vector', header: 'Vec', align: 'right' },
        { key: 'handler', header: 'Handler' },
        { key: 'symbol', header: 'Symbol' },
        { key: 'selector', header: 'Selector' },
        { key: 'type', header: 'Type' },
        { key: 'dpl', header: 'DPL', align: 'right' },
        { key: 'ist', header: 'IST', align: 'right' },
        { key: 'present', header: 'P' },
      ],
      rows,
      empty: 'The IDT has no present gates.',
      footer: `IDTR base=${hex64(idt.base)} limit=0x${idt.limit.toString(16)}`,
    };
  },
});
