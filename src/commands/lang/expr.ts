/**
 * The expression evaluator of `print`, `x`, `break`, `set $REG = …`:
 * numbers (decimal or 0x hex), registers (`$rax`, `$r16`, `$rip`, `$cr3`,
 * `$dr7`, `$xcr0`, …; `$pc`/`$sp`/`$fp` as in gdb), symbols of the image,
 * `symbol+offset`, `*ADDR` (a qword read through the current CR3), binary
 * `+ - *`, unary `-`, and parentheses. Values are unsigned 64-bit (wrapping).
 *
 * Pure over a small context, which a SessionApi satisfies as it is.
 */
import type { SymbolTable } from '../../core/loader/symbols.ts';
import type { FpuRegisters, RegisterSet } from '../session/types.ts';
import { CommandError, unreadableError } from '../errors.ts';
import { fpuInteger, parseFpuPath } from './fpu-expr.ts';
import { didYouMean } from './suggest.ts';

export interface ExprContext {
  /** The vCPU's registers (R16–R31 only present with APX). */
  registers(): RegisterSet;
  readonly symbols: SymbolTable;
  /** Guest virtual memory through the current CR3; throws naming the page-walk failure. */
  readVirtual(addr: bigint, len: number): Uint8Array;
  /** The x87/SSE registers, for `$fctrl`, `$mxcsr`, `$xmm0.v2_int64[0]` … (fpu-expr.ts). */
  fpu?(): FpuRegisters;
}

/** Every register name the language knows, in `info registers all` order. */
export const REGISTER_NAMES: readonly string[] = [
  'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  ...Array.from({ length: 16 }, (_, k) => `r${16 + k}`),
  'rip', 'rflags', 'cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer',
  'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'xcr0',
];
const KNOWN = new Set(REGISTER_NAMES);
/** gdb's generic names. */
export const REGISTER_ALIASES: Readonly<Record<string, string>> = { pc: 'rip', sp: 'rsp', fp: 'rbp', eflags: 'rflags' };

const MASK = (1n << 64n) - 1n;

/** Parse a number: decimal or 0x hex (an optional leading `-` wraps to 64 bits). */
export function parseNumber(text: string): bigint {
  const neg = text.startsWith('-');
  const t = neg ? text.slice(1) : text;
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new CommandError('bad-number', `bad number '${text}'`);
  const v = BigInt(t);
  if (v > MASK) throw new CommandError('bad-number', `number '${text}' does not fit in 64 bits`);
  return neg ? -v & MASK : v;
}

/** A small number (a count, a length): decimal or hex, at most `max`. */
export function parseCount(text: string, what: string, max = 0x7fffffff): number {
  let v: bigint;
  try {
    v = parseNumber(text);
  } catch {
    throw new CommandError('bad-number', `bad ${what} '${text}'`);
  }
  if (v > BigInt(max)) throw new CommandError('bad-number', `${what} ${text} is too large (at most ${max})`);
  return Number(v);
}

/** Canonical register name for `name` (without `$`), or a CommandError: unknown, or absent on this vCPU. */
export function resolveRegister(name: string, regs: RegisterSet): string {
  const n = REGISTER_ALIASES[name.toLowerCase()] ?? name.toLowerCase();
  if (n in regs) return n;
  if (KNOWN.has(n)) {
    const why = /^r(1[6-9]|2\d|3[01])$/.test(n) ? ' (R16–R31 need APX)' : '';
    throw new CommandError('no-such-reg', `register $${name} does not exist on this vCPU${why}`);
  }
  const hint = didYouMean(n, Object.keys(regs));
  throw new CommandError('no-such-reg', `unknown register '$${name}'`, hint?.replace("'", "'$"));
}

/** A symbol's address, or 'no-symbol' with the nearest name as a hint. */
export function resolveSymbol(name: string, symbols: SymbolTable): bigint {
  const s = symbols.get(name);
  if (s !== undefined) return s.value;
  const names = symbols.symbols.map((x) => x.name).filter((x) => x !== '');
  throw new CommandError('no-symbol', `no symbol '${name}' in the image`, didYouMean(name, names));
}

type Tok = { t: 'num' | 'reg' | 'sym' | 'op'; s: string };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if ('+-*()'.includes(c)) {
      out.push({ t: 'op', s: c });
      i++;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9A-Za-z_]+/.exec(text.slice(i))!;
      out.push({ t: 'num', s: m[0] });
      i += m[0].length;
    } else if (c === '$') {
      // `$xmm0.v2_int64[1]`: an x87/SSE register path is one token (fpu-expr.ts).
      const m = /^\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?(?:\[[0-9]+\])?/.exec(text.slice(i))!;
      if (m[0].length === 1) throw new CommandError('bad-args', `'$' without a register name in '${text}'`);
      out.push({ t: 'reg', s: m[0].slice(1) });
      i += m[0].length;
    } else if (/[A-Za-z_.]/.test(c)) {
      const m = /^[A-Za-z_.][A-Za-z0-9_.@]*/.exec(text.slice(i))!;
      out.push({ t: 'sym', s: m[0] });
      i += m[0].length;
    } else {
      throw new CommandError('bad-args', `unexpected '${c}' in '${text}'`);
    }
  }
  return out;
}

/** Read a little-endian qword at `addr` (for `*addr`), as CommandError 'unreadable' when it does not translate. */
export function readQword(ctx: Pick<ExprContext, 'readVirtual'>, addr: bigint): bigint {
  let b: Uint8Array;
  try {
    b = ctx.readVirtual(addr, 8);
  } catch (e) {
    throw unreadableError(addr, e);
  }
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
  return v;
}

/** Evaluate an expression to an unsigned 64-bit value. */
export function evaluate(text: string, ctx: ExprContext): bigint {
  const toks = tokenize(text.trim());
  if (toks.length === 0) throw new CommandError('bad-args', 'missing expression');
  let pos = 0;
  let regs: RegisterSet | undefined;
  const peek = () => toks[pos];
  const isOp = (s: string) => toks[pos]?.t === 'op' && toks[pos].s === s;

  function expr(): bigint {
    let v = term();
    while (isOp('+') || isOp('-')) {
      const op = toks[pos++].s;
      const r = term();
      v = (op === '+' ? v + r : v - r) & MASK;
    }
    return v;
  }
  function term(): bigint {
    let v = unary();
    while (isOp('*')) {
      pos++;
      v = (v * unary()) & MASK;
    }
    return v;
  }
  function unary(): bigint {
    const t = peek();
    if (t === undefined) throw new CommandError('bad-args', `incomplete expression '${text}'`);
    if (t.t === 'op') {
      pos++;
      if (t.s === '-') return -unary() & MASK;
      if (t.s === '*') return readQword(ctx, unary());
      if (t.s === '(') {
        const v = expr();
        if (!isOp(')')) throw new CommandError('bad-args', `missing ')' in '${text}'`);
        pos++;
        return v;
      }
      throw new CommandError('bad-args', `unexpected '${t.s}' in '${text}'`);
    }
    pos++;
    if (t.t === 'num') return parseNumber(t.s);
    if (t.t === 'reg') {
      const fp = parseFpuPath(`$${t.s}`);
      if (fp !== null && ctx.fpu) return fpuInteger(fp, ctx.fpu());
      regs ??= ctx.registers();
      return regs[resolveRegister(t.s, regs)] & MASK;
    }
    return resolveSymbol(t.s, ctx.symbols);
  }

  const v = expr();
  if (pos < toks.length) throw new CommandError('bad-args', `unexpected '${toks[pos].s}' in '${text}'`);
  return v;
}
