/**
 * The x87/SSE registers as gdb shows them on amd64 (features/i386/
 * 64bit-core.xml and 64bit-sse.xml): their names and order, the XMM
 * registers' `vec128` union (v8_bfloat16 … uint128), MXCSR's flags, and the
 * text of a value in gdb's natural form (`print`) or hex form (`info
 * registers`, `info vector`), arrays with gdb's `<repeats N times>` for runs
 * of more than 10 equal elements (repeat_count_threshold).
 */
import { BFLOAT16, DOUBLE, HALF, SINGLE, X87_EXT, type FloatFormat } from './float-bits.ts';
import { formatFloat } from './format-float.ts';

export const ST_NAMES = Array.from({ length: 8 }, (_, k) => `st${k}`);
/** The x87 control registers under gdb's names (I387_FCTRL_REGNUM …). */
export const FPU_CONTROL_NAMES = ['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop'] as const;
export type FpuControlName = (typeof FPU_CONTROL_NAMES)[number];
export const XMM_NAMES = Array.from({ length: 16 }, (_, k) => `xmm${k}`);
/** gdb's amd64 order: st0–st7, fctrl…fop, xmm0–xmm15, mxcsr. */
export const FPU_REGISTER_NAMES: readonly string[] = [...ST_NAMES, ...FPU_CONTROL_NAMES, ...XMM_NAMES, 'mxcsr'];
/** gdb's `vector` register group on amd64 without AVX: what `info vector` shows. */
export const VECTOR_REGISTER_NAMES: readonly string[] = [...XMM_NAMES, 'mxcsr'];

/** One vector member of the vec128 union. */
export interface LaneType {
  readonly name: string;
  readonly count: number;
  /** Bytes per element. */
  readonly size: number;
  /** Floating-point elements; integers (signed, as gdb's int8…int64) otherwise. */
  readonly float?: FloatFormat;
}

export const VEC128_LANES: readonly LaneType[] = [
  { name: 'v8_bfloat16', count: 8, size: 2, float: BFLOAT16 },
  { name: 'v8_half', count: 8, size: 2, float: HALF },
  { name: 'v4_float', count: 4, size: 4, float: SINGLE },
  { name: 'v2_double', count: 2, size: 8, float: DOUBLE },
  { name: 'v16_int8', count: 16, size: 1 },
  { name: 'v8_int16', count: 8, size: 2 },
  { name: 'v4_int32', count: 4, size: 4 },
  { name: 'v2_int64', count: 2, size: 8 },
];
/** The union's last member, the whole register as one unsigned 128-bit integer. */
export const UINT128 = 'uint128';

/** MXCSR's flag fields in gdb's i386_mxcsr order (SDM Vol. 1 §10.2.3); RC is not one of them. */
const MXCSR_FLAGS: readonly [string, number][] = [
  ['IE', 0], ['DE', 1], ['ZE', 2], ['OE', 3], ['UE', 4], ['PE', 5], ['DAZ', 6],
  ['IM', 7], ['DM', 8], ['ZM', 9], ['OM', 10], ['UM', 11], ['PM', 12], ['FZ', 15],
];

/** gdb's flags form: `[ IM DM ZM OM UM PM ]`. */
export function mxcsrText(v: number): string {
  return `[${MXCSR_FLAGS.filter(([, b]) => (v >>> b) & 1).map(([n]) => ` ${n}`).join('')} ]`;
}

/** Little-endian unsigned integer of bytes[off … off+size). */
export function readLE(bytes: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[off + k]);
  return v;
}

export function writeLE(bytes: Uint8Array, off: number, size: number, v: bigint): void {
  for (let k = 0; k < size; k++) bytes[off + k] = Number((v >> BigInt(8 * k)) & 0xffn);
}

/** Element `i` of lane type `t` as its unsigned bits. */
export function laneBits(reg: Uint8Array, t: LaneType, i: number): bigint {
  return readLE(reg, i * t.size, t.size);
}

/** One element in gdb's natural form (float, or signed decimal) or hex form (the bits). */
export function elementText(t: LaneType, bits: bigint, hex: boolean): string {
  if (hex) return `0x${bits.toString(16)}`;
  if (t.float) return formatFloat(t.float, bits);
  return BigInt.asIntN(8 * t.size, bits).toString();
}

/** `{a, b, c <repeats 12 times>, d}`: runs of more than 10 equal elements collapse (gdb's repeat_count_threshold). */
export function arrayText(items: readonly bigint[], text: (b: bigint) => string): string {
  const out: string[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i + 1;
    while (j < items.length && items[j] === items[i]) j++;
    if (j - i > 10) {
      out.push(`${text(items[i])} <repeats ${j - i} times>`);
      i = j;
    } else {
      out.push(text(items[i]));
      i++;
    }
  }
  return `{${out.join(', ')}}`;
}

/** All elements of a lane type of a 16-byte register. */
export function laneValues(reg: Uint8Array, t: LaneType): bigint[] {
  return Array.from({ length: t.count }, (_, i) => laneBits(reg, t, i));
}

export function laneArrayText(reg: Uint8Array, t: LaneType, hex: boolean): string {
  return arrayText(laneValues(reg, t), (b) => elementText(t, b, hex));
}

export function uint128Text(reg: Uint8Array, hex: boolean): string {
  const v = readLE(reg, 0, 16);
  return hex ? `0x${v.toString(16)}` : v.toString();
}

/** The whole union: `{v8_bfloat16 = {…}, …, uint128 = …}`. */
export function vec128Text(reg: Uint8Array, hex: boolean): string {
  const parts = VEC128_LANES.map((t) => `${t.name} = ${laneArrayText(reg, t, hex)}`);
  return `{${[...parts, `${UINT128} = ${uint128Text(reg, hex)}`].join(', ')}}`;
}

/** ST(i)'s 10 bytes as an unsigned 80-bit integer. */
export function stBits(raw: Uint8Array): bigint {
  return readLE(raw, 0, 10);
}

/** `print $st0`: the long double value (gdb's %.21Lg). */
export function stText(raw: Uint8Array): string {
  return formatFloat(X87_EXT, stBits(raw));
}

/** `0x3fffc000000000000000`: the raw 10 bytes, most significant first (gdb's `(raw …)`). */
export function stRawText(raw: Uint8Array): string {
  return x87RawText(stBits(raw));
}

export function x87RawText(bits: bigint): string {
  return `0x${bits.toString(16).padStart(20, '0')}`;
}
