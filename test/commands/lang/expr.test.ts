import { describe, expect, it } from 'vitest';
import { SymbolTable } from '../../../src/core/loader/symbols.ts';
import type { ElfSymbol } from '../../../src/core/loader/elf.ts';
import { evaluate, parseNumber, type ExprContext } from '../../../src/commands/lang/expr.ts';
import { CommandError } from '../../../src/commands/errors.ts';

const sym = (name: string, value: bigint, size = 16): ElfSymbol => ({ name, value, size, type: 'func', global: true });
const symbols = new SymbolTable([sym('counter_main', 0x401000n), sym('counter_loop', 0x401018n), sym('counter_value', 0x402000n, 8)]);

/** A tiny context: registers without APX, memory at 0x402000 (one qword) and 0x7000 (a pointer). */
function ctx(apx = false): ExprContext {
  const regs: Record<string, bigint> = { rax: 5n, rbx: 0x402000n, rsp: 0x7000n, rip: 0x401020n, cr3: 0x203000n, dr7: 0x400n, xcr0: 3n, rflags: 2n };
  if (apx) for (let k = 16; k < 32; k++) regs[`r${k}`] = BigInt(k);
  const mem = new Map<bigint, bigint>([
    [0x402000n, 0x1122334455667788n],
    [0x7000n, 0x402000n],
  ]);
  return {
    registers: () => regs,
    symbols,
    readVirtual(addr, len) {
      const v = mem.get(addr);
      if (v === undefined || len !== 8) throw new Error(`page walk: PML4E for 0x${addr.toString(16)} not present`);
      const b = new Uint8Array(8);
      for (let k = 0; k < 8; k++) b[k] = Number((v >> BigInt(8 * k)) & 0xffn);
      return b;
    },
  };
}

describe('evaluate', () => {
  it.each<[string, bigint]>([
    ['42', 42n],
    ['0x2a', 42n],
    ['0X2A', 42n],
    ['$rax', 5n],
    ['$RAX', 5n],
    ['$pc', 0x401020n],
    ['$rax+8', 13n],
    ['$rax + 8 * 2', 21n],
    ['($rax + 8) * 2', 26n],
    ['-1', 0xffffffffffffffffn],
    ['$rax - 6', 0xffffffffffffffffn],
    ['counter_main', 0x401000n],
    ['counter_loop+8', 0x401020n],
    ['counter_main + 0x10 - 1', 0x40100fn],
    ['*counter_value', 0x1122334455667788n],
    ['*$rbx', 0x1122334455667788n],
    ['**$rsp', 0x1122334455667788n],
    ['*($rsp)', 0x402000n],
    ['$cr3', 0x203000n],
    ['$dr7', 0x400n],
    ['$xcr0', 3n],
    ['0xffffffffffffffff + 1', 0n],
  ])('%s', (text, want) => {
    expect(evaluate(text, ctx())).toBe(want);
  });

  it('APX registers exist only on a vCPU with APX', () => {
    expect(evaluate('$r16 + $r31', ctx(true))).toBe(47n);
  });

  it.each<[string, string, string, string | undefined]>([
    ['$r16', 'no-such-reg', 'register $r16 does not exist on this vCPU (R16–R31 need APX)', undefined],
    ['$dr6', 'no-such-reg', 'register $dr6 does not exist on this vCPU', undefined],
    ['$rxa', 'no-such-reg', "unknown register '$rxa'", "did you mean '$rax'?"],
    ['$', 'bad-args', "the value history is empty ('$' is the last value printed)", undefined],
    ['$7', 'bad-args', 'the value history has no $7', undefined],
    ['$_', 'bad-args', 'convenience variable $_ is not set', undefined],
    ['1 / 0', 'bad-args', "division by zero in '1 / 0'", undefined],
    ['5 % (2 - 2)', 'bad-args', "division by zero in '5 % (2 - 2)'", undefined],
    ['&$rax', 'bad-args', "attempt to take the address of a value not in memory in '&$rax'", undefined],
    ['&5', 'bad-args', "attempt to take the address of a value not in memory in '&5'", undefined],
    ['{foo} 1', 'bad-args', "expected a type after '{' in '{foo} 1'", undefined],
    ['(long long long)1', 'bad-args', "unknown type 'long long long' in '(long long long)1'", undefined],
    ['1 @ 2', 'bad-args', "unexpected '@' in '1 @ 2'", undefined],
    ['cuonter_main', 'no-symbol', "no symbol 'cuonter_main' in the image", "did you mean 'counter_main'?"],
    ['nosuchthing', 'no-symbol', "no symbol 'nosuchthing' in the image", undefined],
    ['12ab', 'bad-number', "bad number '12ab'", undefined],
    ['0x', 'bad-number', "bad number '0x'", undefined],
    ['0x10000000000000000', 'bad-number', "number '0x10000000000000000' does not fit in 64 bits", undefined],
    ['', 'bad-args', 'missing expression', undefined],
    ['1 +', 'bad-args', "incomplete expression '1 +'", undefined],
    ['(1 + 2', 'bad-args', "missing ')' in '(1 + 2'", undefined],
    ['1 2', 'bad-args', "unexpected '2' in '1 2'", undefined],
    ['*0x9000', 'unreadable', 'cannot read 0x0000000000009000: page walk: PML4E for 0x9000 not present', undefined],
  ])('%j fails', (text, code, message, hint) => {
    let err: unknown;
    try {
      evaluate(text, ctx());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CommandError);
    const e = err as CommandError;
    expect([e.code, e.message, e.hint]).toEqual([code, message, hint]);
  });

  it('an unreadable *addr keeps the page walk failure as its cause', () => {
    try {
      evaluate('*0x9000', ctx());
    } catch (e) {
      expect((e as CommandError).cause).toBeInstanceOf(Error);
    }
  });

  it('parseNumber', () => {
    expect(parseNumber('0x401000')).toBe(0x401000n);
    expect(parseNumber('-2')).toBe(0xfffffffffffffffen);
    expect(() => parseNumber('1.5')).toThrow("bad number '1.5'");
  });
});

describe('gdb expressions: operators, casts, typed reads, history (issue 14)', () => {
  const data: ElfSymbol = { name: 'count', value: 0x5000n, size: 8, type: 'object', global: true };
  const syms = new SymbolTable([sym('counter_main', 0x401000n), data]);
  /** Byte-addressed memory: 0x5000 holds 0xfffffffe_000000ff (little-endian), 0x6000 a pointer to it. */
  function bctx(vars: Record<string, bigint> = {}): ExprContext {
    const mem = new Map<bigint, number>();
    const put = (a: bigint, v: bigint) => {
      for (let k = 0; k < 8; k++) mem.set(a + BigInt(k), Number((v >> BigInt(8 * k)) & 0xffn));
    };
    put(0x5000n, 0xfffffffe000000ffn);
    put(0x6000n, 0x5000n);
    return {
      registers: () => ({ rax: 0xfffffffffffffff9n, rbx: 2n, rip: 0x401000n, rsp: 0x6000n }),
      symbols: syms,
      readVirtual(addr, len) {
        const out = new Uint8Array(len);
        for (let k = 0; k < len; k++) {
          const b = mem.get(addr + BigInt(k));
          if (b === undefined) throw new Error(`page walk: 0x${(addr + BigInt(k)).toString(16)} not present`);
          out[k] = b;
        }
        return out;
      },
      variable: (n) => vars[n],
    };
  }
  const M = (v: bigint) => BigInt.asUintN(64, v);

  it.each<[string, bigint]>([
    ['10/3', 3n],
    ['10 % 3', 1n],
    ['-7/2', M(-3n)],
    ['$rax / 2', M(-3n)], // $rax is a signed long, as in gdb
    ['$rip / 2', 0x200800n],
    ['1 << 4 | 1', 17n],
    ['0xf0 & 0x3c ^ 1', 0x31n],
    ['~0', M(-1n)],
    ['!0 + !5', 1n],
    ['$rip == 0x401000', 1n],
    ['$rip != 0x401000', 0n],
    ['$rax < 0', 1n],
    ['$rip < 0', 0n],
    ['1 < 2 && 2 <= 2 && 3 >= 4 || 1 > 0', 1n],
    ['-16 >> 2', M(-4n)],
    ['&count', 0x5000n],
    ['&counter_main', 0x401000n],
    ['(long)count', M(0xfffffffe000000ffn)],
    ['(int)count', 0xffn],
    ['(char)count', M(-1n)],
    ['(unsigned char)count', 0xffn],
    ['(unsigned long)&count', 0x5000n],
    ['(char)0x1ff', M(-1n)],
    ['(short)0x18000', M(-0x8000n)],
    ['(unsigned int)-1', 0xffffffffn],
    ['{int} 0x5004', M(-2n)],
    ['{unsigned int} 0x5004', 0xfffffffen],
    ['{uint8_t} &count', 0xffn],
    ['*(int *)0x5004', M(-2n)],
    ['*(unsigned short *)$rsp', 0x5000n],
    ['**(long **)$rsp', M(0xfffffffe000000ffn)],
    ['(int *)0x5000 + 1', 0x5004n],
    ['&*(int *)0x5004', 0x5004n],
    ["'A' + 1", 66n],
    ["'\\n'", 10n],
    ['$ + 1', 43n],
    ['$$', 41n],
    ['$$2', 40n],
    ['$1', 40n],
    ['$_', 0x5000n],
    ['$__', 7n],
  ])('%s', (text, want) => {
    expect(evaluate(text, bctx({ '': 42n, $: 41n, $2: 40n, '1': 40n, _: 0x5000n, __: 7n }))).toBe(want);
  });

  it('5,000 parentheses deep is a clear error, not a stack overflow (issue 10 item 17)', () => {
    const deep = `${'('.repeat(5000)}1${')'.repeat(5000)}`;
    expect(() => evaluate(deep, bctx())).toThrow(/^expression nested too deeply \(more than 256 levels/);
    expect(() => evaluate(`${'-'.repeat(5000)}1`, bctx())).toThrow(/nested too deeply/);
    expect(evaluate(`${'('.repeat(200)}1${')'.repeat(200)}`, bctx())).toBe(1n);
  });
});
