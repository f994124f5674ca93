/**
 * The memory pane (a hexdump around an address, the last data access marked,
 * as Blink shows it) and the stack pane (pwndbg's `telescope`: each qword
 * from RSP, with the symbol it points into or the qword it points to). Pure:
 * collect.ts reads the bytes, these lay them out.
 */
import { hex16 } from './text.ts';

/** Bytes shown per hexdump row. */
export const ROW_BYTES = 16;

/** Guest bytes from `base`; null where the page walk fails (shown `??`). */
export interface MemoryDump {
  readonly base: bigint;
  readonly bytes: readonly (number | null)[];
  /** The last data access (the newest watchpoint hit's address and length), or null. */
  readonly mark: { readonly addr: bigint; readonly len: number } | null;
}

/** One stack slot: its address, its qword (null: unreadable), and what the qword points at. */
export interface StackSlot {
  readonly addr: bigint;
  readonly value: bigint | null;
  /** `name+off` when the value falls in a symbol. */
  readonly symbol?: string;
  /** The qword the value points to (one level), when it is a readable address without a symbol. */
  readonly deref?: bigint;
}

const printable = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/**
 * `ADDR  hh hh … hh  ascii`, one row per 16 bytes; the marked bytes are
 * written `[hh` … `hh]` — brackets in the separators, so the row keeps its
 * width and the mark shows without colour.
 */
export function hexdumpRows(d: MemoryDump): string[] {
  const rows: string[] = [];
  const marked = (a: bigint) => d.mark !== null && a >= d.mark.addr && a < d.mark.addr + BigInt(d.mark.len);
  for (let i = 0; i < d.bytes.length; i += ROW_BYTES) {
    const row = d.bytes.slice(i, i + ROW_BYTES);
    const at = d.base + BigInt(i);
    let hex = '';
    row.forEach((b, k) => {
      const a = at + BigInt(k);
      const open = marked(a) && (k === 0 || !marked(a - 1n));
      const closed = k > 0 && marked(a - 1n) && !marked(a);
      hex += (open ? '[' : closed ? ']' : ' ') + (b === null ? '??' : b.toString(16).padStart(2, '0'));
    });
    if (marked(at + BigInt(row.length - 1))) hex += ']';
    else hex += ' ';
    const ascii = row.map((b) => (b === null ? '?' : printable(b))).join('');
    rows.push(`${hex16(at)}${hex} ${ascii}`);
  }
  return rows;
}

/** `ADDR│+OFF: VALUE  → <sym+off>` or `→ QWORD`, as pwndbg's telescope. */
export function telescopeRows(slots: readonly StackSlot[], rsp: bigint): string[] {
  return slots.map((s) => {
    const off = `+${(s.addr - rsp).toString(16).padStart(3, '0')}`;
    const v = s.value === null ? '??'.padEnd(16) : hex16(s.value);
    const to = s.symbol !== undefined ? ` → <${s.symbol}>` : s.deref !== undefined ? ` → ${hex16(s.deref)}` : '';
    return `${hex16(s.addr)} ${off}: ${v}${to}`;
  });
}
