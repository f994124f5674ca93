/**
 * Linear-address translation: 4-level paging (SDM Vol. 3 §4.5) with 4 KiB,
 * 2 MiB and 1 GiB pages, U/S, R/W, NX, CR0.WP, accessed/dirty bits, #PF error
 * codes, and a direct-mapped software TLB consulted before any walk
 * (perf.md §3). Linear addresses are canonical values held as signed JS
 * numbers in [-2^47, 2^47); physical addresses are non-negative numbers.
 *
 * TLB entries are per access kind (read / write / fetch) and privilege, so a
 * hit needs one compare. A page is entered in the write TLB only once its
 * dirty bit is set and never while it holds decoded code, so stores to code
 * take the slow path, which tells the CPU to drop its decoded instructions.
 */
import { AC, GuestFault, PF } from './fault.ts';
import { OPEN_BUS, type MmioHandler, type PhysMemory } from './memory.ts';

const TLB_BITS = 11;
const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;
const TWO32 = 4294967296;
const TWO48 = 281474976710656;

// #PF error code bits (SDM Vol. 3 §4.7).
export const PFEC_P = 1, PFEC_W = 2, PFEC_U = 4, PFEC_RSVD = 8, PFEC_I = 16;

export const ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_FETCH = 2;

/** Address bits 51:MAXPHYADDR of a paging entry's high word (MAXPHYADDR = 48, cpuid.ts). */
const HI_RESERVED = 0x000f0000;

/**
 * Reserved bits set in a present paging-structure entry (SDM Vol. 3 §4.5,
 * Tables 4-15…4-20): address bits above MAXPHYADDR; XD without EFER.NXE;
 * PS in a PML4E; bits 29:13 of a 1 GiB PDPTE and 20:13 of a 2 MiB PDE
 * (above the PAT bit).
 */
function reservedBits(level: number, lo: number, hi: number, nxe: boolean): boolean {
  if ((hi & HI_RESERVED) !== 0 || (!nxe && hi >>> 31 !== 0)) return true;
  if ((lo & 0x80) === 0) return false;
  if (level === 4) return true;
  if (level === 3) return (lo & 0x3fffe000) !== 0;
  if (level === 2) return (lo & 0x1fe000) !== 0;
  return false;
}

/** What the MMU needs from its CPU. */
export interface MmuHost {
  /** A store hit a physical page that holds decoded instructions. */
  codeWritten(ppn: number): void;
  /** Translations changed (TLB flush, INVLPG): cached linear→decoded links are stale. */
  mappingChanged(): void;
  /** A data access touched a page with an armed data breakpoint (slow path only). */
  dataAccess(la: number, size: number, write: boolean): void;
}

/** One TLB set: tags are linear page numbers (NaN: empty), pa the page's physical base. */
export class TlbSet {
  readonly tag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly pa = new Int32Array(TLB_SIZE);
  flush(): void {
    this.tag.fill(NaN);
  }
}

export class Mmu {
  readonly ram: PhysMemory;
  readonly dv: DataView;
  readonly u8: Uint8Array;
  mmio: MmioHandler = OPEN_BUS;

  // Paging controls, kept in sync by the CPU.
  paging = true;
  cr3 = 0;
  wp = true;
  nxe = true;
  user = false;
  /**
   * CR4.SMEP / CR4.SMAP (SDM Vol. 3 §4.6.1): a supervisor fetch from a user
   * page faults; a supervisor data access to a user page faults unless
   * `smapAc` (RFLAGS.AC = 1 at CPL < 3: an explicit access that STAC allowed).
   * Accesses made with `setUser(false)` at CPL 3 (descriptor tables) are
   * implicit supervisor accesses, for which AC never counts: the CPU keeps
   * `smapAc` false at CPL 3. Under SMAP a supervisor data translation of a
   * user page is never cached (`noFill`), so the cached ones hold whatever
   * AC is and STAC/CLAC need no TLB flush.
   */
  smep = false;
  smap = false;
  smapAc = false;
  /** The last translate() must not be cached in the data TLB (see smap). */
  private noFill = false;

  /** Linear page numbers that hold an armed data breakpoint: never cached in the TLB. */
  watchedPages: number[] = [];
  /** Physical pages that hold decoded instructions. */
  readonly codePages: Uint8Array;
  /**
   * Physical pages written since `dirty` was last cleared (time travel keeps
   * RAM as per-page deltas). Every guest store to RAM first translates with
   * write intent here (a write-TLB fill, a page-crossing store, the bulk
   * string paths), so marking in translate() costs the hot path nothing; A/D
   * bit updates mark the page-table page. Whoever clears it must also drop
   * the write TLB (flushWrites), so the next store to each page comes back.
   */
  readonly dirty: Uint8Array;
  /** High half of the last read64. */
  hi = 0;
  /** Linear address of the last #PF (for CR2). */
  faultLa = 0;

  private readonly sets = [new TlbSet(), new TlbSet(), new TlbSet(), new TlbSet(), new TlbSet(), new TlbSet()];
  // Current read/write/fetch sets for the current privilege. The read and
  // write sets are public for the JIT's inlined fast path (jit/emit-mem.ts).
  r!: TlbSet;
  w!: TlbSet;
  private x!: TlbSet;

  constructor(ram: PhysMemory, private readonly host: MmuHost) {
    this.ram = ram;
    this.dv = ram.dv;
    this.u8 = ram.u8;
    this.codePages = new Uint8Array(ram.size >>> 12);
    this.dirty = new Uint8Array(ram.size >>> 12);
    this.setUser(false);
  }

  setUser(user: boolean): void {
    this.user = user;
    const o = user ? 3 : 0;
    this.r = this.sets[o];
    this.w = this.sets[o + 1];
    this.x = this.sets[o + 2];
  }

  flushTlb(): void {
    for (const s of this.sets) s.flush();
    this.largeRegions.clear();
    this.host.mappingChanged();
  }

  /**
   * INVLPG: drop the translations of the page holding `la`. The TLB holds
   * 4 KiB pieces even of 2 MiB / 1 GiB pages, and INVLPG must drop the whole
   * page (SDM Vol. 3 §4.10.4.1): when a walk in the same 1 GiB region ended
   * at a large page since the last flush, every entry of the region goes
   * (dropping more than needed is always allowed); otherwise only `la`'s own
   * 4 KiB entries can hold it. (Linux issues INVLPG for each user page it
   * unmaps; scanning all six sets every time was 15 % of its boot.)
   */
  invlpg(la: number): void {
    const region = Math.floor(la / 2 ** 30);
    if (this.largeRegions.size !== 0 && this.largeRegions.delete(region)) {
      for (const s of this.sets) {
        const tag = s.tag;
        for (let i = 0; i < TLB_SIZE; i++) if (Math.floor(tag[i] / 262144) === region) tag[i] = NaN;
      }
      return;
    }
    const vpn = (la - (la & 0xfff)) / 4096;
    const i = vpn & TLB_MASK;
    for (const s of this.sets) if (s.tag[i] === vpn) s.tag[i] = NaN;
  }

  /** 1 GiB regions (la / 2^30) where a walk ended at a 2 MiB / 1 GiB page since the TLB was last flushed (invlpg). */
  private readonly largeRegions = new Set<number>();

  /** Drop every write-TLB entry (a page just became a code page). */
  flushWrites(): void {
    this.sets[1].flush();
    this.sets[4].flush();
  }

  // ---------------------------------------------------------------- reads
  read8(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.r.tag[i] === vpn) return this.u8[this.r.pa[i] + off];
    return this.readSlow(la, 1);
  }

  read16(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.r.tag[i] === vpn && off <= 0xffe) return this.dv.getUint16(this.r.pa[i] + off, true);
    return this.readSlow(la, 2);
  }

  read32(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.r.tag[i] === vpn && off <= 0xffc) return this.dv.getInt32(this.r.pa[i] + off, true);
    return this.readSlow(la, 4);
  }

  /** Returns the low half; the high half is left in `this.hi`. */
  read64(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.r.tag[i] === vpn && off <= 0xff8) {
      const pa = this.r.pa[i] + off;
      this.hi = this.dv.getInt32(pa + 4, true);
      return this.dv.getInt32(pa, true);
    }
    return this.read64Slow(la);
  }

  // --------------------------------------------------------------- writes
  write8(la: number, v: number): void {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn) this.u8[this.w.pa[i] + off] = v;
    else this.writeSlow(la, 1, v);
  }

  write16(la: number, v: number): void {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn && off <= 0xffe) this.dv.setUint16(this.w.pa[i] + off, v, true);
    else this.writeSlow(la, 2, v);
  }

  write32(la: number, v: number): void {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn && off <= 0xffc) this.dv.setInt32(this.w.pa[i] + off, v, true);
    else this.writeSlow(la, 4, v);
  }

  write64(la: number, lo: number, hi: number): void {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn && off <= 0xff8) {
      const pa = this.w.pa[i] + off;
      this.dv.setInt32(pa, lo, true);
      this.dv.setInt32(pa + 4, hi, true);
      return;
    }
    this.precheck(la, 8, ACCESS_WRITE);
    this.writeSlow(la, 4, lo);
    this.writeSlow(la + 4, 4, hi);
  }

  // ------------------------------------------------- read-modify-write reads
  // The read of a read-modify-write instruction is translated with write
  // intent, as the CPU does: a fault on it reports W=1 (SDM Vol. 3 §4.7), and
  // once it succeeded the store that follows cannot fault.
  rmw8(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn) return this.u8[this.w.pa[i] + off];
    this.precheck(la, 1, ACCESS_WRITE);
    return this.readSlow(la, 1);
  }

  rmw16(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn && off <= 0xffe) return this.dv.getUint16(this.w.pa[i] + off, true);
    this.precheck(la, 2, ACCESS_WRITE);
    return this.readSlow(la, 2);
  }

  rmw32(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn && off <= 0xffc) return this.dv.getInt32(this.w.pa[i] + off, true);
    this.precheck(la, 4, ACCESS_WRITE);
    return this.readSlow(la, 4);
  }

  /** Returns the low half; the high half is left in `this.hi`. */
  rmw64(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.w.tag[i] === vpn && off <= 0xff8) {
      const pa = this.w.pa[i] + off;
      this.hi = this.dv.getInt32(pa + 4, true);
      return this.dv.getInt32(pa, true);
    }
    this.precheck(la, 8, ACCESS_WRITE);
    return this.read64Slow(la);
  }

  /** Read `size` bytes (1, 2, 4, 8; 8 leaves the high half in `hi`) for a read-modify-write. */
  rmwSized(la: number, size: number): number {
    switch (size) {
      case 1: return this.rmw8(la);
      case 2: return this.rmw16(la);
      case 4: return this.rmw32(la);
      default: return this.rmw64(la);
    }
  }

  /** Probe a store without performing it (read-modify-write instructions check first). */
  checkWritable(la: number): void {
    this.translate(la, ACCESS_WRITE);
  }

  /** Physical address of an instruction fetch at `la` (checks execute permission). */
  fetchPa(la: number): number {
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    const i = vpn & TLB_MASK;
    if (this.x.tag[i] === vpn) return this.x.pa[i] + off;
    const pa = this.translate(la, ACCESS_FETCH);
    if (pa + 1 <= this.ram.size) {
      this.x.tag[i] = vpn;
      this.x.pa[i] = pa - off;
    }
    return pa;
  }

  /** Fetch one code byte (decoder slow path and page-crossing instructions). */
  fetch8(la: number): number {
    const pa = this.fetchPa(la);
    if (pa < this.ram.size) return this.u8[pa];
    return (this.mmio.fetch !== undefined ? this.mmio.fetch(pa) : this.mmio.read(pa, 1)) & 0xff;
  }

  // ------------------------------------------------------------ slow paths
  /**
   * Translate every page an access of `size` bytes touches, first page first,
   * so a fault reports the first inaccessible byte (CR2 = the start of the
   * second page for a page-crossing access) before anything is stored; then
   * the alignment check (#AC has lower priority than #PF, SDM Vol. 3 Table 6-2).
   */
  private precheck(la: number, size: number, access: number): void {
    const off = la & 0xfff;
    this.translate(la, access);
    if (off + size > 4096) this.translate(la - off + 4096, access);
    this.checkAlignment(la, size);
  }

  /**
   * Alignment checking (SDM Vol. 3 §6.15, #AC): CR0.AM, RFLAGS.AC and a CPL 3
   * data access. While it is on, the CPU keeps the TLB unfilled, so every
   * access comes through a slow path and is checked here.
   */
  alignCheck = false;
  private checkAlignment(la: number, size: number): void {
    if (this.alignCheck && this.user && (la & (size - 1)) !== 0) throw new GuestFault(AC, 0);
  }

  private read64Slow(la: number): number {
    this.precheck(la, 8, ACCESS_READ);
    const lo = this.readSlow(la, 4);
    this.hi = this.readSlow(la + 4, 4);
    return lo;
  }

  private readSlow(la: number, size: number): number {
    const off = la & 0xfff;
    if (off + size > 4096) {
      this.precheck(la, size, ACCESS_READ);
      // Page-crossing: assemble from bytes (each byte checks its own page).
      let v = 0;
      for (let k = 0; k < size; k++) v |= this.read8(la + k) << (8 * k);
      return size === 4 ? v | 0 : v >>> 0;
    }
    const pa = this.translate(la, ACCESS_READ);
    this.checkAlignment(la, size);
    if (this.watchedPages.length !== 0) this.host.dataAccess(la, size, false);
    if (pa + size > this.ram.size) return this.mmio.read(pa, size);
    this.fill(this.r, la, pa);
    if (size === 1) return this.u8[pa];
    if (size === 2) return this.dv.getUint16(pa, true);
    return this.dv.getInt32(pa, true);
  }

  private writeSlow(la: number, size: number, v: number): void {
    const off = la & 0xfff;
    if (off + size > 4096) {
      this.precheck(la, size, ACCESS_WRITE);
      for (let k = 0; k < size; k++) this.write8(la + k, (v >>> (8 * k)) & 0xff);
      return;
    }
    const pa = this.translate(la, ACCESS_WRITE);
    this.checkAlignment(la, size);
    if (this.watchedPages.length !== 0) this.host.dataAccess(la, size, true);
    if (pa + size > this.ram.size) {
      this.mmio.write(pa, size, v);
      return;
    }
    const ppn = pa >>> 12;
    if (this.codePages[ppn]) {
      this.codePages[ppn] = 0;
      this.host.codeWritten(ppn);
    } else {
      this.fill(this.w, la, pa);
    }
    if (size === 1) this.u8[pa] = v;
    else if (size === 2) this.dv.setUint16(pa, v, true);
    else this.dv.setInt32(pa, v, true);
  }

  private fill(set: TlbSet, la: number, pa: number): void {
    if (this.alignCheck || this.noFill) return;
    const off = la & 0xfff;
    const vpn = (la - off) / 4096;
    if (this.watchedPages.length !== 0 && this.watchedPages.includes(vpn)) return;
    const i = vpn & TLB_MASK;
    set.tag[i] = vpn;
    set.pa[i] = pa - off;
  }

  // ------------------------------------------------------------ page walk
  /**
   * Translate for an access, setting accessed/dirty bits, or raise #PF with
   * the SDM error code (and remember the address for CR2).
   */
  translate(la: number, access: number): number {
    const write = access === ACCESS_WRITE;
    if (!this.paging) {
      this.noFill = false;
      const pa = la < 0 ? la + TWO48 : la;
      if (write) this.markDirty(pa);
      return pa;
    }
    const fetch = access === ACCESS_FETCH;
    const u = la < 0 ? la + TWO48 : la; // 48-bit linear address
    const dv = this.dv;
    let table = this.cr3 - (this.cr3 % 4096);
    let userOk = true, writeOk = true, nx = false;
    let frame = 0, pageSize = 0;
    // Entry addresses, so A/D bits are set only when the walk succeeds.
    const entries = this.walkEntries;
    let n = 0;
    for (let level = 4; level >= 1; level--) {
      const shift = 12 + 9 * (level - 1);
      const idx = Math.floor(u / 2 ** shift) & 0x1ff;
      const ea = table + idx * 8;
      if (ea + 8 > this.ram.size) this.pageFault(la, access, false, false);
      const lo = dv.getUint32(ea, true), hi = dv.getUint32(ea + 4, true);
      if ((lo & 1) === 0) this.pageFault(la, access, false, false);
      if (reservedBits(level, lo, hi, this.nxe)) this.pageFault(la, access, true, true);
      entries[n++] = ea;
      if ((lo & 2) === 0) writeOk = false;
      if ((lo & 4) === 0) userOk = false;
      if (hi >>> 31) nx = true;
      const base = (hi & 0xfffff) * TWO32 + (lo & 0xfffff000) + (lo & 0x80000000 ? TWO32 : 0);
      if (level === 1 || ((lo & 0x80) !== 0 && level <= 3)) {
        pageSize = 2 ** shift;
        frame = base - (base % pageSize);
        if (level > 1) this.largeRegions.add(Math.floor(la / 2 ** 30));
        break;
      }
      table = base;
    }
    const user = this.user;
    if ((user && !userOk) || (write && !writeOk && (user || this.wp)) || (fetch && nx && this.nxe)) {
      this.pageFault(la, access, true, false);
    }
    if (!user && userOk && (fetch ? this.smep : this.smap && !this.smapAc)) this.pageFault(la, access, true, false);
    this.noFill = !user && userOk && this.smap && !fetch;
    // Set accessed on every level and dirty on the leaf for a store (SDM §4.8).
    for (let k = 0; k < n; k++) {
      const ea = entries[k];
      const old = dv.getUint32(ea, true);
      let lo = old | 0x20;
      if (write && k === n - 1) lo |= 0x40;
      if ((lo >>> 0) !== old) {
        dv.setUint32(ea, lo >>> 0, true);
        this.dirty[ea >>> 12] = 1;
      }
    }
    const pa = frame + (u % pageSize);
    if (write) this.markDirty(pa);
    return pa;
  }

  private markDirty(pa: number): void {
    if (pa < this.ram.size) this.dirty[pa >>> 12] = 1;
  }

  private readonly walkEntries = new Float64Array(4);

  private pageFault(la: number, access: number, present: boolean, rsvd: boolean): never {
    this.faultLa = la;
    let ec = present ? PFEC_P : 0;
    if (access === ACCESS_WRITE) ec |= PFEC_W;
    if (this.user) ec |= PFEC_U;
    if (rsvd) ec |= PFEC_RSVD | PFEC_P;
    if (access === ACCESS_FETCH && (this.nxe || this.smep)) ec |= PFEC_I;
    throw new GuestFault(PF, ec);
  }
}
