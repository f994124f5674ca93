/**
 * `print/FMT` (gdb's output formats, "Output Formats" in its manual): the
 * value shown in hex (x), signed (d) or unsigned (u) decimal, octal (o),
 * binary (t), as a character (c), as an address with its symbol (a), or
 * zero-padded hex (z), each at the size of the value's type.
 */
import { CommandError } from '../errors.ts';

export type PrintFormat = 'x' | 'd' | 'u' | 'o' | 't' | 'c' | 'a' | 'z';
export const PRINT_FORMATS: readonly PrintFormat[] = ['x', 'd', 'u', 'o', 't', 'c', 'a', 'z'];

/** The `/FMT` of `print/FMT` (one letter; gdb also allows a size letter, which a value's type already gives). */
export function parsePrintFormat(suffix: string): PrintFormat | undefined {
  if (suffix === '') return undefined;
  if (suffix.length === 1 && (PRINT_FORMATS as readonly string[]).includes(suffix)) return suffix as PrintFormat;
  throw new CommandError('bad-args', `bad format '/${suffix}' for print (one of ${PRINT_FORMATS.join(' ')})`);
}

/** `v` (64-bit two's complement) of a `size`-byte type, in format `f`; `symbol` names it for /a. */
export function formatValue(v: bigint, size: number, signed: boolean, f: PrintFormat, symbol?: string): string {
  const bits = size * 8;
  const u = BigInt.asUintN(bits, v);
  switch (f) {
    case 'x':
      return `0x${u.toString(16)}`;
    case 'z':
      return `0x${u.toString(16).padStart(size * 2, '0')}`;
    case 'd':
      return BigInt.asIntN(bits, v).toString();
    case 'u':
      return u.toString();
    case 'o':
      return u === 0n ? '0' : `0${u.toString(8)}`;
    case 't':
      return u.toString(2);
    case 'c': {
      const c = Number(BigInt.asUintN(8, v));
      const shown = c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
      return `${signed ? BigInt.asIntN(8, v) : c} '${shown}'`;
    }
    case 'a':
      return `0x${u.toString(16)}${symbol ? ` <${symbol}>` : ''}`;
  }
}
