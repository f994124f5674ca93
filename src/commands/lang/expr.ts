/**
 * The expression evaluator of `print`, `x`, `break`, `set $REG = …`, gdb's
 * C-like language for a target without debug info: numbers (decimal or 0x
 * hex, 'c' characters), registers (`$rax`, `$r16`, `$rip`, `$cr3`, `$dr7`,
 * `$xcr0`, …; `$pc`/`$sp`/`$fp` as in gdb), symbols of the image (a bare
 * symbol is its address — vdbg's departure — and `&sym` too), the value
 * history (`$`, `$$`, `$$N`, `$N`) and `$_`/`$__`, `*ADDR` (a qword through
 * the current CR3, or the pointee of a typed pointer), casts `(long)`,
 * `(unsigned char *)`, `{int} ADDR`, and C's binary operators with C's
 * precedence. Values are 64-bit two's complement; signedness follows the
 * types (literals are `long`), so `/`, `%`, `>>` and comparisons are signed
 * when both sides are.
 *
 * Pure over a small context, which a SessionApi satisfies as it is.
 */
import type { ElfSymbol } from '../../core/loader/elf.ts';
import type { SymbolTable } from '../../core/loader/symbols.ts';
import { quoted } from '../../core/printable.ts';
import type { FpuRegisters, RegisterSet } from '../session/types.ts';
import { CommandError, unreadableError } from '../errors.ts';
import { convert, type CType, INT, LONG, TYPE_WORDS, typeNamed, ULONG } from './ctypes.ts';
import { tokenize } from './expr-tokens.ts';
import { fpuInteger, type FpuPath, fpuValue, parseFpuPath } from './fpu-expr.ts';
import { didYouMean } from './suggest.ts';

export interface ExprContext {
  /** The vCPU's registers (R16–R31 only present with APX). */
  registers(): RegisterSet;
  readonly symbols: SymbolTable;
  /** Guest virtual memory through the current CR3; throws naming the page-walk failure. */
  readVirtual(addr: bigint, len: number): Uint8Array;
  /** The value history and convenience variables: `name` is what follows `$` (`''` the last value, `'$'` the one before, `'$2'`, `'3'`, `'_'`, `'__'`); undefined when unset. */
  variable?(name: string): bigint | undefined;
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
  if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new CommandError('bad-number', `bad number ${quoted(text)}`);
  const v = BigInt(t);
  if (v > MASK) throw new CommandError('bad-number', `number ${quoted(text)} does not fit in 64 bits`);
  return neg ? -v & MASK : v;
}

/** A small number (a count, a length): decimal or hex, at most `max`. */
export function parseCount(text: string, what: string, max = 0x7fffffff): number {
  // parseNumber wraps a leading '-' to 64 bits (-1 is 0xffff…), which for a count would read as "too large".
  if (text.startsWith('-')) throw new CommandError('bad-number', `bad ${what} ${quoted(text)} (a ${what} cannot be negative)`);
  let v: bigint;
  try {
    v = parseNumber(text);
  } catch {
    throw new CommandError('bad-number', `bad ${what} ${quoted(text)}`);
  }
  if (v > BigInt(max)) throw new CommandError('bad-number', `${what} ${quoted(text)} is too large (at most ${max})`);
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
  throw new CommandError('no-such-reg', `unknown register ${quoted(`$${name}`)}`, hint?.replace("'", "'$"));
}

/** A symbol's address, or 'no-symbol' with the nearest name as a hint. */
export function resolveSymbol(name: string, symbols: SymbolTable): bigint {
  const s = symbols.get(name);
  if (s !== undefined) return s.value;
  const names = symbols.symbols.map((x) => x.name).filter((x) => x !== '');
  throw new CommandError('no-symbol', `no symbol ${quoted(name)} in the image`, didYouMean(name, names));
}

/** A value: its 64-bit bits, its type, and where it lives when it is in memory (for `&`). */
export interface Value {
  v: bigint;
  type: CType;
  /** The address of the value when it is in memory (`*p`, `{int}a`, a symbol). */
  lval?: bigint;
  /** The symbol a bare name evaluated to (a cast of a data symbol reads it, as gdb does without debug info). */
  symbol?: ElfSymbol;
}

/**
 * Nesting limit of parentheses and unary operators: far beyond any typed
 * expression, well below what the recursive-descent parser's stack takes
 * (issue 10 item 17: 5,000 parentheses overflowed the JS stack).
 */
export const MAX_DEPTH = 256;

/** Registers gdb types as signed `long` (int64_t); the others (rip, rsp, rbp, control and debug registers) are unsigned. */
function registerType(name: string): CType {
  return /^r(ax|bx|cx|dx|si|di|\d+)$/.test(name) ? LONG : ULONG;
}

/** Read a little-endian integer of `size` bytes at `addr`, as CommandError 'unreadable' when it does not translate. */
export function readInt(ctx: Pick<ExprContext, 'readVirtual'>, addr: bigint, size: number): bigint {
  let b: Uint8Array;
  try {
    b = ctx.readVirtual(addr, size);
  } catch (e) {
    throw unreadableError(addr, e);
  }
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
  return v;
}

/** Read a little-endian qword at `addr` (for `*addr`). */
export function readQword(ctx: Pick<ExprContext, 'readVirtual'>, addr: bigint): bigint {
  return readInt(ctx, addr, 8);
}

const CHAR_ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39 };

/** Evaluate an expression to an unsigned 64-bit value. */
export function evaluate(text: string, ctx: ExprContext): bigint {
  return evaluateValue(text, ctx).v;
}

/**
 * Evaluate an expression to a typed value. C precedence, lowest first:
 * `||`, `&&`, `|`, `^`, `&`, `== !=`, `< > <= >=`, `<< >>`, `+ -`, `* / %`,
 * then unary `- ~ ! * &`, casts `(type)`, `{type} addr`, and primaries.
 */
export function evaluateValue(text: string, ctx: ExprContext): Value {
  const toks = tokenize(text.trim());
  if (toks.length === 0) throw new CommandError('bad-args', 'missing expression');
  let pos = 0;
  let depth = 0;
  let regs: RegisterSet | undefined;
  const peek = () => toks[pos];
  const isOp = (s: string) => toks[pos]?.t === 'op' && toks[pos].s === s;
  const bad = (what: string) => new CommandError('bad-args', `${what} in ${quoted(text)}`);
  const num = (v: bigint, type: CType = LONG): Value => ({ v: convert(v, type), type });
  const truth = (b: boolean): Value => ({ v: b ? 1n : 0n, type: INT });
  const signed = (a: Value, b: Value) => a.type.signed && b.type.signed;
  const sval = (x: Value) => BigInt.asIntN(64, x.v);

  function nest<T>(f: () => T): T {
    if (++depth > MAX_DEPTH) throw new CommandError('bad-args', `expression nested too deeply (more than ${MAX_DEPTH} levels of parentheses or unary operators)`);
    try {
      return f();
    } finally {
      depth--;
    }
  }

  /** One level of left-associative binary operators. */
  function level(ops: readonly string[], next: () => Value, apply: (op: string, a: Value, b: Value) => Value): () => Value {
    return () => {
      let v = next();
      for (;;) {
        const op = ops.find(isOp);
        if (op === undefined) return v;
        pos++;
        v = apply(op, v, next());
      }
    };
  }

  function arith(op: string, a: Value, b: Value): Value {
    // Pointer arithmetic scales by the pointee (gdb; `void *` by 1).
    if ((op === '+' || op === '-') && a.type.pointee && !b.type.pointee) {
      const step = BigInt(a.type.pointee.name === 'void' ? 1 : a.type.pointee.size);
      return { v: BigInt.asUintN(64, op === '+' ? a.v + b.v * step : a.v - b.v * step), type: a.type };
    }
    const type = signed(a, b) ? LONG : ULONG;
    const [x, y] = type.signed ? [sval(a), sval(b)] : [a.v, b.v];
    switch (op) {
      case '+':
        return num(x + y, type);
      case '-':
        return num(x - y, type);
      case '*':
        return num(x * y, type);
      default:
        if (y === 0n) throw new CommandError('bad-args', `division by zero in ${quoted(text)}`);
        // BigInt division truncates toward zero, as C's.
        return num(op === '/' ? x / y : x % y, type);
    }
  }

  const multiplicative = level(['*', '/', '%'], unary, arith);
  const additive = level(['+', '-'], multiplicative, arith);
  const shift = level(['<<', '>>'], additive, (op, a, b) => {
    const n = b.v > 63n ? 64n : b.v;
    if (op === '<<') return num(a.v << n, a.type.signed ? LONG : ULONG);
    return a.type.signed ? num(sval(a) >> n, LONG) : num(a.v >> n, ULONG);
  });
  const relational = level(['<=', '>=', '<', '>'], shift, (op, a, b) => {
    const [x, y] = signed(a, b) ? [sval(a), sval(b)] : [a.v, b.v];
    return truth(op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y);
  });
  const equality = level(['==', '!='], relational, (op, a, b) => truth((a.v === b.v) === (op === '==')));
  const bitAnd = level(['&'], equality, (_op, a, b) => num(a.v & b.v, signed(a, b) ? LONG : ULONG));
  const bitXor = level(['^'], bitAnd, (_op, a, b) => num(a.v ^ b.v, signed(a, b) ? LONG : ULONG));
  const bitOr = level(['|'], bitXor, (_op, a, b) => num(a.v | b.v, signed(a, b) ? LONG : ULONG));
  const logAnd = level(['&&'], bitOr, (_op, a, b) => truth(a.v !== 0n && b.v !== 0n));
  const logOr = level(['||'], logAnd, (_op, a, b) => truth(a.v !== 0n || b.v !== 0n));
  const expr = logOr;

  /** `(type)` or `{type}` at pos (after the opening bracket): the type, pos past the closing one; undefined when no type starts here. */
  function typeAt(close: ')' | '}'): CType | undefined {
    const start = pos;
    const words: string[] = [];
    while (peek()?.t === 'sym' && TYPE_WORDS.has(peek().s)) words.push(toks[pos++].s);
    if (words.length === 0) {
      pos = start;
      return undefined;
    }
    let stars = 0;
    while (isOp('*')) {
      pos++;
      stars++;
    }
    const t = typeNamed(words, stars);
    if (t === undefined || !isOp(close)) {
      // `(int x)`, `(long long long)`: a type word, but no type this language knows.
      if (close === '}' || isOp(close)) throw bad(`unknown type ${quoted(words.join(' ') + ' *'.repeat(stars))}`);
      pos = start;
      return undefined;
    }
    pos++;
    return t;
  }

  /** The value of type `t` in memory at `addr`. */
  function load(addr: bigint, t: CType): Value {
    return { v: convert(readInt(ctx, addr, t.size), t), type: t, lval: addr };
  }

  function unary(): Value {
    return nest(unaryInner);
  }
  function unaryInner(): Value {
    const t = peek();
    if (t === undefined) throw new CommandError('bad-args', `incomplete expression ${quoted(text)}`);
    if (t.t !== 'op') return primary();
    pos++;
    switch (t.s) {
      case '-': {
        const a = unary();
        return num(-a.v, a.type.signed ? LONG : ULONG);
      }
      case '~': {
        const a = unary();
        return num(~a.v, a.type.signed ? LONG : ULONG);
      }
      case '!':
        return truth(unary().v === 0n);
      case '*': {
        const a = unary();
        // Through a pointer, its pointee; otherwise a qword (vdbg's `*ADDR`).
        const pt = a.type.pointee && a.type.pointee.name !== 'void' ? a.type.pointee : ULONG;
        return load(a.v, pt);
      }
      case '&': {
        const a = unary();
        if (a.lval === undefined) throw bad('attempt to take the address of a value not in memory');
        return { v: a.lval, type: { name: `${a.type.name} *`, size: 8, signed: false, pointee: a.type } };
      }
      case '{': {
        const ty = typeAt('}');
        if (ty === undefined) throw bad("expected a type after '{'");
        return load(unary().v, ty);
      }
      case '(': {
        const ty = typeAt(')');
        if (ty !== undefined) {
          const a = unary();
          // A data symbol without debug info is read as the type it is cast to (gdb: "cast it to its declared type").
          if (a.symbol?.type === 'object') return load(a.symbol.value, ty);
          return { v: convert(a.v, ty), type: ty };
        }
        const v = expr();
        if (!isOp(')')) throw new CommandError('bad-args', `missing ')' in ${quoted(text)}`);
        pos++;
        return { ...v, symbol: undefined };
      }
      default:
        throw bad(`unexpected ${quoted(t.s)}`);
    }
  }

  function primary(): Value {
    const t = toks[pos++];
    switch (t.t) {
      case 'num':
        return num(parseNumber(t.s));
      case 'char': {
        const c = t.s.length === 2 ? CHAR_ESCAPES[t.s[1]] : t.s.charCodeAt(0);
        if (c === undefined) throw bad(`bad character ${quoted(t.s)}`);
        return num(BigInt(c), BASE_CHAR);
      }
      case 'reg': {
        const fp = ctx.fpu ? parseFpuPath(`$${t.s}`) : null;
        if (fp !== null) return fpuOperand(fp, ctx.fpu!());
        regs ??= ctx.registers();
        const name = resolveRegister(t.s, regs);
        return { v: regs[name] & MASK, type: registerType(name) };
      }
      case 'var': {
        const v = ctx.variable?.(t.s);
        if (v === undefined) throw new CommandError('bad-args', variableMissing(t.s));
        return { v: v & MASK, type: LONG };
      }
      case 'sym': {
        const sym = ctx.symbols.get(t.s);
        if (sym === undefined) resolveSymbol(t.s, ctx.symbols);
        return { v: sym!.value, type: ULONG, lval: sym!.value, symbol: sym };
      }
      default:
        throw bad(`unexpected ${quoted(t.s)}`);
    }
  }

  const v = expr();
  if (pos < toks.length) throw bad(`unexpected ${quoted(toks[pos].s)}`);
  return v;
}

const BASE_CHAR = typeNamed(['char'], 0)!;

/**
 * An integer-valued x87/SSE path (`$fctrl`, `$mxcsr`, `$xmm0.v2_int64[1]`,
 * fpu-expr.ts) as an operand, typed by its element: `int64_t` for a
 * v2_int64 lane, `uint16_t` for fctrl…, so that print/FMT shows it at its
 * width; floats and whole vectors refuse (print shows them on their own).
 */
function fpuOperand(p: FpuPath, f: FpuRegisters): Value {
  const v = fpuInteger(p, f);
  const e = fpuValue(p, f);
  const bits = e.kind === 'int' ? e.bits : 64;
  const type = bits > 64 ? ULONG : typeNamed([`${e.kind === 'int' && e.signed ? '' : 'u'}int${Math.max(8, bits)}_t`], 0) ?? ULONG;
  return { v: convert(v, type), type };
}

function variableMissing(name: string): string {
  if (name === '') return "the value history is empty ('$' is the last value printed)";
  if (name.startsWith('$') || /^[0-9]+$/.test(name)) return `the value history has no $${name}`;
  return `convenience variable $${name} is not set`;
}
