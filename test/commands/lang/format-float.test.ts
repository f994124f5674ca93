/**
 * gdb's float text (format-float.ts) and the float encodings (float-bits.ts).
 * Expected strings were printed by glibc's printf on this machine (gcc,
 * `%.17g`, `%.9g`, `%.4g`, `%.21Lg`, `% -+27.19Lg` on the same bit patterns).
 */
import { describe, expect, it } from 'vitest';
import { BFLOAT16, decodeFloat, DOUBLE, encodeFloat, HALF, SINGLE, X87_EXT } from '../../../src/commands/lang/float-bits.ts';
import { formatFloat, formatG } from '../../../src/commands/lang/format-float.ts';

const d = (x: number) => encodeFloat(DOUBLE, x);
const x87 = (se: number, sig: bigint) => (BigInt(se) << 64n) | sig;

describe('formatFloat / formatG: printf %.Ng on the exact binary value', () => {
  it.each([
    [0.1, '0.10000000000000001', '0.1'],
    [123456789.123, '123456789.123', '1.235e+08'],
    [0.0001234, '0.00012339999999999999', '0.0001234'],
    [1e21, '1e+21', '1e+21'],
    [12345678901234567890, '1.2345678901234567e+19', '1.235e+19'],
    [5e-324, '4.9406564584124654e-324', '4.941e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308', '1.798e+308'],
    [9.999999999999999e16, '99999999999999984', '1e+17'],
    [2 / 3, '0.66666666666666663', '0.6667'],
    [-1.5, '-1.5', '-1.5'],
  ])('%s as double', (x, g17, g4) => {
    expect(formatFloat(DOUBLE, d(x))).toBe(g17);
    expect(formatFloat(DOUBLE, d(x), { digits: 4 })).toBe(g4);
  });

  it('floats with 9 digits, the 80-bit format with 21 (and info float 19 with +)', () => {
    expect(formatFloat(SINGLE, encodeFloat(SINGLE, 0.1))).toBe('0.100000001');
    expect(formatFloat(SINGLE, 0x7f7fffffn)).toBe('3.40282347e+38');
    expect(formatFloat(X87_EXT, x87(0x4000, 0xc90fdaa22168c235n))).toBe('3.14159265358979323851');
    expect(formatFloat(X87_EXT, x87(0x3ffd, 0x9a209a84fbcff799n))).toBe('0.301029995663981195226');
    expect(formatFloat(X87_EXT, x87(0x0000, 1n))).toBe('3.64519953188247460253e-4951');
    expect(formatFloat(X87_EXT, x87(0x7ffe, 0xffffffffffffffffn))).toBe('1.18973149535723176502e+4932');
    expect(formatFloat(X87_EXT, x87(0x3ffb, 0xcccccccccccccccdn))).toBe('0.100000000000000000001');
    expect(formatFloat(X87_EXT, x87(0x4000, 0xc90fdaa22168c235n), { digits: 19, plus: true })).toBe('+3.141592653589793239');
    expect(formatG(0x0000000000000001n, 1 - 16383 - 63, 19)).toBe('3.645199531882474603e-4951');
  });

  it('specials as gdb prints them: inf, nan(0xMANTISSA) in floatformat_mantissa chunks, invalid x87 encodings', () => {
    expect(formatFloat(DOUBLE, d(-Infinity))).toBe('-inf');
    expect(formatFloat(DOUBLE, 0x7ff8000000000000n)).toBe('nan(0x8000000000000)');
    expect(formatFloat(DOUBLE, 0x7ff0000000000001n)).toBe('nan(0x000000001)'); // 20-bit head, then %08lx
    expect(formatFloat(SINGLE, 0xffc00000n)).toBe('-nan(0x400000)');
    expect(formatFloat(X87_EXT, x87(0xffff, 0xc000000000000000n))).toBe('-nan(0xc000000000000000)');
    expect(formatFloat(X87_EXT, x87(0x3fff, 0x4000000000000000n))).toBe('<invalid float value>'); // unnormal
    expect(formatFloat(X87_EXT, x87(0x0000, 0x8000000000000000n))).toBe('<invalid float value>'); // pseudo-denormal
    expect(formatFloat(DOUBLE, d(-0))).toBe('-0');
    expect(formatFloat(HALF, 0x3fc0n)).toBe('1.9375');
    expect(formatFloat(BFLOAT16, 0x3fc0n)).toBe('1.5');
  });
});

describe('encodeFloat: round to nearest even into each format', () => {
  it('rounds, overflows to inf, keeps subnormals, and makes doubles exact in the 80-bit format', () => {
    expect(encodeFloat(SINGLE, 0.1)).toBe(0x3dcccccdn);
    expect(encodeFloat(SINGLE, 1e39)).toBe(0x7f800000n);
    expect(encodeFloat(SINGLE, 1e-45)).toBe(1n); // the smallest subnormal
    expect(encodeFloat(HALF, 65520)).toBe(0x7c00n); // rounds up past 65504: inf
    expect(encodeFloat(HALF, 65519)).toBe(0x7bffn);
    expect(encodeFloat(HALF, 1 / 3)).toBe(0x3555n);
    expect(encodeFloat(BFLOAT16, 1 + 2 ** -8)).toBe(0x3f80n); // tie: to even
    expect(encodeFloat(BFLOAT16, 1 + 3 * 2 ** -8)).toBe(0x3f82n); // tie: to even (up)
    expect(encodeFloat(X87_EXT, 1.5)).toBe(x87(0x3fff, 0xc000000000000000n));
    expect(encodeFloat(X87_EXT, 5e-324)).toBe(x87(0x3bcd, 0x8000000000000000n)); // normal in 80 bits
    expect(encodeFloat(X87_EXT, -Infinity)).toBe(x87(0xffff, 0x8000000000000000n));
    expect(encodeFloat(X87_EXT, NaN)).toBe(x87(0x7fff, 0xc000000000000000n));
    expect(encodeFloat(DOUBLE, -0)).toBe(1n << 63n);
    for (const x of [Math.PI, -1e-310, 2 ** 1023, 123.456]) expect(encodeFloat(DOUBLE, x)).toBe(new BigUint64Array(new Float64Array([x]).buffer)[0]);
  });

  it('decodeFloat classifies', () => {
    expect(decodeFloat(SINGLE, 1n).cls).toBe('subnormal');
    expect(decodeFloat(X87_EXT, x87(0x3fff, 0x8000000000000000n))).toMatchObject({ cls: 'normal', mant: 1n << 63n, exp2: -63 });
  });
});
