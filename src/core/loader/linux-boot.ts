/**
 * Linux's 64-bit boot protocol (Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol"), for a bzImage or a vmlinux ELF, on both backends:
 *
 * - the CPU in 64-bit mode with paging on, the kernel, the zero page and the
 *   command line identity-mapped (the shared builder maps the first 1 GiB);
 * - a GDT with __BOOT_CS (0x10, 64-bit code) and __BOOT_DS (0x18, flat data),
 *   CS = __BOOT_CS, DS/ES/SS = __BOOT_DS, interrupts off;
 * - RSI = the physical address of struct boot_params (the "zero page"):
 *   the bzImage's setup header copied in, type_of_loader 0xff, the command
 *   line and initrd pointers, and an e820 map of guest RAM;
 * - RIP = the protected-mode kernel + 0x200 (bzImage) or e_entry (vmlinux).
 *
 * Guest-physical map: the builder's tables below 0x10000 (this GDT replaces
 * its GDT at 0x1000), the zero page at 0x10000, the command line at 0x20000,
 * the kernel at code32_start (0x100000) or at a vmlinux's p_paddr, the initrd
 * at the top of RAM below initrd_addr_max (as GRUB and QEMU place it).
 */
import {
  BOOT_GDT_ADDR, BOOT_STACK_TOP, BOOT_TSS_ADDR, BOOT_TSS_SIZE, descriptorBits, flatSegment, TSS_ACCESS, writeLongModeTables,
  type Descriptor,
} from '../boot/longmode.ts';
import { checkMemory, checkSegments, copySegments, type LoadedImage } from './boot.ts';
import { ENTRY_64_OFFSET, SETUP_HEADER_OFFSET, type BzImage } from './bzimage.ts';
import { ImageError, type Elf64 } from './elf.ts';
import { SymbolTable } from './symbols.ts';

export type LinuxKernel = { kind: 'bzimage'; bz: BzImage } | { kind: 'vmlinux'; elf: Elf64 };

export interface LinuxBootOptions {
  /** The kernel command line (ASCII, no NUL). */
  cmdline?: string;
  /** The initrd/initramfs bytes, if any. */
  initrd?: Uint8Array;
}

export const ZERO_PAGE_ADDR = 0x10000;
export const CMDLINE_ADDR = 0x20000;
/** The default load address of the protected-mode kernel (boot.rst: code32_start). */
export const KERNEL_LOAD_ADDR = 0x100000;
/** __BOOT_CS and __BOOT_DS (arch/x86/include/asm/segment.h: GDT_ENTRY_BOOT_CS = 2, GDT_ENTRY_BOOT_DS = 3). */
export const BOOT_CS = 0x10;
export const BOOT_DS = 0x18;
/** A TSS so that TR is usable (VMX requires it; GDT_ENTRY_BOOT_TSS = 4). */
export const BOOT_TSS = 0x20;
/** type_of_loader 0xff: "undefined" loader (boot.rst). */
export const LOADER_TYPE = 0xff;
/** COMMAND_LINE_SIZE on x86 (arch/x86/include/asm/setup.h) without the NUL: the limit for a vmlinux, which has no header. */
export const VMLINUX_CMDLINE_MAX = 2047;
/** The protocol version written into a vmlinux's (empty) header: 2.15. */
export const VMLINUX_PROTOCOL = 0x020f;
/** Where the kernel may put an initrd when the header does not say (boot.rst: initrd_addr_max before 2.03; vmlinux). */
const DEFAULT_INITRD_MAX = 0x37ffffff;
/** The loader does not model the PCI hole below 4 GiB: more RAM than this is refused. */
export const LINUX_MAX_MEM = 0xc0000000;

/** struct boot_params offsets (arch/x86/include/uapi/asm/bootparam.h). */
export const BP = {
  extRamdiskImage: 0x0c0, extRamdiskSize: 0x0c4, extCmdLinePtr: 0x0c8,
  e820Entries: 0x1e8, vidMode: 0x1fa, bootFlag: 0x1fe, header: 0x202, version: 0x206, typeOfLoader: 0x210,
  code32Start: 0x214, ramdiskImage: 0x218, ramdiskSize: 0x21c, cmdLinePtr: 0x228, cmdlineSize: 0x238, e820Table: 0x2d0,
} as const;
/** E820 types (arch/x86/include/asm/e820/types.h). */
export const E820_RAM = 1;
export const E820_RESERVED = 2;
/** End of conventional memory below the EBDA, and the BIOS area QEMU's e820 reserves (SeaBIOS). */
const EBDA_START = 0x9fc00;
const BIOS_START = 0xf0000;

export interface E820Entry {
  addr: number;
  size: number;
  type: number;
}

/** The e820 map of `memSize` bytes of RAM at GPA 0, with the usual PC holes (EBDA, VGA/ROM area). */
export function e820Map(memSize: number): E820Entry[] {
  return [
    { addr: 0, size: EBDA_START, type: E820_RAM },
    { addr: EBDA_START, size: 0xa0000 - EBDA_START, type: E820_RESERVED },
    { addr: BIOS_START, size: 0x100000 - BIOS_START, type: E820_RESERVED },
    { addr: 0x100000, size: memSize - 0x100000, type: E820_RAM },
  ];
}

const mib = (n: number): string => `${+(n / 2 ** 20).toFixed(1)} MiB`;
const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** Loads a Linux kernel (+ initrd, cmdline) into `memory` and returns the 64-bit entry state. */
export function loadLinux(memory: Uint8Array, kernel: LinuxKernel, opts: LinuxBootOptions = {}): LoadedImage {
  const name = kernel.kind === 'bzimage' ? kernel.bz.name : kernel.elf.name;
  checkMemory(memory, name);
  if (memory.length < 2 << 20) throw new ImageError(name, `guest memory of ${mib(memory.length)} is too small for Linux (the kernel loads at 1 MiB)`);
  if (memory.length > LINUX_MAX_MEM) throw new ImageError(name, `guest memory of ${mib(memory.length)} is more than the 3 GiB below the PCI hole, which the loader does not split`);
  const cmdline = opts.cmdline ?? '';
  const cmdlineMax = kernel.kind === 'bzimage' ? kernel.bz.header.cmdlineSize : VMLINUX_CMDLINE_MAX;
  if (!/^[\x20-\x7e\t\n]*$/.test(cmdline)) throw new ImageError(name, 'the command line has a NUL or a non-ASCII character');
  if (cmdline.length > cmdlineMax) throw new ImageError(name, `the command line is ${cmdline.length} bytes; this kernel takes at most ${cmdlineMax} (cmdline_size)`);

  // Where the kernel goes, checked before anything is written.
  let start: bigint, end: bigint, entry: bigint;
  if (kernel.kind === 'bzimage') {
    const h = kernel.bz.header;
    const at = h.code32Start || KERNEL_LOAD_ADDR;
    if (at < KERNEL_LOAD_ADDR) throw new ImageError(name, `code32_start ${hex(at)} is below 1 MiB`);
    const need = Math.max(kernel.bz.kernel.length, h.initSize);
    if (at + need > memory.length) {
      throw new ImageError(name, `the kernel needs ${mib(need)} (init_size) from ${hex(at)}, more than the guest's ${mib(memory.length)} of RAM (use a larger --mem)`);
    }
    start = BigInt(at);
    end = BigInt(at + need);
    entry = BigInt(at + ENTRY_64_OFFSET);
  } else {
    ({ start, end } = checkSegments(memory, kernel.elf));
    if (start < BigInt(KERNEL_LOAD_ADDR)) throw new ImageError(name, `vmlinux segment at ${hex(start)} is below 1 MiB`);
    entry = kernel.elf.entry;
    if (entry < start || entry >= end) throw new ImageError(name, `e_entry ${hex(entry)} is not a physical address inside the loaded segments (${hex(start)}-${hex(end)})`);
  }
  const initrd = opts.initrd;
  let initrdAt = 0;
  if (initrd && initrd.length > 0) {
    const max = kernel.kind === 'bzimage' && kernel.bz.header.initrdAddrMax ? kernel.bz.header.initrdAddrMax : DEFAULT_INITRD_MAX;
    const top = Math.min(memory.length, max + 1);
    initrdAt = Math.floor((top - initrd.length) / 4096) * 4096;
    if (initrdAt < Number(end)) {
      throw new ImageError(name, `the initrd of ${mib(initrd.length)} does not fit between the kernel's end (${hex(end)}) and ${hex(top)} (guest RAM ${mib(memory.length)}, initrd_addr_max ${hex(max)}; use a larger --mem)`);
    }
  }

  const state = writeLongModeTables(memory);
  writeLinuxGdt(memory);
  if (kernel.kind === 'bzimage') memory.set(kernel.bz.kernel, Number(start));
  else copySegments(memory, kernel.elf);
  if (initrd && initrd.length > 0) memory.set(initrd, initrdAt);
  memory.fill(0, CMDLINE_ADDR, CMDLINE_ADDR + cmdline.length + 1);
  memory.set(Buffer.from(cmdline, 'latin1'), CMDLINE_ADDR);
  writeZeroPage(memory, kernel, { cmdline, initrdAt, initrdSize: initrd?.length ?? 0, kernelAt: Number(start) });

  const code = flatSegment(BOOT_CODE_DESC);
  const data = flatSegment(BOOT_DATA_DESC);
  state.sregs.cs = code;
  for (const s of ['ds', 'es', 'fs', 'gs', 'ss'] as const) state.sregs[s] = { ...data };
  state.sregs.tr = { ...state.sregs.tr, selector: BOOT_TSS };
  state.sregs.gdt = { base: BigInt(BOOT_GDT_ADDR), limit: 6 * 8 - 1 };
  // As firmware leaves it: PE|ET|NE|PG, CR4 = PAE, EFER = LME|LMA; the kernel sets the rest itself.
  state.sregs.cr0 = 0x80000031n;
  state.sregs.cr4 = 0x20n;
  state.sregs.efer = 0x500n;
  state.regs.rip = entry;
  state.regs.rsi = BigInt(ZERO_PAGE_ADDR);
  state.regs.rsp = BigInt(BOOT_STACK_TOP);
  const symbols = new SymbolTable(kernel.kind === 'vmlinux' ? kernel.elf.symbols : []);
  return { state: { ...state, xcr0: 1n }, symbols, start, end };
}

/** End of struct setup_header in boot_params (kernel_info_offset at 0x268 is its last field). */
const SETUP_HEADER_END = 0x26c;

const BOOT_CODE_DESC: Descriptor = { selector: BOOT_CS, access: 0x9b, flags: 0xa };
const BOOT_DATA_DESC: Descriptor = { selector: BOOT_DS, access: 0x93, flags: 0xc };

/** null, null, __BOOT_CS, __BOOT_DS, TSS (two slots): the layout of Linux's own boot GDT (arch/x86/boot/pm.c). */
function writeLinuxGdt(memory: Uint8Array): void {
  const v = new DataView(memory.buffer, memory.byteOffset + BOOT_GDT_ADDR, 6 * 8);
  for (let i = 0; i < 6; i++) v.setBigUint64(i * 8, 0n, true);
  for (const d of [BOOT_CODE_DESC, BOOT_DATA_DESC]) v.setBigUint64(d.selector, descriptorBits(0, 0xfffff, d.access, d.flags), true);
  v.setBigUint64(BOOT_TSS, descriptorBits(BOOT_TSS_ADDR, BOOT_TSS_SIZE - 1, TSS_ACCESS, 0), true);
}

function writeZeroPage(memory: Uint8Array, kernel: LinuxKernel, p: { cmdline: string; initrdAt: number; initrdSize: number; kernelAt: number }): void {
  memory.fill(0, ZERO_PAGE_ADDR, ZERO_PAGE_ADDR + 4096);
  const v = new DataView(memory.buffer, memory.byteOffset + ZERO_PAGE_ADDR, 4096);
  if (kernel.kind === 'bzimage') {
    // boot.rst: the header ends at 0x202 + the byte at 0x201 (the jump's displacement); copy it as the kernel wrote it.
    const setup = kernel.bz.setup;
    const headerEnd = Math.min(0x202 + setup[0x201], setup.length, SETUP_HEADER_END);
    memory.set(setup.subarray(SETUP_HEADER_OFFSET, headerEnd), ZERO_PAGE_ADDR + SETUP_HEADER_OFFSET);
  } else {
    v.setUint16(BP.bootFlag, 0xaa55, true);
    v.setUint32(BP.header, 0x53726448, true);
    v.setUint16(BP.version, VMLINUX_PROTOCOL, true);
  }
  v.setUint16(BP.vidMode, 0xffff, true); // NORMAL_VGA
  v.setUint8(BP.typeOfLoader, LOADER_TYPE);
  v.setUint32(BP.code32Start, p.kernelAt, true);
  v.setUint32(BP.cmdLinePtr, CMDLINE_ADDR, true);
  if (kernel.kind === 'vmlinux') v.setUint32(BP.cmdlineSize, VMLINUX_CMDLINE_MAX, true);
  v.setUint32(BP.ramdiskImage, p.initrdAt, true);
  v.setUint32(BP.ramdiskSize, p.initrdSize, true);
  const map = e820Map(memory.length);
  v.setUint8(BP.e820Entries, map.length);
  map.forEach((e, i) => {
    const at = BP.e820Table + 20 * i;
    v.setBigUint64(at, BigInt(e.addr), true);
    v.setBigUint64(at + 8, BigInt(e.size), true);
    v.setUint32(at + 16, e.type, true);
  });
}

