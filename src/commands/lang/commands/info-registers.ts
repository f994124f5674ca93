import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { REGISTER_NAMES, resolveRegister } from '../expr.ts';
import { fpuRows } from '../fpu-rows.ts';
import { FPU_REGISTER_NAMES } from '../fpu-values.ts';
import type { RegisterGroup } from '../result.ts';

const GROUPS: Record<Exclude<RegisterGroup, 'all' | 'all-registers' | 'vector'>, readonly string[]> = {
  gpr: [...REGISTER_NAMES.slice(0, 16), 'rip', 'rflags'],
  apx: REGISTER_NAMES.slice(16, 32),
  cr: ['cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer'],
  dr: ['dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7'],
  xcr: ['xcr0'],
};
const GROUP_NAMES = ['gpr', 'apx', 'cr', 'dr', 'xcr', 'all'] as const;

type Args = { group: Exclude<RegisterGroup, 'all-registers' | 'vector'> } | { names: string[] };

export const infoRegistersCommand = defineCommand<Args>({
  name: 'info registers',
  aliases: ['regs', 'i r', 'info r'],
  summary: 'register values (gpr, apx, cr, dr, xcr, all, or named registers with or without $, $xmm0/$st0/$mxcsr too); $r16–$r31 only with APX',
  usage: 'info registers [gpr|apx|cr|dr|xcr|all|REG…]',
  parse({ words }) {
    if (words.length === 0) return { group: 'gpr' };
    if (words.length === 1 && (GROUP_NAMES as readonly string[]).includes(words[0].toLowerCase())) return { group: words[0].toLowerCase() as Exclude<RegisterGroup, 'all-registers' | 'vector'> };
    // gdb takes register names with or without `$` (`info registers rip`).
    return { names: words.map((w) => w.replace(/^\$/, '')) };
  },
  complete: (k) => (k === 0 ? [...GROUP_NAMES] : []),
  run(session, args) {
    const regs = session.registers();
    if ('names' in args) {
      // x87/SSE names (`$xmm0`, `$st0`, `$mxcsr`) come after the others, in gdb's layout.
      const fpuNames = args.names.filter((n) => FPU_REGISTER_NAMES.includes(n.toLowerCase()));
      const names = args.names.filter((n) => !fpuNames.includes(n)).map((n) => resolveRegister(n, regs));
      const fpu = fpuNames.length > 0 ? fpuRows(session, fpuNames.map((n) => n.toLowerCase())) : undefined;
      return { kind: 'registers', group: 'all', values: names.map((n) => [n, regs[n]]), ...(fpu ? { fpu } : {}) };
    }
    if (args.group === 'apx' && !('r16' in regs)) throw new CommandError('no-such-reg', 'this vCPU has no APX: R16–R31 do not exist');
    const names = args.group === 'all' ? REGISTER_NAMES : GROUPS[args.group];
    return { kind: 'registers', group: args.group, values: names.filter((n) => n in regs).map((n) => [n, regs[n]]) };
  },
});
