/**
 * The mappings of an address space, walked from a CR3 through guest-physical
 * memory (IA-32e paging, SDM Vol. 3A §4.5: PML4 → PDPT → PD → PT; 1 GiB and
 * 2 MiB pages where PS is set). The access rights of a page combine every
 * level (§4.6): user only if U/S is set at all four, writable only if R/W is,
 * executable unless XD is set at any.
 */
import type { SessionApi } from '../session/types.ts';

export interface Mapping {
  /** Linear address (canonical). */
  va: bigint;
  pa: bigint;
  size: bigint;
  user: boolean;
  write: boolean;
  exec: boolean;
}

const ADDR = 0x000f_ffff_ffff_f000n;
const P = 1n, RW = 2n, US = 4n, PS = 0x80n, XD = 1n << 63n;
const SHIFTS = [39n, 30n, 21n, 12n];

/** Sign-extend bit 47 (canonical form). */
function canonical(va: bigint): bigint {
  return va & (1n << 47n) ? va | 0xffff_0000_0000_0000n : va;
}

/** Every present leaf mapping under `cr3`, in address order; `limit` bounds how many (the walk stops there). */
export function pageMappings(session: SessionApi, cr3: bigint, limit = 1 << 16): Mapping[] {
  const out: Mapping[] = [];
  const walk = (table: bigint, level: number, base: bigint, user: boolean, write: boolean, exec: boolean): void => {
    let entries: Uint8Array;
    try {
      entries = session.readPhysical(table & ADDR, 4096);
    } catch {
      return;
    }
    const dv = new DataView(entries.buffer, entries.byteOffset, 4096);
    for (let i = 0; i < 512 && out.length < limit; i++) {
      const e = dv.getBigUint64(i * 8, true);
      if ((e & P) === 0n) continue;
      const va = base | (BigInt(i) << SHIFTS[level]);
      const u = user && (e & US) !== 0n, w = write && (e & RW) !== 0n, x = exec && (e & XD) === 0n;
      if (level === 3 || (level > 0 && (e & PS) !== 0n)) {
        const size = 1n << SHIFTS[level];
        out.push({ va: canonical(va), pa: e & ADDR & ~(size - 1n), size, user: u, write: w, exec: x });
      } else {
        walk(e & ADDR, level + 1, va, u, w, x);
      }
    }
  };
  walk(cr3, 0, 0n, true, true, true);
  return out;
}

/** `urwx`-style rights (QEMU's `info mem`: u or -, r, w or -, x or -). */
export function rights(m: Mapping): string {
  return `${m.user ? 'u' : '-'}r${m.write ? 'w' : '-'}${m.exec ? 'x' : '-'}`;
}

/** Runs of mappings contiguous in linear address with the same rights (QEMU's `info mem`). */
export function mappingRanges(ms: readonly Mapping[]): { start: bigint; end: bigint; rights: string }[] {
  const out: { start: bigint; end: bigint; rights: string }[] = [];
  for (const m of ms) {
    const last = out[out.length - 1];
    const r = rights(m);
    if (last !== undefined && last.end === m.va && last.rights === r) last.end = m.va + m.size;
    else out.push({ start: m.va, end: m.va + m.size, rights: r });
  }
  return out;
}
