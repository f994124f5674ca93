import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { fpuValue, fpuValueText, parseFpuPath } from '../fpu-expr.ts';
import { callSync, evalIn, symbolNames, symbolOf } from '../helpers.ts';

export const printCommand = defineCommand<{ expr: string }>({
  name: 'print',
  aliases: ['p'],
  summary: 'value of a register or memory expression ($rax+8, *addr, symbol+off; $xmm0, $st0, $xmm1.v4_float[2] as gdb shows them)',
  usage: 'print EXPR',
  parse({ rest }) {
    if (rest === '') throw new CommandError('bad-args', 'missing expression (usage: print EXPR)');
    return { expr: rest };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, { expr }) {
    // An x87/SSE register path on its own prints in gdb's natural form (the vec128 union, %g floats).
    const fp = parseFpuPath(expr);
    if (fp !== null) return { kind: 'fpu-value', expr, text: fpuValueText(fpuValue(fp, callSync(() => session.fpu()))) };
    const value = evalIn(session, expr);
    return { kind: 'value', expr, value, symbol: symbolOf(session, value) };
  },
});
