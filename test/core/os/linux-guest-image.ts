/**
 * A guest-physical memory image with 4-level page tables and task_structs
 * laid out as a Linux 6.1 x86-64 kernel lays them out (the offsets are the
 * bundled kernel's, guests/linux/linux-offsets.json): the kernel image
 * mapped at __START_KERNEL_map, everything else through the direct map at
 * PAGE_OFFSET. For unit tests of the task-list walk (src/core/os/linux.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GuestMemory } from '../../../src/core/os/awareness.ts';
import { parseLinuxOffsets, type LinuxOffsets } from '../../../src/core/os/linux-offsets.ts';
import { physReader } from '../../../src/core/os/vmos.ts';
import { readVirtual, translate } from '../../../src/commands/session/memory.ts';

export const OFFSETS: LinuxOffsets = parseLinuxOffsets(readFileSync(fileURLToPath(new URL('../../../guests/linux/linux-offsets.json', import.meta.url)), 'utf8'));
export const TASK_SIZE = 6080;
const PAGE_OFFSET = 0xffff_8880_0000_0000n;
const KERNEL_MAP = 0xffff_ffff_8000_0000n;

export class LinuxImage {
  readonly mem = new Uint8Array(8 << 20);
  private next = 0x1000; // the page allocator (page tables and structures)
  readonly cr3: bigint;
  /** The kernel image's physical base, mapped at KERNEL_MAP + it. */
  readonly kernelPa = 0x40_0000;

  constructor() {
    this.cr3 = BigInt(this.alloc());
    // The kernel image (1 MiB) at __START_KERNEL_map + its physical address.
    for (let off = 0; off < 1 << 20; off += 0x1000) this.map(KERNEL_MAP + BigInt(this.kernelPa + off), BigInt(this.kernelPa + off));
  }

  /** A zeroed page; its physical address. */
  alloc(pages = 1): number {
    const pa = this.next;
    this.next += pages * 0x1000;
    if (this.next > 0x40_0000) throw new Error('page allocator full');
    return pa;
  }

  /** Maps the 4 KiB page at `va` to `pa` (present, writable). */
  map(va: bigint, pa: bigint): void {
    let table = this.cr3;
    for (const shift of [39n, 30n, 21n]) {
      const at = Number(table) + Number((va >> shift) & 0x1ffn) * 8;
      let e = this.u64(at);
      if ((e & 1n) === 0n) {
        e = BigInt(this.alloc()) | 3n;
        this.setU64(at, e);
      }
      table = e & 0x000f_ffff_ffff_f000n;
    }
    this.setU64(Number(table) + Number((va >> 12n) & 0x1ffn) * 8, pa | 3n);
  }

  /** The direct-map address of `pa`, mapped for `len` bytes. */
  direct(pa: number, len: number): bigint {
    for (let p = pa & ~0xfff; p < pa + len; p += 0x1000) this.map(PAGE_OFFSET + BigInt(p), BigInt(p));
    return PAGE_OFFSET + BigInt(pa);
  }

  /** Kernel-image virtual address of offset `off` into the image. */
  kernelVa(off: number): bigint {
    return KERNEL_MAP + BigInt(this.kernelPa + off);
  }

  pa(va: bigint): number {
    return Number(translate(this.mem, { cr3: this.cr3, enabled: true }, va));
  }

  u64(pa: number): bigint {
    return new DataView(this.mem.buffer).getBigUint64(pa, true);
  }
  setU64(pa: number, v: bigint): void {
    new DataView(this.mem.buffer).setBigUint64(pa, BigInt.asUintN(64, v), true);
  }
  setU32(pa: number, v: number): void {
    new DataView(this.mem.buffer).setUint32(pa, v >>> 0, true);
  }
  setBytes(pa: number, b: Uint8Array | string): void {
    this.mem.set(typeof b === 'string' ? Buffer.from(b, 'latin1') : b, pa);
  }

  /** A new task_struct in the direct map (two pages: it is 6080 bytes); its virtual address. */
  newTask(): bigint {
    const pa = this.alloc(2);
    return this.direct(pa, TASK_SIZE);
  }

  /** Fills the task_struct at `t`. `mm`: an mm_struct's address (0n: none). */
  task(t: bigint, f: { pid: number; tgid?: number; comm: string | Uint8Array; state?: number; exitState?: number; flags?: number; mm?: bigint; parent?: bigint }): void {
    const o = OFFSETS.task;
    const w32 = (off: number, v: number) => this.setU32(this.pa(t + BigInt(off)), v);
    w32(o.pid, f.pid);
    w32(o.tgid, f.tgid ?? f.pid);
    w32(o.state, f.state ?? 0);
    w32(o.exitState!, f.exitState ?? 0);
    w32(o.flags, f.flags ?? 0);
    this.setU64(this.pa(t + BigInt(o.mm)), f.mm ?? 0n);
    this.setU64(this.pa(t + BigInt(o.realParent!)), f.parent ?? t);
    const comm = new Uint8Array(OFFSETS.commLen);
    comm.set(typeof f.comm === 'string' ? Buffer.from(f.comm, 'latin1') : f.comm);
    this.setBytes(this.pa(t + BigInt(o.comm)), comm);
  }

  /** Links tasks into the circular `tasks` list in this order (the first is init_task). */
  link(tasks: bigint[]): void {
    const off = BigInt(OFFSETS.task.tasks);
    tasks.forEach((t, i) => {
      const next = tasks[(i + 1) % tasks.length], prev = tasks[(i + tasks.length - 1) % tasks.length];
      this.setU64(this.pa(t + off), next + off);
      this.setU64(this.pa(t + off + 8n), prev + off);
    });
  }

  /** An mm_struct whose pgd is a fresh page; the mm's address and the pgd's physical address. */
  newMm(): { mm: bigint; pgdPa: number } {
    const mm = this.direct(this.alloc(), 0x1000);
    const pgdPa = this.alloc();
    this.setU64(this.pa(mm + BigInt(OFFSETS.mmPgd)), this.direct(pgdPa, 0x1000));
    return { mm, pgdPa };
  }

  /** The reader a module gets, reading kernel memory through `cr3s` (default this image's CR3). */
  memory(cr3s: bigint[] = [this.cr3]): GuestMemory {
    const paging = (cr3: bigint) => ({ cr3, enabled: true });
    return {
      physical: physReader(this.mem),
      translate: (cr3, va) => translate(this.mem, paging(cr3), va),
      virtual: (cr3, va, n) => readVirtual(this.mem, paging(cr3), va, n),
      kernelCr3s: () => cr3s,
    };
  }
}
