/**
 * Bulk fast path for REP MOVS / REP STOS (the memcpy/memset idioms gcc emits):
 * the elements that lie within one 4 KiB page of the source and of the
 * destination are moved with one translation per page and typed-array
 * operations, instead of one MMU call per element.
 *
 * It is only an acceleration of the element-by-element loop in string.ts and
 * must give the same result: it is used only when no data breakpoint is armed
 * (watched pages), for RAM that holds no decoded code (stores to code pages
 * take the MMU's slow path), and for MOVS only when the source and
 * destination bytes do not overlap (or elements are single bytes, copied in
 * the direction of DF — exactly the sequential semantics). A translation
 * fault happens before any element of the chunk is moved, so the caller's
 * state stays exact. Returns the number of elements done (0: take the slow
 * path for the next element).
 */
import type { Cpu } from '../cpu.ts';
import { ACCESS_READ, ACCESS_WRITE } from '../mmu.ts';

/** Elements of `size` starting at `la` (stepping by ±size) that stay inside la's page, at most `max`. */
function fitInPage(la: number, size: number, down: boolean, max: number): number {
  const off = la & 0xfff;
  if (off + size > 4096) return 0;
  const room = down ? Math.floor(off / size) + 1 : Math.floor((4096 - off) / size);
  return room < max ? room : max;
}

/** Physical address of a page-internal range if it is plain RAM without decoded code, else -1. */
function ramPa(cpu: Cpu, la: number, access: number, bytes: number, lowest: number): number {
  const pa = cpu.mmu.translate(la, access);
  const start = pa - (la - lowest);
  if (start < 0 || start + bytes > cpu.mem.size) return -1;
  if (access === ACCESS_WRITE && cpu.mmu.codePages[start >>> 12]) return -1;
  return pa;
}

/**
 * REP STOS: up to `max` elements of `size` at linear `dst` (the first
 * element), moving by `d` (±size). `lo`/`hi` is rAX.
 */
export function bulkStos(cpu: Cpu, dst: number, size: number, d: number, max: number, lo: number, hi: number): number {
  if (cpu.mmu.watchedPages.length !== 0) return 0;
  const down = d < 0;
  const n = fitInPage(dst, size, down, max);
  if (n < 2) return 0;
  const bytes = n * size;
  const lowest = down ? dst - (n - 1) * size : dst;
  const pa = ramPa(cpu, dst, ACCESS_WRITE, bytes, lowest);
  if (pa < 0) return 0;
  const base = pa - (dst - lowest);
  const mem = cpu.mem;
  if (size === 1) {
    mem.u8.fill(lo & 0xff, base, base + bytes);
    return n;
  }
  // One element, then doubling copies of it.
  const dv = mem.dv;
  if (size === 2) dv.setUint16(base, lo & 0xffff, true);
  else if (size === 4) dv.setInt32(base, lo, true);
  else {
    dv.setInt32(base, lo, true);
    dv.setInt32(base + 4, hi, true);
  }
  for (let filled = size; filled < bytes; ) {
    const c = filled < bytes - filled ? filled : bytes - filled;
    mem.u8.copyWithin(base + filled, base, base + c);
    filled += c;
  }
  return n;
}

/** REP MOVS: up to `max` elements from linear `src` to `dst` (first elements), moving by `d`. */
export function bulkMovs(cpu: Cpu, src: number, dst: number, size: number, d: number, max: number): number {
  if (cpu.mmu.watchedPages.length !== 0) return 0;
  const down = d < 0;
  const ns = fitInPage(src, size, down, max);
  const n = fitInPage(dst, size, down, ns);
  if (n < 2) return 0;
  const bytes = n * size;
  const back = down ? (n - 1) * size : 0;
  // Source first: the element loop reads before it writes.
  const spa = ramPa(cpu, src, ACCESS_READ, bytes, src - back);
  if (spa < 0) return 0;
  const dpa = ramPa(cpu, dst, ACCESS_WRITE, bytes, dst - back);
  if (dpa < 0) return 0;
  const s0 = spa - back, d0 = dpa - back;
  const u8 = cpu.mem.u8;
  const overlap = s0 < d0 + bytes && d0 < s0 + bytes;
  if (!overlap) {
    u8.copyWithin(d0, s0, s0 + bytes);
    return n;
  }
  if (size !== 1) return 0;
  // Overlapping bytes: copy one at a time in DF order, as the instruction does.
  if (down) for (let k = bytes - 1; k >= 0; k--) u8[d0 + k] = u8[s0 + k];
  else for (let k = 0; k < bytes; k++) u8[d0 + k] = u8[s0 + k];
  return n;
}
