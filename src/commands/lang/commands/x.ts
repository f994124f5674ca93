import type { SessionApi } from '../../session/types.ts';
import { disassemble } from '../../disasm.ts';
import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { resolveSpace, splitSpace, type SpaceArg } from '../address-space.ts';
import { evalIn, type MemoryReader, readExact, readUpTo, symbolNames, symbolOf } from '../helpers.ts';
import { langState } from '../state.ts';
import { parseXSuffix, type XSpec } from '../parse.ts';
import type { MemoryRow, Result, XUnit } from '../result.ts';

const SIZE: Record<XUnit, number> = { b: 1, h: 2, w: 4, g: 8 };
/** Cells per row, as gdb. */
const PER_ROW: Record<XUnit, number> = { b: 8, h: 8, w: 4, g: 2 };
const MAX_STRING = 256;

function charText(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x5c) return "'\\\\'";
  if (b >= 0x20 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  const esc: Record<number, string> = { 0: '\\0', 9: '\\t', 10: '\\n', 13: '\\r' };
  return `'${esc[b] ?? `\\x${b.toString(16).padStart(2, '0')}`}'`;
}

function stringText(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += b === 10 ? '\\n' : b === 9 ? '\\t' : b === 13 ? '\\r' : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${s}"`;
}

function cell(v: bigint, size: number, f: XSpec['format']): string {
  const bits = BigInt(size * 8);
  switch (f) {
    case 'd':
      return BigInt.asIntN(Number(bits), v).toString();
    case 'u':
      return v.toString();
    case 'c':
      return charText(Number(v & 0xffn));
    default:
      return `0x${v.toString(16).padStart(size * 2, '0')}`;
  }
}

function examineStrings(session: SessionApi, addr: bigint, count: number, read?: MemoryReader): MemoryRow[] {
  const rows: MemoryRow[] = [];
  let a = addr;
  for (let k = 0; k < count; k++) {
    const bytes = readUpTo(session, a, MAX_STRING, read);
    let n = bytes.indexOf(0);
    const terminated = n >= 0;
    if (!terminated) n = bytes.length;
    rows.push({ addr: a, symbol: symbolOf(session, a), cells: [stringText(bytes.subarray(0, n)) + (terminated ? '' : '...')] });
    a += BigInt(n + 1);
  }
  return rows;
}

/** `x` at `addr` (read through `read`: default linear memory through the current CR3). */
export function examine(session: SessionApi, addr: bigint, spec: XSpec, read?: MemoryReader, last?: (addr: bigint, value: bigint) => void): Result {
  const { count, format, unit } = spec;
  if (format === 'i') {
    const bytes = readUpTo(session, addr, count * 15, read);
    const lines = disassemble(bytes, addr, { count, symbols: session.symbols, breakpoints: session.breakpoints(), rip: session.registers().rip });
    return { kind: 'disassembly', lines };
  }
  if (format === 's') return { kind: 'memory', addr, count, format, unit, rows: examineStrings(session, addr, count, read) };
  const size = SIZE[unit];
  const bytes = readExact(session, addr, count * size, read);
  const rows: MemoryRow[] = [];
  for (let k = 0; k < count; k++) {
    let v = 0n;
    for (let j = size - 1; j >= 0; j--) v = (v << 8n) | BigInt(bytes[k * size + j]);
    const c = cell(v, size, format);
    if (k % PER_ROW[unit] === 0) {
      const a = addr + BigInt(k * size);
      rows.push({ addr: a, symbol: symbolOf(session, a), cells: [] });
    }
    rows[rows.length - 1].cells.push(c);
    if (k === count - 1) last?.(addr + BigInt(k * size), v);
  }
  return { kind: 'memory', addr, count, format, unit, rows };
}

const USAGE = 'x/NFU ADDR [cr3 VALUE | process NAME|PID] | x/NFU phys ADDR';

export const xCommand = defineCommand<XSpec & { expr: string; phys: boolean; space?: SpaceArg }>({
  name: 'x',
  aliases: [],
  summary: 'examine guest memory: linear through the current CR3, another (cr3 X, process NAME), or physical (phys ADDR) (F: x d u c s i; U: b h w g)',
  usage: USAGE,
  takesSuffix: true,
  parse({ suffix, rest }) {
    const phys = /^phys\s/i.test(rest);
    const { rest: expr, space } = splitSpace(phys ? rest.slice(5) : rest);
    if (expr === '') throw new CommandError('bad-args', `missing address (usage: ${USAGE})`);
    if (phys && space) throw new CommandError('bad-args', 'a physical address has no CR3 (phys, or cr3/process, not both)');
    return { ...parseXSuffix(suffix), expr, phys, ...(space ? { space } : {}) };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, args) {
    const addr = evalIn(session, args.expr);
    const cr3 = resolveSpace(session, args.space);
    const read: MemoryReader | undefined = args.phys
      ? (a, n) => session.readPhysical(a, n)
      : cr3 !== undefined
        ? (a, n) => session.readVirtual(a, n, cr3)
        : undefined;
    // gdb: after x, $_ is the last address examined and $__ its contents.
    const st = langState(session);
    return examine(session, addr, args, read, (a, v) => {
      st.convenience.set('_', a);
      st.convenience.set('__', v);
    });
  },
});
