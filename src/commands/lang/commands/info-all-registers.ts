import { defineCommand } from '../command.ts';
import { REGISTER_NAMES } from '../expr.ts';
import { fpuRows } from '../fpu-rows.ts';
import { FPU_REGISTER_NAMES } from '../fpu-values.ts';
import { noArgs } from '../parse.ts';

export const infoAllRegistersCommand = defineCommand<void>({
  name: 'info all-registers',
  aliases: [],
  summary: "every register: `info registers all`, then st0–st7, fctrl…fop, xmm0–xmm15, mxcsr in gdb's layout",
  usage: 'info all-registers',
  parse: (input) => noArgs(input, 'info all-registers'),
  run(session) {
    const regs = session.registers();
    return {
      kind: 'registers',
      group: 'all-registers',
      values: REGISTER_NAMES.filter((n) => n in regs).map((n) => [n, regs[n]]),
      fpu: fpuRows(session, FPU_REGISTER_NAMES),
    };
  },
});
