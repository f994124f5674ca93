import type { BackendName } from '../../../core/backend.ts';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { call } from '../helpers.ts';
import { oneOf } from '../parse.ts';

const NAMES: readonly BackendName[] = ['emu', 'kvm'];

export const backendCommand = defineCommand<{ name: BackendName }>({
  name: 'backend',
  aliases: [],
  summary: 'switch backend (resets)',
  usage: 'backend emu|kvm',
  parse({ words }) {
    if (words.length > 1) throw new CommandError('bad-args', 'usage: backend emu|kvm');
    return { name: oneOf(words[0], NAMES, 'backend') };
  },
  complete: (k) => (k === 0 ? [...NAMES] : []),
  async run(session, { name }) {
    await call(() => session.switchBackend(name));
    return { kind: 'text', lines: [`Backend ${session.backend}: ${session.imageName} reset.`] };
  },
});
