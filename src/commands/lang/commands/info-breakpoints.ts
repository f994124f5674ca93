import { defineCommand } from '../command.ts';
import { conditionText, hex64 } from '../format.ts';
import { noArgs } from '../parse.ts';

export const infoBreakpointsCommand = defineCommand<void>({
  name: 'info breakpoints',
  aliases: ['i b', 'info b'],
  summary: 'table: number, type, location, condition, hits, enabled',
  usage: 'info breakpoints',
  parse: (input) => noArgs(input, 'info breakpoints'),
  run(session) {
    const rows = session.breakpoints().map((b) => ({
      number: b.number,
      type: b.kind,
      addr: hex64(b.addr),
      location: b.location,
      what: b.kind === 'watch' ? `${b.len} byte${b.len === 1 ? '' : 's'} ${b.access}` : '',
      slot: b.pending ? 'pending' : b.slot === null ? '' : `DR${b.slot}`,
      condition: conditionText(b.condition),
      hits: b.hits,
      enabled: b.enabled,
    }));
    return {
      kind: 'table',
      table: 'breakpoints',
      columns: [
        { key: 'number', header: 'Num', align: 'right' },
        { key: 'type', header: 'Type' },
        { key: 'addr', header: 'Address' },
        { key: 'location', header: 'Location' },
        { key: 'what', header: 'Watch' },
        { key: 'slot', header: 'Slot' },
        { key: 'condition', header: 'Condition' },
        { key: 'hits', header: 'Hits', align: 'right' },
        { key: 'enabled', header: 'Enb' },
      ],
      rows,
      empty: 'No breakpoints or watchpoints.',
    };
  },
});
