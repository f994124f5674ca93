import { CommandError } from '../../errors.ts';
import { defineCommand } from '../command.ts';
import { noArgs } from '../parse.ts';
import { counterTable } from './info-exits.ts';

/**
 * The emulator's JIT counters (src/emu/jit/stats.ts). Not part of `info exits`:
 * that table is the hypervisor's and reads the same with the JIT on and off.
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
