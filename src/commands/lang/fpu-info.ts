/**
 * `info float`: gdb's i387_print_float_info (i387-tdep.c) over the
 * session's x87 registers — R7…R0 with `=>` at TOP, each register's tag,
 * raw bytes and, unless empty, its value (` %-+27.19g`) and class; then the
 * status word (exception flags, ES, SF, C0–C3, TOP), the control word
 * (masks, precision and rounding control), the tag word, the instruction
 * and operand pointers and the opcode. Lines carry no trailing blanks.
 */
import type { FpuRegisters } from '../session/types.ts';
import { formatG } from './format-float.ts';
import { stBits, stRawText } from './fpu-values.ts';

const TAGS = ['Valid   ', 'Zero    ', 'Special ', 'Empty   '];

/** gdb's hex_string_custom: `0x` and at least `width` digits. */
function hexw(v: number, width: number): string {
  return `0x${(v >>> 0).toString(16).padStart(width, '0')}`;
}

/** print_i387_ext: the value and class of a non-empty register. */
function extText(raw: Uint8Array): string {
  const bits = stBits(raw);
  const negative = (raw[9] & 0x80) !== 0;
  const exp = ((raw[9] & 0x7f) << 8) | raw[8];
  const field = bits & ((1n << 64n) - 1n);
  const integer = (field >> 63n) === 1n;
  const fraction = field & ((1n << 63n) - 1n);
  const value = () => ` ${((negative ? '-' : '+') + formatG(field, (exp === 0 ? 1 : exp) - 16383 - 63, 19)).padEnd(27)}`;
  if (exp === 0x7fff && integer) {
    if (fraction === 0n) return ` ${negative ? '-' : '+'}Inf`;
    if (negative && fraction === 1n << 62n) return ' Real Indefinite (QNaN)';
    return fraction & (1n << 62n) ? ' QNaN' : ' SNaN';
  }
  if (exp > 0 && exp < 0x7fff && integer) return value();
  if (exp === 0) return value() + (integer ? ' Pseudo-denormal' : fraction !== 0n ? ' Denormal' : '');
  return ' Unsupported';
}

function flags(word: number, bits: readonly [number, string][]): string {
  return bits.map(([b, n]) => ` ${word & b ? n : '  '}`).join('');
}

export function floatInfoLines(f: FpuRegisters): string[] {
  const top = (f.fstat >> 11) & 7;
  const out: string[] = [];
  for (let r = 7; r >= 0; r--) {
    const tag = (f.ftag >> (2 * r)) & 3;
    const raw = f.st[(r + 8 - top) % 8];
    out.push(`${r === top ? '=>' : '  '}R${r}: ${TAGS[tag]}${stRawText(raw)}${tag !== 3 ? extText(raw) : ''}`);
  }
  out.push('');
  const s = f.fstat;
  out.push(
    `Status Word:         ${hexw(s, 4)}  ` +
      flags(s, [[0x1, 'IE'], [0x2, 'DE'], [0x4, 'ZE'], [0x8, 'OE'], [0x10, 'UE'], [0x20, 'PE']]) + '  ' +
      flags(s, [[0x80, 'ES']]) + '  ' + flags(s, [[0x40, 'SF']]) + '  ' +
      flags(s, [[0x100, 'C0'], [0x200, 'C1'], [0x400, 'C2'], [0x4000, 'C3']]),
  );
  out.push(`                       TOP: ${top}`);
  const c = f.fctrl;
  out.push(`Control Word:        ${hexw(c, 4)}  ` + flags(c, [[0x1, 'IM'], [0x2, 'DM'], [0x4, 'ZM'], [0x8, 'OM'], [0x10, 'UM'], [0x20, 'PM']]));
  const pc = ['Single Precision (24-bits)', 'Reserved', 'Double Precision (53-bits)', 'Extended Precision (64-bits)'][(c >> 8) & 3];
  const rc = ['Round to nearest', 'Round down', 'Round up', 'Round toward zero'][(c >> 10) & 3];
  out.push(`                       PC: ${pc}`);
  out.push(`                       RC: ${rc}`);
  out.push(`Tag Word:            ${hexw(f.ftag, 4)}`);
  out.push(`Instruction Pointer: ${hexw(f.fiseg, 2)}:${hexw(f.fioff, 8)}`);
  out.push(`Operand Pointer:     ${hexw(f.foseg, 2)}:${hexw(f.fooff, 8)}`);
  out.push(`Opcode:              ${hexw(f.fop ? f.fop | 0xd800 : 0, 4)}`);
  return out.map((l) => l.trimEnd());
}
