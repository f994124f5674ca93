import { CommandError } from '../../errors.ts';
import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';
import { counterTable } from './info-exits.ts';

/**
 * The emulator's JIT counters (src/emu/jit/stats.ts), all of them; `info
 * exits` sums them up in a line under the hypervisor's counters.
 */
export const infoJitCommand = defineCommand<void>({
  name: 'info jit',
  aliases: [],
  summary: "the emulator's JIT: regions compiled, JS size, invalidations, flushes, share of instructions run compiled",
  usage: 'info jit',
  parse: (input) => noArgs(input, 'info jit'),
  run(session) {
    const c = session.jitCounters();
    if (c === null) throw new CommandError('unsupported', 'no JIT here: kvm runs guest code natively (--backend emu has one)');
    return counterTable('jit', c);
  },
});
