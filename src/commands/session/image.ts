/**
 * Which guest a session loads: an ELF image by path, a bundled guest by name
 * (commands.md: IMAGE may name `vmos` or `tiny`), or a raw binary at a load
 * address (`load raw`). The loader's refusals become the session's errors.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { looksLikeBzImage, parseBzImage } from '../../core/loader/bzimage.ts';
import { hasElfMagic, ImageError, parseElf64, readElfFile, readImageBytes, type Elf64, type ElfSymbol } from '../../core/loader/elf.ts';
import { LINUX_GUEST_MEM, RAW_GUEST_MEM } from '../../core/loader/guest-mem.ts';
import type { LinuxKernel } from '../../core/loader/linux-boot.ts';
import { SymbolTable } from '../../core/loader/symbols.ts';
import { chooseAwareness, type AwarenessChoice } from '../../core/os/awareness.ts';
import { findLinuxOffsets, findSystemMap, offsetsPlaces, type LinuxProfile } from '../../core/os/linux-offsets.ts';
import { BUNDLED_LINUX, BUNDLED_LINUX_CMDLINE, missingLinuxArtifacts } from '../../core/vmm/bundled-linux.ts';
import { SessionError } from '../errors.ts';

const GUESTS = fileURLToPath(new URL('../../../guests/', import.meta.url));
/** Bundled guests by name (commands.md: IMAGE may name one). */
export const BUNDLED: Record<string, string> = { vmos: `${GUESTS}vmos/vmos.elf`, tiny: `${GUESTS}tiny/tiny.bin` };
const TINY_GPA = 0x10000;

export type LoadSpec = (
  | { kind: 'elf'; name: string; elf: Elf64 }
  | { kind: 'raw'; name: string; file: string; bytes: Uint8Array; gpa: number; entry?: number }
  /** `--kernel FILE [--initrd FILE] [--append CMDLINE]`: Linux's 64-bit boot protocol. */
  | {
    kind: 'linux'; name: string; kernel: LinuxKernel; initrd?: Uint8Array; cmdline: string;
    /** The System.map's symbols (a bzImage has none of its own). */
    systemMap?: { file: string; symbols: ElfSymbol[] };
    /** The task_struct offsets for Linux awareness, or why there are none. */
    os: LinuxProfile | { problem: string };
  }
) & {
  /** Guest RAM in bytes (`--mem`); default the loader's for the kind. */
  memSize?: number;
};

/** What `--kernel`, `--initrd`, `--append` and `--mem` ask for. */
export interface LinuxOptions {
  kernel: string;
  initrd?: string;
  append?: string;
  /** `--system-map FILE` (default `<kernel>.map` or System.map beside the kernel). */
  systemMap?: string;
  /** `--os-offsets FILE` (default `<kernel>.offsets.json` or linux-offsets.json beside the kernel). */
  osOffsets?: string;
}

/**
 * `--guest linux`: the committed kernel and initramfs of guests/linux with
 * their command line (`append` is added to it). A missing artifact is a
 * 'no-file' error that says how to make it.
 */
export function bundledLinuxOptions(append?: string, missing = missingLinuxArtifacts()): LinuxOptions {
  if (missing.length > 0) {
    throw new SessionError('no-file', `the bundled Linux guest is not built (${missing.map((p) => basename(p)).join(', ')} missing in guests/linux): run npm run build:guests`);
  }
  return { kernel: BUNDLED_LINUX.kernel, initrd: BUNDLED_LINUX.initrd, append: append ? `${BUNDLED_LINUX_CMDLINE} ${append}` : BUNDLED_LINUX_CMDLINE };
}

/**
 * A Linux kernel to boot: a bzImage (setup header checked) or a vmlinux ELF,
 * chosen by the file's magic; the initrd's bytes; the command line. Each
 * file must fit in the guest's RAM, which is checked before it is read.
 */
export function linuxSpec(opts: LinuxOptions, memSize = LINUX_GUEST_MEM): LoadSpec {
  try {
    const bytes = readImageBytes(opts.kernel, memSize);
    const name = basename(opts.kernel);
    const kernel: LinuxKernel = looksLikeBzImage(bytes) || !hasElfMagic(bytes)
      ? { kind: 'bzimage', bz: parseBzImage(bytes, name) }
      : { kind: 'vmlinux', elf: parseElf64(bytes, name) };
    const initrd = opts.initrd === undefined ? undefined : readImageBytes(opts.initrd, memSize);
    const systemMap = findSystemMap(opts.kernel, opts.systemMap);
    if (systemMap !== undefined && 'problem' in systemMap) throw new SessionError('bad-image', systemMap.problem);
    return { kind: 'linux', name, kernel, initrd, cmdline: opts.append ?? '', memSize, systemMap, os: linuxProfile(opts, kernel, systemMap?.file) };
  } catch (e) {
    throw imageError(e);
  }
}

/**
 * The offsets for Linux awareness: `--os-offsets FILE` (a problem with it is
 * an error), else the file beside the kernel (a problem is the reason there
 * is no awareness, `info os`).
 */
function linuxProfile(opts: LinuxOptions, kernel: LinuxKernel, mapFile: string | undefined): LinuxProfile | { problem: string } {
  const found = findLinuxOffsets(opts.kernel, opts.osOffsets);
  if (found !== undefined && 'problem' in found && opts.osOffsets !== undefined) throw new SessionError('bad-image', found.problem);
  if (found === undefined) return { problem: `no task_struct offsets (${offsetsPlaces(opts.kernel)}, or --os-offsets FILE)` };
  if ('problem' in found) return found;
  const symbolsFrom = mapFile ?? (kernel.kind === 'vmlinux' ? `${basename(opts.kernel)}'s ELF symbols` : 'nowhere');
  return { ...found, symbolsFrom };
}

/** The OS-awareness module for an image (src/core/os/awareness.ts): by its symbols, with a Linux kernel's offsets. */
export function awarenessOf(spec: LoadSpec, symbols: SymbolTable): AwarenessChoice {
  return chooseAwareness(symbols, spec.kind === 'linux' ? spec.os : undefined);
}

/** An IMAGE argument: a bundled name or an ELF path. */
export function resolveImage(image: string): LoadSpec {
  if (image === 'tiny') return rawSpec(BUNDLED.tiny, BigInt(TINY_GPA), undefined, 'tiny');
  const path = BUNDLED[image] ?? image;
  let elf: Elf64;
  try {
    elf = readElfFile(path);
  } catch (e) {
    throw imageError(e);
  }
  return { kind: 'elf', name: BUNDLED[image] ? image : basename(path), elf };
}

/**
 * `load raw FILE at GPA [entry E]`: the file's bytes (a regular file no
 * larger than a raw guest's RAM, refused before reading otherwise), checked
 * to fit below 4 GiB.
 */
export function rawSpec(file: string, gpa: bigint, entry: bigint | undefined, name = basename(file)): LoadSpec {
  let bytes: Uint8Array;
  try {
    bytes = readImageBytes(file, RAW_GUEST_MEM);
  } catch (e) {
    throw imageError(e);
  }
  if (gpa < 0n || gpa > 0xffff_ffffn) throw new SessionError('bad-args', `load address ${gpa} is out of range`);
  if (entry !== undefined && (entry < 0n || entry > 0xffff_ffffn)) throw new SessionError('bad-args', `entry ${entry} is out of range`);
  return { kind: 'raw', name, file, bytes, gpa: Number(gpa), entry: entry === undefined ? undefined : Number(entry) };
}

/** The image's symbols (none for a raw binary; a Linux kernel's System.map's after the vmlinux's own). */
export function symbolsOf(spec: LoadSpec): SymbolTable {
  if (spec.kind === 'elf') return new SymbolTable(spec.elf.symbols);
  if (spec.kind === 'linux') return new SymbolTable([...(spec.kernel.kind === 'vmlinux' ? spec.kernel.elf.symbols : []), ...(spec.systemMap?.symbols ?? [])]);
  return new SymbolTable([]);
}

/** The loader's refusal as the session's error: a missing file, or an image it cannot load; anything else as it is. */
export function imageError(e: unknown): unknown {
  if (!(e instanceof ImageError)) return e;
  const missing = (e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return new SessionError(missing ? 'no-file' : 'bad-image', e.message, { cause: e });
}
