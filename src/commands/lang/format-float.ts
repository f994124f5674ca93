/**
 * Floating-point values as gdb prints them (target-float.c): the exact
 * binary value rounded to N significant decimal digits and laid out as C's
 * `%.Ng` does (glibc: exact decimal expansion, round half to even), NaNs as
 * `nan(0xMANTISSA)` and infinities as `inf` with their sign, and x87
 * encodings gdb cannot represent as `<invalid float value>`.
 */
import { decodeFloat, type DecodedFloat, type FloatFormat } from './float-bits.ts';

export interface GOptions {
  /** Significant digits (default: the format's gdb default). */
  digits?: number;
  /** `+` flag: a sign on positive values too. */
  plus?: boolean;
}

/** The value of `bits` in format `f` as gdb's `print` shows it. */
export function formatFloat(f: FloatFormat, bits: bigint, opts: GOptions = {}): string {
  const v = decodeFloat(f, bits);
  const sign = v.negative ? '-' : opts.plus ? '+' : '';
  switch (v.cls) {
    case 'invalid':
      return '<invalid float value>';
    case 'nan':
      return `${v.negative ? '-' : ''}nan(0x${nanMantissa(f, v)})`;
    case 'inf':
      return `${sign}inf`;
    default:
      return sign + formatG(v.mant, v.exp2, opts.digits ?? f.digits);
  }
}

/**
 * gdb's floatformat_mantissa: the man_len stored bits in hex, the first
 * (man_len mod 32, or 32) bits unpadded, every further 32 bits as 8 digits.
 */
function nanMantissa(f: FloatFormat, v: DecodedFloat): string {
  const first = f.manBits % 32 || 32;
  const rest = f.manBits - first;
  let s = (v.field >> BigInt(rest)).toString(16);
  for (let k = rest - 32; k >= 0; k -= 32) s += ((v.field >> BigInt(k)) & 0xffffffffn).toString(16).padStart(8, '0');
  return s;
}

/** `%.{p}g` of mant · 2^exp2 (mant ≥ 0), without the sign. */
export function formatG(mant: bigint, exp2: number, p: number): string {
  if (mant === 0n) return '0';
  // Exact decimal digits D and exponent X: value = 0.D… · 10^(X+1), i.e. D[0] is the 10^X digit.
  let digits: string;
  let x: number;
  if (exp2 >= 0) {
    digits = (mant << BigInt(exp2)).toString();
    x = digits.length - 1;
  } else {
    digits = (mant * 5n ** BigInt(-exp2)).toString();
    x = digits.length - 1 + exp2; // divided by 10^(-exp2)
  }
  // Round to p significant digits, half to even on the exact expansion.
  if (digits.length > p) {
    const keep = BigInt(digits.slice(0, p));
    const next = digits.charCodeAt(p) - 48;
    const tail = /[1-9]/.test(digits.slice(p + 1));
    const up = next > 5 || (next === 5 && (tail || (keep & 1n) === 1n));
    let r = (up ? keep + 1n : keep).toString();
    if (r.length > p) {
      r = r.slice(0, p);
      x++;
    }
    digits = r;
  }
  digits = digits.replace(/0+$/, '') || '0';
  if (x < -4 || x >= p) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${mantissa}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  }
  if (x < 0) return `0.${'0'.repeat(-x - 1)}${digits}`;
  if (digits.length <= x + 1) return digits + '0'.repeat(x + 1 - digits.length);
  return `${digits.slice(0, x + 1)}.${digits.slice(x + 1)}`;
}
