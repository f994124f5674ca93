/** The x87/SSE registers of `info registers $xmm0`, `info all-registers` and `info vector`, read once through the session. */
import type { SessionApi } from '../session/types.ts';
import { fpuRegisterRow } from './fpu-expr.ts';
import { callSync } from './helpers.ts';
import type { FpuRegisterRow } from './result.ts';

export function fpuRows(session: SessionApi, names: readonly string[]): FpuRegisterRow[] {
  const f = callSync(() => session.fpu());
  return names.map((n) => fpuRegisterRow(n, f));
}
