/**
 * The x87/SSE registers in expressions: `$st0`, `$fctrl`…`$fop`, `$mxcsr`,
 * `$xmm0`, a union member `$xmm0.v4_float` and one element
 * `$xmm0.v4_float[1]` (gdb's names, fpu-values.ts). A path resolves to a
 * typed value over an FpuRegisters snapshot; `print` shows it in gdb's
 * natural form, integer-valued paths take part in ordinary expressions
 * (`x/4xg $xmm0.v2_int64[0]`), and `set` writes through a path.
 */
import type { FpuRegisters } from '../session/types.ts';
import { CommandError } from '../errors.ts';
import { encodeFloat, X87_EXT, type FloatFormat } from './float-bits.ts';
import { formatFloat } from './format-float.ts';
import {
  FPU_REGISTER_NAMES, laneArrayText, laneBits, mxcsrText, readLE, stBits, UINT128, uint128Text, VEC128_LANES,
  vec128Text, writeLE, x87RawText, type FpuControlName, type LaneType,
} from './fpu-values.ts';
import type { FpuRegisterRow } from './result.ts';
import { didYouMean } from './suggest.ts';

export interface FpuPath {
  /** Register name, lower case, without `$`. */
  readonly reg: string;
  readonly member?: string;
  readonly index?: number;
}

const PATH = /^\$([A-Za-z][A-Za-z0-9]*)(?:\.([A-Za-z0-9_]+))?(?:\[([0-9]+)\])?$/;

/** The path `text` names (`$xmm0.v4_float[1]`), or null when it is no x87/SSE register. */
export function parseFpuPath(text: string): FpuPath | null {
  const m = PATH.exec(text.trim());
  if (m === null || !FPU_REGISTER_NAMES.includes(m[1].toLowerCase())) return null;
  return { reg: m[1].toLowerCase(), member: m[2], index: m[3] === undefined ? undefined : Number(m[3]) };
}

export type FpuValue =
  /** fctrl…fop, mxcsr, an integer element, uint128. */
  | { kind: 'int'; value: bigint; bits: number; signed: boolean; mxcsr?: boolean }
  | { kind: 'float'; format: FloatFormat; bits: bigint }
  /** A whole XMM register (the union) or one of its vector members. */
  | { kind: 'vector'; reg: Uint8Array; lanes?: LaneType };

function pathText(p: FpuPath): string {
  return `$${p.reg}${p.member !== undefined ? `.${p.member}` : ''}${p.index !== undefined ? `[${p.index}]` : ''}`;
}

function noMember(p: FpuPath, what: string): CommandError {
  return new CommandError('bad-args', `${pathText(p)}: ${what}`);
}

/** The XMM register, member and element a path names (checked). */
function xmmTarget(p: FpuPath): { n: number; lanes?: LaneType; uint128: boolean } {
  const n = Number(p.reg.slice(3));
  if (p.member === undefined) {
    if (p.index !== undefined) throw noMember(p, 'cannot subscript the union; pick a member (v4_float, v2_int64, …)');
    return { n, uint128: false };
  }
  if (p.member === UINT128) {
    if (p.index !== undefined) throw noMember(p, 'uint128 is not an array');
    return { n, uint128: true };
  }
  const lanes = VEC128_LANES.find((t) => t.name === p.member);
  if (lanes === undefined) {
    const names = [...VEC128_LANES.map((t) => t.name), UINT128];
    throw new CommandError('bad-args', `there is no member named ${p.member} in $${p.reg}`, didYouMean(p.member, names));
  }
  if (p.index !== undefined && p.index >= lanes.count) throw noMember(p, `index out of range (${lanes.name} has ${lanes.count} elements)`);
  return { n, lanes, uint128: false };
}

/** The value a path denotes in `f`. */
export function fpuValue(p: FpuPath, f: FpuRegisters): FpuValue {
  if (p.reg.startsWith('xmm')) {
    const t = xmmTarget(p);
    const reg = f.xmm[t.n];
    if (t.uint128) return { kind: 'int', value: readLE(reg, 0, 16), bits: 128, signed: false };
    if (t.lanes === undefined || p.index === undefined) return { kind: 'vector', reg, lanes: t.lanes };
    const bits = laneBits(reg, t.lanes, p.index);
    if (t.lanes.float) return { kind: 'float', format: t.lanes.float, bits };
    return { kind: 'int', value: BigInt.asIntN(8 * t.lanes.size, bits), bits: 8 * t.lanes.size, signed: true };
  }
  if (p.member !== undefined || p.index !== undefined) throw noMember(p, `$${p.reg} has no members`);
  if (p.reg.startsWith('st')) return { kind: 'float', format: X87_EXT, bits: stBits(f.st[Number(p.reg.slice(2))]) };
  if (p.reg === 'mxcsr') return { kind: 'int', value: BigInt(f.mxcsr >>> 0), bits: 32, signed: false, mxcsr: true };
  return { kind: 'int', value: BigInt(f[p.reg as FpuControlName] >>> 0), bits: 32, signed: false };
}

/** gdb's natural form of a value (`print`). */
export function fpuValueText(v: FpuValue): string {
  switch (v.kind) {
    case 'int':
      return v.mxcsr ? mxcsrText(Number(v.value)) : v.value.toString();
    case 'float':
      return formatFloat(v.format, v.bits);
    case 'vector':
      return v.lanes ? laneArrayText(v.reg, v.lanes, false) : vec128Text(v.reg, false);
  }
}

/** An integer-valued path as a 64-bit expression value (floats and whole vectors refuse). */
export function fpuInteger(p: FpuPath, f: FpuRegisters): bigint {
  const v = fpuValue(p, f);
  if (v.kind === 'int') {
    if (v.bits > 64 && v.value >> 64n !== 0n) throw noMember(p, 'the value does not fit in 64 bits (print it on its own)');
    return BigInt.asUintN(64, v.value);
  }
  const what = v.kind === 'float' ? 'a floating-point value' : 'a vector';
  throw noMember(p, `is ${what}: print it on its own, or pick an integer member such as .v2_int64[0]`);
}

/** What `set PATH = …` stores: an integer, or a number for floating-point targets. */
export type FpuAssigned = { int: bigint } | { float: number };

/** Whether the target of a path holds floating-point values (then `set` takes a decimal like 1.5). */
export function fpuTakesFloat(p: FpuPath, f: FpuRegisters): boolean {
  const v = fpuValue(p, f);
  return v.kind === 'float';
}

/** Store `x` at path `p` of `f` (mutates `f`). Integers are truncated to the target's width, as C assignment does. */
export function assignFpu(p: FpuPath, f: FpuRegisters, x: FpuAssigned): void {
  const v = fpuValue(p, f);
  const asInt = (): bigint => ('int' in x ? x.int : BigInt(Math.trunc(x.float)));
  if (p.reg.startsWith('xmm')) {
    const t = xmmTarget(p);
    const reg = f.xmm[t.n];
    if (t.lanes === undefined) {
      writeLE(reg, 0, 16, BigInt.asUintN(128, asInt()));
      return;
    }
    if (p.index === undefined) throw noMember(p, `cannot assign a whole ${t.lanes.name}; set one element ([0] …)`);
    const bits = t.lanes.float
      ? encodeFloat(t.lanes.float, 'float' in x ? x.float : Number(BigInt.asIntN(64, x.int)))
      : BigInt.asUintN(8 * t.lanes.size, asInt());
    writeLE(reg, p.index * t.lanes.size, t.lanes.size, bits);
    return;
  }
  if (v.kind === 'float') {
    writeLE(f.st[Number(p.reg.slice(2))], 0, 10, encodeFloat(X87_EXT, 'float' in x ? x.float : Number(BigInt.asIntN(64, x.int))));
    return;
  }
  const n = Number(BigInt.asUintN(32, asInt()));
  if (p.reg === 'mxcsr') f.mxcsr = n;
  else f[p.reg as FpuControlName] = n;
}

/** gdb's `info registers` columns: the value at column 15, the second form at column 35 (default_print_one_register_info). */
export function registerLine(name: string, first: string, second?: string): string {
  const pad = (s: string, col: number) => s + ' '.repeat(Math.max(1, col - s.length));
  const head = pad(name, 15) + first;
  return second === undefined ? head : pad(head, 35) + second;
}

/** One register as `info registers` prints it in gdb: st as value and raw bytes, XMM in hex, integers in hex and natural. */
export function fpuRegisterRow(name: string, f: FpuRegisters): FpuRegisterRow {
  const v = fpuValue({ reg: name }, f);
  if (v.kind === 'float') {
    const natural = formatFloat(v.format, v.bits);
    const raw = x87RawText(v.bits);
    return { name, line: registerLine(name, natural, `(raw ${raw})`), json: { value: natural, raw } };
  }
  if (v.kind === 'vector') {
    const hex = vec128Text(v.reg, true);
    return { name, line: registerLine(name, hex), json: { value: hex, uint128: uint128Text(v.reg, true) } };
  }
  const hex = `0x${v.value.toString(16)}`;
  const natural = fpuValueText(v);
  return { name, line: registerLine(name, hex, natural), json: { value: hex, natural } };
}
