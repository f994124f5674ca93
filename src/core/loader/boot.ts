/**
 * Putting a guest image into guest memory with the register state it boots
 * with, the same for both backends (the VMM applies it with KVM_SET_SREGS,
 * KVM_SET_REGS and KVM_SET_XCRS).
 *
 * The tables come from the shared long-mode builder (src/core/boot/longmode.ts:
 * GDT at 0x1000, TSS at 0x1100, page tables at 0x3000-0x6fff, boot stack
 * 0x8000-0xffff; everything the loader owns is below 0x10000):
 *
 * - an ELF image (the vmos boot protocol, docs/guest.md): the map is cut to
 *   the guest's RAM (64 MiB by default), supervisor-only, page 0 left
 *   unmapped; CR0 = PE|MP|ET|NE|WP|PG; RSP = the boot stack top; RDI = the
 *   boot-info block at BOOT_INFO_ADDR; XCR0 = x87|SSE.
 * - a raw binary (`load raw FILE at GPA`, commands.md): the first 1 GiB
 *   identity-mapped, RIP = entry, every other register 0.
 */
import {
  BOOT_PD_ADDR, BOOT_PT_ADDR, BOOT_STACK_TOP, BOOT_TABLES_END, writeLongModeTables,
} from '../boot/longmode.ts';
import type { MachineState } from '../boot/state.ts';
import { ImageError, type Elf64 } from './elf.ts';
import { SymbolTable } from './symbols.ts';

export { DEFAULT_GUEST_MEM, RAW_GUEST_MEM } from './guest-mem.ts';
/** The boot-info block (in the GDT/TSS page, after the TSS). */
export const BOOT_INFO_ADDR = 0x1800;
/** "VMOSBOOT" little-endian: boot_info.magic */
export const BOOT_INFO_MAGIC = 0x544f4f42534f4d56n;
/** CR0 = PE | MP | ET | NE | WP | PG (docs/guest.md; no AM, unlike the test builder). */
export const GUEST_CR0 = 0x80010033n;
/** XCR0 at entry: x87 | SSE. */
export const GUEST_XCR0 = 0x3n;
/** Lowest guest-physical address an image may occupy. */
export const IMAGE_MIN_ADDR = BOOT_TABLES_END;

export interface BootState extends MachineState {
  xcr0: bigint;
}

export interface LoadedImage {
  state: BootState;
  /** The symbols of an ELF image (empty for a raw binary). */
  symbols: SymbolTable;
  /** Guest-physical bounds of what was loaded. */
  start: bigint;
  end: bigint;
}

export function checkMemory(memory: Uint8Array, name: string): void {
  if (memory.length < 2 * BOOT_TABLES_END) throw new ImageError(name, `guest memory of ${memory.length} bytes is too small for the loader's tables and an image`);
}

/**
 * Loads the PT_LOAD segments of `elf` at their physical addresses (p_paddr),
 * zero-fills their .bss parts, writes the boot tables and the boot-info
 * block, and returns the entry state.
 */
export function loadElf(memory: Uint8Array, elf: Elf64): LoadedImage {
  checkMemory(memory, elf.name);
  const { start, end } = checkSegments(memory, elf);
  const state = writeLongModeTables(memory);
  restrictMap(memory, memory.length);
  copySegments(memory, elf);
  const size = BigInt(memory.length);
  const info = new DataView(memory.buffer, memory.byteOffset + BOOT_INFO_ADDR, 40);
  info.setBigUint64(0, BOOT_INFO_MAGIC, true);
  info.setBigUint64(8, size, true);
  info.setBigUint64(16, start, true);
  info.setBigUint64(24, end, true);
  info.setBigUint64(32, BigInt(BOOT_TABLES_END), true);
  state.regs.rip = elf.entry;
  state.regs.rsp = BigInt(BOOT_STACK_TOP);
  state.regs.rdi = BigInt(BOOT_INFO_ADDR);
  state.sregs.cr0 = GUEST_CR0;
  return { state: { ...state, xcr0: GUEST_XCR0 }, symbols: new SymbolTable(elf.symbols), start, end };
}

/** The physical bounds of the PT_LOAD segments, refused if one overlaps the loader's tables or runs past guest RAM. */
export function checkSegments(memory: Uint8Array, elf: Elf64): { start: bigint; end: bigint } {
  const size = BigInt(memory.length);
  let start = size, end = 0n;
  for (const s of elf.segments) {
    const lo = s.paddr, hi = s.paddr + BigInt(s.memsz);
    if (lo < BigInt(IMAGE_MIN_ADDR)) {
      throw new ImageError(elf.name, `segment ${s.index} at 0x${lo.toString(16)} overlaps the loader's tables below 0x${IMAGE_MIN_ADDR.toString(16)}`);
    }
    if (hi > size) {
      throw new ImageError(elf.name, `segment ${s.index} (0x${lo.toString(16)}-0x${hi.toString(16)}) does not fit in ${memory.length >> 20} MiB of guest memory`);
    }
    if (lo < start) start = lo;
    if (hi > end) end = hi;
  }
  return { start, end };
}

/** Copies each PT_LOAD segment to its physical address (p_paddr) and zero-fills its .bss part. */
export function copySegments(memory: Uint8Array, elf: Elf64): void {
  for (const s of elf.segments) {
    const at = Number(s.paddr);
    memory.set(elf.bytes.subarray(s.offset, s.offset + s.filesz), at);
    memory.fill(0, at + s.filesz, at + s.memsz);
  }
}

/**
 * The builder maps 1 GiB: keep only the guest's RAM (2 MiB pages of the PD,
 * rounded up) and unmap page 0 so that a null pointer faults.
 */
function restrictMap(memory: Uint8Array, memSize: number): void {
  const v = new DataView(memory.buffer, memory.byteOffset, BOOT_TABLES_END);
  const keep = Math.ceil(memSize / (2 << 20));
  for (let i = keep; i < 512; i++) v.setBigUint64(BOOT_PD_ADDR + 8 * i, 0n, true);
  v.setBigUint64(BOOT_PT_ADDR, 0n, true);
}

/**
 * `load raw FILE at GPA [entry ADDR]`: the bytes at `gpa`, 64-bit mode, CPL 0,
 * the first 1 GiB identity-mapped, flat GDT; RIP = entry (default gpa),
 * RFLAGS = 0x2, every other register 0 (the image sets up its own stack).
 */
export function loadRaw(memory: Uint8Array, bytes: Uint8Array, gpa: number, entry: number = gpa, name = 'raw image'): LoadedImage {
  checkMemory(memory, name);
  if (bytes.length === 0) throw new ImageError(name, 'empty file, nothing to load');
  if (gpa < IMAGE_MIN_ADDR) throw new ImageError(name, `load address 0x${gpa.toString(16)} is inside the loader's tables (below 0x${IMAGE_MIN_ADDR.toString(16)})`);
  if (gpa + bytes.length > memory.length) {
    throw new ImageError(name, `${bytes.length} bytes at 0x${gpa.toString(16)} do not fit in ${memory.length >> 20} MiB of guest memory`);
  }
  const state = writeLongModeTables(memory, { entry: BigInt(entry), stackTop: 0n });
  memory.set(bytes, gpa);
  return { state: { ...state, xcr0: GUEST_XCR0 }, symbols: new SymbolTable([]), start: BigInt(gpa), end: BigInt(gpa + bytes.length) };
}
