import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { resolveSpace, splitSpace, type SpaceArg } from '../address-space.ts';
import { hex64 } from '../format.ts';
import { evalIn as evalInSession } from '../helpers.ts';
import { mappingRanges, pageMappings, rights } from '../page-map.ts';

function parseSpace(rest: string, name: string): { space?: SpaceArg } {
  const { rest: before, space } = splitSpace(rest);
  if (before !== '') throw new CommandError('bad-args', `usage: ${name} [cr3 VALUE | process NAME|PID]`);
  return space ? { space } : {};
}

/** The CR3 to walk: the one named, or the vCPU's. */
function cr3Of(session: Parameters<typeof resolveSpace>[0], space: SpaceArg | undefined): bigint {
  return resolveSpace(session, space) ?? session.registers().cr3;
}

export const infoMemCommand = defineCommand<{ space?: SpaceArg }>({
  name: 'info mem',
  aliases: [],
  summary: "mapped linear ranges and their rights (u r w x) under a CR3 (default the current; or cr3 X / process NAME), as QEMU's info mem",
  usage: 'info mem [cr3 VALUE | process NAME|PID]',
  parse: ({ rest }) => parseSpace(rest, 'info mem'),
  run(session, { space }) {
    const cr3 = cr3Of(session, space);
    const rows = mappingRanges(pageMappings(session, cr3)).map((r) => ({ start: hex64(r.start), end: hex64(r.end), size: hex64(r.end - r.start), rights: r.rights }));
    return {
      kind: 'table',
      table: 'mem',
      columns: [
        { key: 'start', header: 'Start' },
        { key: 'end', header: 'End' },
        { key: 'size', header: 'Size' },
        { key: 'rights', header: 'Rights' },
      ],
      rows,
      empty: `Nothing is mapped under cr3 ${hex64(cr3)}.`,
      footer: `cr3 ${hex64(cr3)}`,
      extra: { cr3: hex64(cr3) },
    };
  },
});

export const infoTlbCommand = defineCommand<{ space?: SpaceArg }>({
  name: 'info tlb',
  aliases: [],
  summary: "every mapped page: linear → physical, size, rights, under a CR3 (default the current), as QEMU's info tlb",
  usage: 'info tlb [cr3 VALUE | process NAME|PID]',
  parse: ({ rest }) => parseSpace(rest, 'info tlb'),
  run(session, { space }) {
    const cr3 = cr3Of(session, space);
    const rows = pageMappings(session, cr3).map((m) => ({ va: hex64(m.va), pa: hex64(m.pa), size: m.size === 4096n ? '4K' : m.size === 1n << 21n ? '2M' : '1G', rights: rights(m) }));
    return {
      kind: 'table',
      table: 'tlb',
      columns: [
        { key: 'va', header: 'Linear' },
        { key: 'pa', header: 'Physical' },
        { key: 'size', header: 'Page' },
        { key: 'rights', header: 'Rights' },
      ],
      rows,
      empty: `Nothing is mapped under cr3 ${hex64(cr3)}.`,
      footer: `cr3 ${hex64(cr3)}`,
      extra: { cr3: hex64(cr3) },
    };
  },
});

export const translateCommand = defineCommand<{ expr: string; space?: SpaceArg }>({
  name: 'translate',
  aliases: [],
  summary: 'linear → guest-physical address through the current CR3, or cr3 X / process NAME',
  usage: 'translate ADDR [cr3 VALUE | process NAME|PID]',
  parse({ rest }) {
    const { rest: expr, space } = splitSpace(rest);
    if (expr === '') throw new CommandError('bad-args', 'missing address (usage: translate ADDR [cr3 VALUE | process NAME|PID])');
    return space ? { expr, space } : { expr };
  },
  run(session, { expr, space }) {
    const cr3 = cr3Of(session, space);
    const addr = evalInSession(session, expr);
    let pa: bigint;
    try {
      pa = session.translate(addr, cr3);
    } catch (e) {
      throw new CommandError('unreadable', (e as Error).message, undefined, { cause: e });
    }
    return { kind: 'text', lines: [`${hex64(addr)} → physical ${hex64(pa)} (cr3 ${hex64(cr3)})`] };
  },
});
