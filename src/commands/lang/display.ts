/**
 * Auto-display (gdb's `display`): each display's expression shown after
 * every stop, as `print` (or `x` for `display/i $pc`, `display/4xg $sp`)
 * would, without entering the value history.
 */
import type { SessionApi } from '../session/types.ts';
import { asCommandError } from '../errors.ts';
import { examine } from './commands/x.ts';
import { printValue } from './commands/print.ts';
import { evalIn } from './helpers.ts';
import type { XSpec } from './parse.ts';
import type { Result } from './result.ts';
import type { Display } from './state.ts';

/** `8xg`, `1i`: an x display's format as written back (no unit for i and s). */
export function xSuffix(x: XSpec): string {
  return `${x.count}${x.format}${x.format === 'i' || x.format === 's' ? '' : x.unit}`;
}

export function showDisplay(session: SessionApi, d: Display): Result {
  let inner: Result;
  try {
    inner = d.x ? examine(session, evalIn(session, d.expr), d.x) : printValue(session, d.expr, d.format);
  } catch (e) {
    inner = { kind: 'error', error: asCommandError(e) };
  }
  const label = d.x ? `x/${xSuffix(d.x)} ${d.expr}` : d.expr;
  return { kind: 'display', number: d.number, expr: label, inner };
}
