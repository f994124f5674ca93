/**
 * Tokens of an expression: numbers, character literals, registers (`$rax`),
 * history and convenience variables (`$`, `$$`, `$$2`, `$3`, `$_`, `$__`),
 * identifiers (symbols and type words) and operators, longest first.
 */
import { quoted } from '../../core/printable.ts';
import { CommandError } from '../errors.ts';

export type Tok = { t: 'num' | 'char' | 'reg' | 'var' | 'sym' | 'op'; s: string };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')', '{', '}'];

export function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const rest = text.slice(i);
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    let m: RegExpExecArray | null;
    if (op !== undefined) {
      out.push({ t: 'op', s: op });
      i += op.length;
    } else if (/[0-9]/.test(c)) {
      m = /^[0-9A-Za-z_]+/.exec(rest)!;
      out.push({ t: 'num', s: m[0] });
      i += m[0].length;
    } else if ((m = /^'(\\.|[^\\'])'/.exec(rest))) {
      out.push({ t: 'char', s: m[1] });
      i += m[0].length;
    } else if (c === '$') {
      // `$`, `$$`, `$$N`, `$N`, `$_`, `$__`, `$_name`: the value history and convenience variables; `$name`: a register.
      // `$xmm0.v2_int64[1]`: an x87/SSE register path is one token (fpu-expr.ts).
      m = /^\$(\$[0-9]*|[0-9]+|_[A-Za-z0-9_]*|[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?(?:\[[0-9]+\])?)?/.exec(rest)!;
      const name = m[1] ?? '';
      out.push({ t: name !== '' && /^[A-Za-z]/.test(name) ? 'reg' : 'var', s: name });
      i += m[0].length;
    } else if (/[A-Za-z_.]/.test(c)) {
      m = /^[A-Za-z_.][A-Za-z0-9_.@]*/.exec(rest)!;
      out.push({ t: 'sym', s: m[0] });
      i += m[0].length;
    } else {
      throw new CommandError('bad-args', `unexpected ${quoted(c)} in ${quoted(text)}`);
    }
  }
  return out;
}
