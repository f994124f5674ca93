import type { SessionApi } from '../../session/types.ts';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { fpuValue, fpuValueText, parseFpuPath } from '../fpu-expr.ts';
import { callSync, evalValueIn, symbolNames, symbolOf } from '../helpers.ts';
import { parsePrintFormat, type PrintFormat } from '../print-format.ts';
import type { Result } from '../result.ts';
import { langState } from '../state.ts';

/** The value of `expr` as a print result (not yet in the history). */
export function printValue(session: SessionApi, expr: string, format?: PrintFormat): Extract<Result, { kind: 'value' }> {
  const v = evalValueIn(session, expr);
  const r: Extract<Result, { kind: 'value' }> = { kind: 'value', expr, value: v.v, symbol: symbolOf(session, v.v), size: v.type.size, signed: v.type.signed };
  if (format !== undefined) r.format = format;
  return r;
}

export const printCommand = defineCommand<{ expr: string; format?: PrintFormat }>({
  name: 'print',
  aliases: ['p', 'inspect'],
  summary: 'value of an expression ($rax+8, *addr, &sym, (int)x, {long}addr, a == b, 10/3; $xmm0, $st0, $xmm1.v4_float[2] as gdb shows them); print/FMT: x d u o t c a z',
  usage: 'print[/FMT] EXPR',
  takesSuffix: true,
  parse({ rest, suffix }) {
    const format = parsePrintFormat(suffix);
    if (rest === '') throw new CommandError('bad-args', 'missing expression (usage: print[/FMT] EXPR)');
    return format === undefined ? { expr: rest } : { expr: rest, format };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, { expr, format }) {
    // An x87/SSE register path on its own prints in gdb's natural form (the vec128 union, %g floats);
    // with /FMT an integer-valued path is an ordinary typed value (`p/x $xmm0.v2_int64[0]`), and a float or vector says so.
    const fp = format === undefined ? parseFpuPath(expr) : null;
    if (fp !== null) return { kind: 'fpu-value', expr, text: fpuValueText(fpuValue(fp, callSync(() => session.fpu()))) };
    const r = printValue(session, expr, format);
    // gdb's value history: $1, $2, … ($ the last); `print` with no value (`p $`) is not gdb's empty print.
    r.history = langState(session).record(r.value);
    return r;
  },
});
