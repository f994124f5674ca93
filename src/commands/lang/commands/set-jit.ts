import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { oneOf } from '../parse.ts';

/** The emulator's JIT (src/emu/jit, docs/emu.md "JIT"): off runs every instruction in the interpreter, to compare. */
export const setJitCommand = defineCommand<{ on: boolean }>({
  name: 'set jit',
  aliases: [],
  summary: "the emulator's JIT compiler (off: interpreter only)",
  usage: 'set jit on|off',
  parse({ words }) {
    if (words.length !== 1) throw new CommandError('bad-args', 'usage: set jit on|off');
    return { on: oneOf(words[0], ['on', 'off'] as const, 'jit setting') === 'on' };
  },
  complete: (k) => (k === 0 ? ['on', 'off'] : []),
  run(session, { on }) {
    session.setJit(on);
    return { kind: 'text', lines: [on ? 'JIT on: hot guest code runs compiled.' : 'JIT off: the interpreter runs every instruction.'] };
  },
});
