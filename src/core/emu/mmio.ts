/**
 * Guest-physical memory of an emulated VM: KVM memory slots over userspace
 * allocations, and the CPU's MMIO hook for everything outside flat RAM.
 *
 * - The slot at GPA 0 that spans a whole allocation is the CPU's flat RAM
 *   (a zero-copy PhysMemory over the same ArrayBuffer): the fast path.
 * - Any other slot is reached through the MMIO hook (`Mmu.mmio`): slower,
 *   byte-exact.
 * - An address in no slot is MMIO for userspace (KVM_EXIT_MMIO): a read
 *   VM-exits before the instruction completes (the hypervisor re-executes it
 *   with the data userspace wrote into run->mmio.data); a write completes and
 *   is queued, and the CPU is asked to stop after the instruction.
 */
import type { Cpu } from '../../emu/cpu.ts';
import { EXIT_FETCH_MMIO, EXIT_MMIO } from '../../emu/exits.ts';
import type { MmioHandler } from '../../emu/memory.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import type { KvmUserspaceMemoryRegion } from '../uapi/structs.ts';

const PAGE = 4096n;
/** KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY (check_memory_region_flags). */
const KVM_MEM_LOG_DIRTY_PAGES = 1;
const KVM_MEM_READONLY = 2;
/** KVM_USER_MEM_SLOTS on x86 (KVM_MEM_SLOTS_NUM − private slots). */
export const KVM_USER_MEM_SLOTS = 32764;
/** x86: two address spaces (normal + SMM). */
const KVM_ADDRESS_SPACE_NUM = 2;

/** Where a userspace address lives: an allocation's bytes and the offset in them. */
export interface HostRange {
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  /** The allocation starts at this address and covers the whole buffer. */
  readonly whole: boolean;
}

export interface MemSlot {
  readonly slot: number;
  readonly flags: number;
  readonly gpa: number;
  readonly size: number;
  readonly userspaceAddr: bigint;
  readonly bytes: Uint8Array;
  readonly whole: boolean;
}

export class MemorySlots {
  readonly slots = new Map<number, MemSlot>();

  constructor(private readonly resolve: (addr: bigint, size: bigint) => HostRange | undefined) {}

  /** KVM_SET_USER_MEMORY_REGION checks (kvm_main.c __kvm_set_memory_region, check_memory_region_flags). */
  set(r: KvmUserspaceMemoryRegion, flatRamInUse: (s: MemSlot) => boolean): void {
    const fail = (errno: number, detail: string): never => {
      throw new KvmError(errno, 'KVM_SET_USER_MEMORY_REGION', detail);
    };
    if (r.flags & ~(KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY)) fail(Errno.EINVAL, `unknown flags 0x${r.flags.toString(16)}`);
    const asId = r.slot >>> 16, id = r.slot & 0xffff;
    if (asId >= KVM_ADDRESS_SPACE_NUM || id >= KVM_USER_MEM_SLOTS) fail(Errno.EINVAL, `slot ${r.slot} out of range`);
    if (r.memory_size % PAGE !== 0n) fail(Errno.EINVAL, 'memory_size is not page-aligned');
    if (r.guest_phys_addr % PAGE !== 0n) fail(Errno.EINVAL, 'guest_phys_addr is not page-aligned');
    if (r.userspace_addr % PAGE !== 0n) fail(Errno.EINVAL, 'userspace_addr is not page-aligned');
    if (r.guest_phys_addr + r.memory_size > (1n << 64n) - 1n) fail(Errno.EINVAL, 'the region wraps around');
    const old = this.slots.get(r.slot);
    if (r.memory_size === 0n) {
      if (old === undefined) fail(Errno.EINVAL, `slot ${r.slot} does not exist`);
      if (flatRamInUse(old!)) fail(Errno.EBUSY, 'emu: the flat-RAM slot cannot be removed once vCPUs run on it');
      this.slots.delete(r.slot);
      return;
    }
    if (asId !== 0) fail(Errno.EINVAL, 'emu: SMM address space is not supported');
    if (r.guest_phys_addr + r.memory_size > 2n ** 52n) fail(Errno.EINVAL, 'guest_phys_addr beyond MAXPHYADDR');
    if (old !== undefined) {
      if (r.userspace_addr !== old.userspaceAddr || Number(r.memory_size) !== old.size || (r.flags ^ old.flags) & KVM_MEM_READONLY) {
        fail(Errno.EINVAL, 'an existing slot may only move or change its dirty-logging flag');
      }
      if (Number(r.guest_phys_addr) !== old.gpa && flatRamInUse(old)) fail(Errno.EBUSY, 'emu: the flat-RAM slot cannot move once vCPUs run on it');
    }
    const gpa = Number(r.guest_phys_addr), size = Number(r.memory_size);
    for (const s of this.slots.values()) {
      if (s.slot === r.slot) continue;
      if (gpa < s.gpa + s.size && s.gpa < gpa + size) fail(Errno.EEXIST, `overlaps slot ${s.slot}`);
    }
    const host = this.resolve(r.userspace_addr, r.memory_size);
    if (host === undefined) fail(Errno.EFAULT, 'userspace_addr is not memory from allocMemory');
    const h = host!;
    const bytes = new Uint8Array(h.buffer, h.offset, size);
    this.slots.set(r.slot, {
      slot: r.slot, flags: r.flags, gpa, size, userspaceAddr: r.userspace_addr, bytes,
      whole: h.whole && h.offset === 0 && size === h.buffer.byteLength,
    });
  }

  /** The slot that can be the CPU's flat RAM (GPA 0, a whole allocation). */
  flatRam(): MemSlot | undefined {
    for (const s of this.slots.values()) if (s.gpa === 0 && s.whole && (s.flags & KVM_MEM_READONLY) === 0) return s;
    return undefined;
  }

  find(pa: number): MemSlot | undefined {
    for (const s of this.slots.values()) if (pa >= s.gpa && pa < s.gpa + s.size) return s;
    return undefined;
  }
}

/** A pending MMIO access for userspace. */
export interface MmioAccess {
  pa: number;
  size: number;
  isWrite: boolean;
  /** Little-endian data (writes: what the guest wrote). */
  data: Uint8Array;
}

/**
 * The CPU's MMIO hook for one vCPU: slots other than flat RAM, and userspace
 * MMIO (reads exit, re-executed with the answer; writes queued).
 */
export class MmioBus implements MmioHandler {
  /** A read waiting for userspace (the instruction did not execute). */
  pendingRead: MmioAccess | null = null;
  /** Writes the guest made, reported one KVM_EXIT_MMIO each. */
  readonly writes: MmioAccess[] = [];
  /** Answers for the reads of the instruction being re-executed, in order. */
  private answers: number[] = [];
  private answersAt = -1;
  private readIndex = 0;

  constructor(
    private readonly cpu: Cpu,
    private readonly slots: MemorySlots,
  ) {}

  /** Before an entry: the next access of the instruction starts at read 0 again. */
  rewind(): void {
    this.readIndex = 0;
  }

  /** complete_emulated_mmio: the data userspace wrote for the pending read. */
  answer(data: Uint8Array): void {
    const r = this.pendingRead;
    if (r === null) return;
    let v = 0;
    for (let k = r.size - 1; k >= 0; k--) v = v * 256 + data[k];
    if (this.answersAt !== this.cpu.icount) this.answers = [];
    this.answersAt = this.cpu.icount;
    this.answers.push(r.size === 4 ? v | 0 : v);
    this.pendingRead = null;
  }

  read(pa: number, size: number): number {
    const s = this.slots.find(pa);
    if (s !== undefined && pa + size <= s.gpa + s.size) {
      const o = pa - s.gpa;
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + s.bytes[o + k];
      return size === 4 ? v | 0 : v;
    }
    if (s !== undefined) {
      // Crossing out of a slot: byte by byte.
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = v * 256 + (this.read(pa + k, 1) & 0xff);
      return size === 4 ? v | 0 : v;
    }
    if (this.answersAt === this.cpu.icount && this.readIndex < this.answers.length) return this.answers[this.readIndex++];
    if (this.answersAt !== this.cpu.icount) this.answers = [];
    this.pendingRead = { pa, size, isWrite: false, data: new Uint8Array(8) };
    return this.cpu.vmexit(EXIT_MMIO);
  }

  /**
   * An instruction byte outside flat RAM: a slot's byte, else a VM-exit. KVM
   * takes an EPT violation on the fetch, finds no memslot (MMIO), and its
   * emulator cannot fetch the instruction from MMIO: emulation fails
   * (handle_emulation_failure → KVM_EXIT_INTERNAL_ERROR, suberror EMULATION).
   */
  fetch(pa: number): number {
    const s = this.slots.find(pa);
    if (s !== undefined) return s.bytes[pa - s.gpa];
    this.cpu.exit.fetchPa = pa;
    return this.cpu.vmexit(EXIT_FETCH_MMIO);
  }

  write(pa: number, size: number, value: number): void {
    const s = this.slots.find(pa);
    if (s !== undefined) {
      if ((s.flags & KVM_MEM_READONLY) === 0 && pa + size <= s.gpa + s.size) {
        for (let k = 0; k < size; k++) s.bytes[pa - s.gpa + k] = (value >>> (8 * k)) & 0xff;
        return;
      }
      if (pa + size > s.gpa + s.size) {
        for (let k = 0; k < size; k++) this.write(pa + k, 1, (value >>> (8 * k)) & 0xff);
        return;
      }
      // A read-only slot: the write goes to userspace as MMIO (KVM_MEM_READONLY semantics).
    }
    const data = new Uint8Array(8);
    for (let k = 0; k < size; k++) data[k] = (value >>> (8 * k)) & 0xff;
    this.writes.push({ pa, size, isWrite: true, data });
    this.cpu.requestStop(); // exit after the instruction completed
  }
}
