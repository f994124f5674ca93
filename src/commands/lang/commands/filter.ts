import type { Condition } from '../../session/types.ts';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { conditionText } from '../format.ts';
import { callSync, evalIn } from '../helpers.ts';
import { oneOf } from '../parse.ts';

type FilterArgs = { kind: 'off' } | { kind: 'process'; name: string } | { kind: 'cr3'; expr: string };
const USAGE = 'filter process NAME | filter cr3 VALUE | filter off';

export const filterCommand = defineCommand<FilterArgs>({
  name: 'filter',
  aliases: [],
  summary: 'debug events from other processes are resumed at once and counted as skipped',
  usage: USAGE,
  parse({ words }) {
    const kind = oneOf(words[0], ['process', 'cr3', 'off'] as const, 'filter');
    if (kind === 'off') {
      if (words.length !== 1) throw new CommandError('bad-args', `usage: ${USAGE}`);
      return { kind };
    }
    if (words.length < 2 || (kind === 'process' && words.length !== 2)) throw new CommandError('bad-args', `usage: ${USAGE}`);
    return kind === 'process' ? { kind, name: words[1] } : { kind, expr: words.slice(1).join(' ') };
  },
  complete: (k) => (k === 0 ? ['process', 'cr3', 'off'] : []),
  run(session, args) {
    const f: Condition | null = args.kind === 'off' ? null : args.kind === 'process' ? args : { kind: 'cr3', cr3: evalIn(session, args.expr) };
    callSync(() => session.setFilter(f));
    return { kind: 'text', lines: [f === null ? 'Filter off.' : `Filter: ${conditionText(f)}.`] };
  },
});
