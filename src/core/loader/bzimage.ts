/**
 * Linux's bzImage setup header (Documentation/arch/x86/boot.rst, "The Real-Mode
 * Kernel Header"; struct setup_header in arch/x86/include/uapi/asm/bootparam.h).
 * The header starts at offset 0x1f1 of the file; the real-mode setup code is
 * (setup_sects + 1) sectors of 512 bytes, the protected-mode kernel follows it.
 * Only what the 64-bit boot protocol needs is parsed; anything else is refused
 * with a sentence naming the fault.
 */
import { hasElfMagic, ImageError } from './elf.ts';

/** Offset of struct setup_header in the file and in boot_params. */
export const SETUP_HEADER_OFFSET = 0x1f1;
/** "HdrS" at 0x202. */
export const HDRS_MAGIC = 0x53726448;
/** boot_flag at 0x1fe. */
export const BOOT_FLAG = 0xaa55;
/** Protocol 2.12 added xloadflags (XLF_KERNEL_64): the first with a documented 64-bit entry. */
export const MIN_PROTOCOL = 0x020c;
/** xloadflags bit 0: the kernel has the legacy 64-bit entry at +0x200. */
export const XLF_KERNEL_64 = 1 << 0;
/** xloadflags bit 1: kernel/boot_params/cmdline/ramdisk may sit above 4 GiB. */
export const XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;
/** loadflags bit 0: the protected-mode code is loaded at 0x100000. */
export const LOADED_HIGH = 1 << 0;
/** The 64-bit entry is this far into the protected-mode kernel. */
export const ENTRY_64_OFFSET = 0x200;

/** The setup-header fields the loader uses (offsets are those of the file / boot_params). */
export interface SetupHeader {
  /** 0x1f1; 0 means 4. */
  setupSects: number;
  /** 0x206, e.g. 0x020f for 2.15. */
  version: number;
  /** 0x211 */
  loadflags: number;
  /** 0x214: where the protected-mode kernel is loaded (0x100000). */
  code32Start: number;
  /** 0x22c: highest address the initrd may reach (inclusive). */
  initrdAddrMax: number;
  /** 0x230 */
  kernelAlignment: number;
  /** 0x234 */
  relocatable: boolean;
  /** 0x236 */
  xloadflags: number;
  /** 0x238: longest command line, without the terminating NUL. */
  cmdlineSize: number;
  /** 0x258 */
  prefAddress: bigint;
  /** 0x260: bytes the kernel needs from its load address before it sets up its own memory. */
  initSize: number;
}

export interface BzImage {
  name: string;
  header: SetupHeader;
  /** The real-mode part: the boot sector and setup, (setup_sects + 1) × 512 bytes; its header bytes go to boot_params. */
  setup: Uint8Array;
  /** The protected-mode kernel (what follows the setup sectors). */
  kernel: Uint8Array;
}

/** True if `bytes` carry the "HdrS" magic of a Linux boot sector (so the caller can try ELF otherwise). */
export function looksLikeBzImage(bytes: Uint8Array): boolean {
  return bytes.length >= 0x206 && new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0x202, true) === HDRS_MAGIC;
}

function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

/** `2.15` from 0x020f. */
export function protocolText(version: number): string {
  return `${version >> 8}.${(version & 0xff).toString().padStart(2, '0')}`;
}

/** Parses and checks a bzImage for the 64-bit boot protocol. */
export function parseBzImage(bytes: Uint8Array, name = 'kernel'): BzImage {
  if (bytes.length < 0x270) throw new ImageError(name, `not a bzImage: ${bytes.length} bytes, shorter than a boot sector with a setup header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magic = v.getUint32(0x202, true);
  if (magic !== HDRS_MAGIC) {
    throw new ImageError(name, `not a bzImage: no "HdrS" magic at 0x202 (found ${hex(magic)})${hasElfMagic(bytes) ? '; an ELF file should be a vmlinux' : ''}`);
  }
  const bootFlag = v.getUint16(0x1fe, true);
  if (bootFlag !== BOOT_FLAG) throw new ImageError(name, `not a bzImage: boot_flag at 0x1fe is ${hex(bootFlag)}, not 0xaa55`);
  const version = v.getUint16(0x206, true);
  if (version < MIN_PROTOCOL) {
    throw new ImageError(name, `boot protocol ${protocolText(version)} is too old: the 64-bit entry needs ${protocolText(MIN_PROTOCOL)} or later`);
  }
  const xloadflags = v.getUint16(0x236, true);
  if (!(xloadflags & XLF_KERNEL_64)) throw new ImageError(name, 'not a 64-bit kernel: xloadflags lacks XLF_KERNEL_64 (no 64-bit entry point)');
  const loadflags = v.getUint8(0x211);
  if (!(loadflags & LOADED_HIGH)) throw new ImageError(name, 'a zImage (loadflags lacks LOADED_HIGH): only a bzImage is loaded at 1 MiB');
  const setupSects = v.getUint8(0x1f1) || 4;
  const setupBytes = (setupSects + 1) * 512;
  if (setupBytes >= bytes.length) {
    throw new ImageError(name, `truncated: setup_sects = ${setupSects} puts the kernel at ${hex(setupBytes)}, past the end of the ${bytes.length}-byte file`);
  }
  const kernel = bytes.subarray(setupBytes);
  if (kernel.length <= ENTRY_64_OFFSET) throw new ImageError(name, `truncated: the protected-mode kernel (${kernel.length} bytes) ends before its 64-bit entry at +0x200`);
  const header: SetupHeader = {
    setupSects,
    version,
    loadflags,
    code32Start: v.getUint32(0x214, true),
    initrdAddrMax: v.getUint32(0x22c, true),
    kernelAlignment: v.getUint32(0x230, true),
    relocatable: v.getUint8(0x234) !== 0,
    xloadflags,
    cmdlineSize: v.getUint32(0x238, true),
    prefAddress: v.getBigUint64(0x258, true),
    initSize: v.getUint32(0x260, true),
  };
  return { name, header, setup: bytes.subarray(0, setupBytes), kernel };
}
