import type { Cr3Source } from '../../session/types.ts';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { callSync } from '../helpers.ts';
import { oneOf } from '../parse.ts';

const SOURCES: readonly Cr3Source[] = ['exit', 'sregs', 'sync'];

export const setCr3SourceCommand = defineCommand<{ source: Cr3Source }>({
  name: 'set cr3-source',
  aliases: [],
  summary: 'how CR3 is learned on each debug event: the debug exit\'s cr3 field, KVM_GET_SREGS, or synced sregs',
  usage: 'set cr3-source exit|sregs|sync',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: set cr3-source exit|sregs|sync');
    return { source: oneOf(words[0], SOURCES, 'cr3 source') };
  },
  complete: (k) => (k === 0 ? [...SOURCES] : []),
  run(session, { source }) {
    callSync(() => {
      session.cr3Source = source;
    });
    return { kind: 'text', lines: [`CR3 source: ${session.cr3Source}.`] };
  },
});
