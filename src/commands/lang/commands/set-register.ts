import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { resolveRegister } from '../expr.ts';
import { assignFpu, fpuTakesFloat, parseFpuPath, type FpuAssigned } from '../fpu-expr.ts';
import { callSync, evalIn } from '../helpers.ts';
import type { SessionApi } from '../../session/types.ts';

/** A decimal floating-point literal (`1.5`, `-2e-3`, `inf`, `nan`) for x87/SSE floating-point targets. */
const FLOAT_LITERAL = /^[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|inf|nan)$/i;
/** A number literal up to 128 bits (`set $xmm0.uint128 = 0x…`). */
const WIDE_LITERAL = /^(0[xX][0-9a-fA-F]{1,32}|\d{1,39})$/;

function setFpu(session: SessionApi, path: string, expr: string): void {
  const p = parseFpuPath(path)!;
  const f = callSync(() => session.fpu());
  let x: FpuAssigned;
  if (fpuTakesFloat(p, f) && FLOAT_LITERAL.test(expr)) x = { float: Number(expr.replace(/^([-+]?)inf$/i, '$1Infinity')) };
  else if (WIDE_LITERAL.test(expr)) x = { int: BigInt(expr) };
  else x = { int: evalIn(session, expr) };
  assignFpu(p, f, x);
  callSync(() => session.setFpu(f));
}

export const setRegisterCommand = defineCommand<{ reg: string; expr: string }>({
  name: 'set',
  aliases: [],
  summary: 'write a register (through the uAPI); x87/SSE too: $st0, $mxcsr, $xmm1.v2_int64[0], $xmm0.v4_float[1] = 1.5',
  usage: 'set $REG = VALUE',
  parse({ rest }) {
    const m = /^\$([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?(?:\[[0-9]+\])?)\s*=\s*(\S.*)$/.exec(rest);
    if (!m) throw new CommandError('bad-args', `usage: set $REG = VALUE (or set cr3-source …, set output …)`);
    return { reg: m[1], expr: m[2].trim() };
  },
  run(session, { reg, expr }) {
    if (parseFpuPath(`$${reg}`) !== null) {
      setFpu(session, `$${reg}`, expr);
      return { kind: 'none' };
    }
    const name = resolveRegister(reg, session.registers());
    const value = evalIn(session, expr);
    callSync(() => session.setRegister(name, value), 'no-such-reg');
    return { kind: 'none' };
  },
});
