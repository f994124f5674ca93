/**
 * Decoding x86 descriptors for `info segments`, `info gdt`, `info idt`
 * (SDM Vol. 3A §3.4.5 segment descriptors, §3.5 system descriptor types,
 * §6.14.1 64-bit IDT gate descriptors, §7.2.3 TSS descriptor in 64-bit mode).
 */
import { hex64 } from './format.ts';
import type { Cell, Column } from './result.ts';

/** Columns of a table of descriptors (info segments, info gdt) after its own leading ones. */
export const DESCRIPTOR_COLUMNS: readonly Column[] = [
  { key: 'selector', header: 'Selector' },
  { key: 'base', header: 'Base' },
  { key: 'limit', header: 'Limit' },
  { key: 'type', header: 'Type' },
  { key: 'dpl', header: 'DPL', align: 'right' },
  { key: 'flags', header: 'Flags' },
];

/** The cells of DESCRIPTOR_COLUMNS for one descriptor (a segment cache, or a GDT entry). */
export function descriptorCells(selector: number, d: Omit<Descriptor, 'size'> & { unusable?: boolean }): Record<string, Cell> {
  return {
    selector: `0x${selector.toString(16).padStart(4, '0')}`,
    base: hex64(d.base),
    limit: `0x${d.limit.toString(16)}`,
    type: d.unusable ? 'unusable' : descriptorType(d.type, d.s),
    dpl: d.dpl,
    flags: descriptorFlags(d),
  };
}

/** The type field's meaning: code/data (S=1) as `code RA`, `data WA`; system (S=0) by name. */
export function descriptorType(type: number, s: boolean): string {
  if (s) {
    if (type & 8) return `code${type & 4 ? ' C' : ''}${type & 2 ? ' R' : ''}${type & 1 ? ' A' : ''}`;
    return `data${type & 4 ? ' E' : ''}${type & 2 ? ' W' : ''}${type & 1 ? ' A' : ''}`;
  }
  const SYSTEM: Record<number, string> = { 2: 'LDT', 9: 'TSS (available)', 0xb: 'TSS (busy)', 0xc: 'call gate', 0xe: 'interrupt gate', 0xf: 'trap gate' };
  return SYSTEM[type] ?? `reserved (${type})`;
}

export interface Descriptor {
  base: bigint;
  limit: number;
  type: number;
  s: boolean;
  dpl: number;
  present: boolean;
  avl: boolean;
  l: boolean;
  db: boolean;
  g: boolean;
  /** 16 for an LDT/TSS descriptor (64-bit mode), else 8. */
  size: 8 | 16;
}

function q(b: Uint8Array, off: number): bigint {
  return new DataView(b.buffer, b.byteOffset + off, 8).getBigUint64(0, true);
}

/** The descriptor at byte `off` of a GDT/LDT image. */
export function decodeDescriptor(b: Uint8Array, off: number): Descriptor {
  const d = q(b, off);
  const bits = (lo: number, n: number) => Number((d >> BigInt(lo)) & ((1n << BigInt(n)) - 1n));
  const type = bits(40, 4), s = bits(44, 1) === 1;
  let base = BigInt(bits(16, 24)) | (BigInt(bits(56, 8)) << 24n);
  const system16 = !s && (type === 2 || type === 9 || type === 0xb) && off + 16 <= b.length;
  if (system16) base |= (q(b, off + 8) & 0xffff_ffffn) << 32n;
  return {
    base, limit: bits(0, 16) | (bits(48, 4) << 16), type, s, dpl: bits(45, 2), present: bits(47, 1) === 1,
    avl: bits(52, 1) === 1, l: bits(53, 1) === 1, db: bits(54, 1) === 1, g: bits(55, 1) === 1, size: system16 ? 16 : 8,
  };
}

/** `P S L DB G AVL`-style flags of a descriptor, set ones only. */
export function descriptorFlags(d: { present: boolean; s: boolean; l: boolean; db: boolean; g: boolean; avl: boolean }): string {
  return [d.present ? 'P' : '', d.s ? 'S' : '', d.l ? 'L' : '', d.db ? 'DB' : '', d.g ? 'G' : '', d.avl ? 'AVL' : ''].filter((x) => x !== '').join(' ');
}

export interface Gate {
  offset: bigint;
  selector: number;
  ist: number;
  type: number;
  dpl: number;
  present: boolean;
}

/** The 64-bit IDT gate at byte `off`. */
export function decodeGate(b: Uint8Array, off: number): Gate {
  const lo = q(b, off), hi = q(b, off + 8);
  const bits = (lo2: number, n: number) => Number((lo >> BigInt(lo2)) & ((1n << BigInt(n)) - 1n));
  const offset = BigInt(bits(0, 16)) | (BigInt(bits(48, 16)) << 16n) | ((hi & 0xffff_ffffn) << 32n);
  return { offset, selector: bits(16, 16), ist: bits(32, 3), type: bits(40, 4), dpl: bits(45, 2), present: bits(47, 1) === 1 };
}
