/**
 * Guest virtual memory as the debugger sees it: a 4-level page walk
 * (IA-32e paging, 4 KiB / 2 MiB / 1 GiB pages) over the guest's own page
 * tables, read from guest-physical memory through the CR3 of the current
 * stop (or another CR3, for a debugger looking into another process). A
 * failure names the level and index that stopped the walk
 * ("0x40100010 not mapped: PDE[0] not present"), which `x` and `print`
 * show as is.
 */
import type { VcpuFd } from '../../core/api/index.ts';
import { PageWalkError } from '../errors.ts';

const PRESENT = 1n;
const PS = 1n << 7n;
const ADDR_MASK = 0x000f_ffff_ffff_f000n;
const LEVELS = [
  { name: 'PML4E', shift: 39n },
  { name: 'PDPTE', shift: 30n },
  { name: 'PDE', shift: 21n },
  { name: 'PTE', shift: 12n },
] as const;

/** What decides how a linear address translates: CR3, and whether paging is on (CR0.PG, long mode). */
export interface Paging {
  cr3: bigint;
  /** CR0.PG: off means linear = physical. */
  enabled: boolean;
}

/**
 * The vCPU's current paging (KVM_GET_SREGS), or another address space's:
 * `cr3` (another process's page tables) with the current CR0.PG.
 */
export function pagingOf(vcpu: VcpuFd, cr3?: bigint): Paging {
  const s = vcpu.getSregs();
  return { cr3: cr3 ?? s.cr3, enabled: (s.cr0 & (1n << 31n)) !== 0n };
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function readU64(mem: Uint8Array, pa: bigint, what: string, la: bigint): bigint {
  if (pa + 8n > BigInt(mem.length)) throw new PageWalkError(la, `${what} at ${hex(pa)} is outside guest memory`);
  return new DataView(mem.buffer, mem.byteOffset + Number(pa), 8).getBigUint64(0, true);
}

/** The guest-physical address of linear `la` under `paging`; throws PageWalkError. */
export function translate(mem: Uint8Array, paging: Paging, la: bigint): bigint {
  la = BigInt.asUintN(64, la);
  if (!paging.enabled) return la;
  const top = la >> 47n;
  if (top !== 0n && top !== 0x1ffffn) throw new PageWalkError(la, 'not canonical');
  let table = paging.cr3 & ADDR_MASK;
  for (let level = 0; level < 4; level++) {
    const { name, shift } = LEVELS[level];
    const index = (la >> shift) & 0x1ffn;
    const entry = readU64(mem, table + index * 8n, `${name}[${index}]`, la);
    if ((entry & PRESENT) === 0n) throw new PageWalkError(la, `${name}[${index}] not present`);
    if ((level === 1 || level === 2) && (entry & PS) !== 0n) {
      const size = 1n << shift;
      return ((entry & ADDR_MASK) & ~(size - 1n)) | (la & (size - 1n));
    }
    table = entry & ADDR_MASK;
  }
  return table | (la & 0xfffn);
}

/**
 * The guest-physical pieces of `len` bytes at linear `la`, one per page:
 * [physical address, offset in the buffer, length]; throws PageWalkError
 * for the first page that does not translate, before anything is copied.
 */
function physicalPieces(mem: Uint8Array, paging: Paging, la: bigint, len: number): [pa: number, at: number, n: number][] {
  const pieces: [number, number, number][] = [];
  let done = 0;
  while (done < len) {
    const a = BigInt.asUintN(64, la + BigInt(done));
    const pa = translate(mem, paging, a);
    const n = Math.min(len - done, 4096 - Number(a & 0xfffn));
    if (pa + BigInt(n) > BigInt(mem.length)) throw new PageWalkError(a, `guest-physical ${hex(pa)} is outside guest memory`);
    pieces.push([Number(pa), done, n]);
    done += n;
  }
  return pieces;
}

/** `len` bytes at linear `la`, page by page (a copy); throws PageWalkError for the first unmapped page. */
export function readVirtual(mem: Uint8Array, paging: Paging, la: bigint, len: number): Uint8Array {
  if (!Number.isInteger(len) || len < 0) throw new RangeError(`bad length ${len}`);
  const out = new Uint8Array(len);
  for (const [pa, at, n] of physicalPieces(mem, paging, la, len)) out.set(mem.subarray(pa, pa + n), at);
  return out;
}

/**
 * Writes `data` at linear `la`, page by page; nothing is written when any
 * page fails to translate (PageWalkError). Returns the guest-physical
 * ranges written (time travel records them: the emulated MMU never sees a
 * host's store).
 */
export function writeVirtual(mem: Uint8Array, paging: Paging, la: bigint, data: Uint8Array): PhysicalRange[] {
  const pieces = physicalPieces(mem, paging, la, data.length);
  for (const [pa, at, n] of pieces) mem.set(data.subarray(at, at + n), pa);
  return pieces.map(([pa, , n]) => ({ pa, len: n }));
}

/** Guest-physical bytes [pa, pa + len). */
export interface PhysicalRange {
  pa: number;
  len: number;
}
