/**
 * Binary floating-point formats as the debugger shows and edits them:
 * IEEE half, bfloat16, single, double and the x87 80-bit extended format
 * (explicit integer bit, SDM Vol. 1 §4.2.2 and §8.2.2). `decodeFloat` turns
 * a bit pattern into its exact value (significand × 2^exponent) and class;
 * `encodeFloat` rounds a JS number into a format (round to nearest even),
 * as `set $xmm0.v4_float[1] = 1.5` and `set $st0 = …` need. BigInt is fine
 * here: this is the debugger's display path, never the emulator's.
 */

export interface FloatFormat {
  readonly name: string;
  readonly expBits: number;
  /** Significand bits stored, the x87 integer bit included. */
  readonly manBits: number;
  /** The integer bit is stored (x87 extended) rather than implied. */
  readonly explicitInt: boolean;
  /** Digits of gdb's default `%.Ng`: ceil(1 + precision · log10 2) (floatformat_printf_format). */
  readonly digits: number;
}

export const BFLOAT16: FloatFormat = { name: 'bfloat16', expBits: 8, manBits: 7, explicitInt: false, digits: 4 };
export const HALF: FloatFormat = { name: 'half', expBits: 5, manBits: 10, explicitInt: false, digits: 5 };
export const SINGLE: FloatFormat = { name: 'float', expBits: 8, manBits: 23, explicitInt: false, digits: 9 };
export const DOUBLE: FloatFormat = { name: 'double', expBits: 11, manBits: 52, explicitInt: false, digits: 17 };
export const X87_EXT: FloatFormat = { name: 'i387_ext', expBits: 15, manBits: 64, explicitInt: true, digits: 21 };

export type FloatClass = 'zero' | 'normal' | 'subnormal' | 'inf' | 'nan' | 'invalid';

export interface DecodedFloat {
  readonly cls: FloatClass;
  readonly negative: boolean;
  /** |value| = mant · 2^exp2 (zero, normal, subnormal). */
  readonly mant: bigint;
  readonly exp2: number;
  /** The stored significand field (the whole man_len bits, gdb's floatformat_mantissa). */
  readonly field: bigint;
}

function bias(f: FloatFormat): number {
  return (1 << (f.expBits - 1)) - 1;
}

/**
 * Decode `bits` (an unsigned integer of the format's width). x87 encodings
 * whose integer bit disagrees with the exponent (unnormals, pseudo-NaNs,
 * pseudo-denormals) are 'invalid', as gdb's floatformat_i387_ext_is_valid
 * calls them.
 */
export function decodeFloat(f: FloatFormat, bits: bigint): DecodedFloat {
  const field = bits & ((1n << BigInt(f.manBits)) - 1n);
  const expMax = (1 << f.expBits) - 1;
  const exp = Number((bits >> BigInt(f.manBits)) & BigInt(expMax));
  const negative = ((bits >> BigInt(f.manBits + f.expBits)) & 1n) === 1n;
  const fracBits = f.explicitInt ? f.manBits - 1 : f.manBits;
  const frac = field & ((1n << BigInt(fracBits)) - 1n);
  const b = bias(f);
  if (f.explicitInt) {
    const int = (field >> BigInt(fracBits)) & 1n;
    if ((exp === 0) !== (int === 0n)) return { cls: 'invalid', negative, mant: 0n, exp2: 0, field };
  }
  if (exp === expMax) return { cls: frac === 0n ? 'inf' : 'nan', negative, mant: 0n, exp2: 0, field };
  if (exp === 0) {
    return { cls: frac === 0n ? 'zero' : 'subnormal', negative, mant: frac, exp2: 1 - b - fracBits, field };
  }
  const mant = f.explicitInt ? field : frac | (1n << BigInt(fracBits));
  return { cls: 'normal', negative, mant, exp2: exp - b - fracBits, field };
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** `m >> s` rounded to nearest, ties to even (s > 0). */
function shiftRound(m: bigint, s: number): bigint {
  const sh = BigInt(s);
  const q = m >> sh;
  const rem = m - (q << sh);
  const half = 1n << (sh - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** The format's bits for the JS number `x`, rounded to nearest even; NaN becomes the default quiet NaN. */
export function encodeFloat(f: FloatFormat, x: number): bigint {
  const expMax = (1 << f.expBits) - 1;
  const fracBits = f.explicitInt ? f.manBits - 1 : f.manBits;
  const signBit = (x < 0 || Object.is(x, -0) ? 1n : 0n) << BigInt(f.manBits + f.expBits);
  const intBit = f.explicitInt ? 1n << BigInt(fracBits) : 0n;
  const expField = (e: number) => BigInt(e) << BigInt(f.manBits);
  if (Number.isNaN(x)) return expField(expMax) | intBit | (1n << BigInt(fracBits - 1));
  const inf = signBit | expField(expMax) | intBit;
  if (!Number.isFinite(x)) return inf;
  if (x === 0) return signBit;
  // |x| = m · 2^e exactly, from the double's own bits.
  const d = new DataView(new ArrayBuffer(8));
  d.setFloat64(0, Math.abs(x));
  const raw = d.getBigUint64(0);
  const dexp = Number(raw >> 52n);
  const m = dexp === 0 ? raw & ((1n << 52n) - 1n) : (raw & ((1n << 52n) - 1n)) | (1n << 52n);
  const e = (dexp === 0 ? 1 : dexp) - 1075;
  const b = bias(f);
  const top = e + bitLength(m) - 1; // unbiased exponent of the leading bit
  let lsb = Math.max(top, 1 - b) - fracBits; // exponent of the result's last bit
  let q = lsb <= e ? m << BigInt(e - lsb) : shiftRound(m, lsb - e);
  if (q >> BigInt(fracBits + 1) !== 0n) {
    q >>= 1n; // rounding carried into a new bit: exact, q was a power of two
    lsb++;
  }
  if (q >> BigInt(fracBits) === 0n) return signBit | q; // subnormal, or rounded to zero
  const biased = lsb + fracBits + b;
  if (biased >= expMax) return inf;
  const frac = q & ((1n << BigInt(fracBits)) - 1n);
  return signBit | expField(biased) | intBit | frac;
}
