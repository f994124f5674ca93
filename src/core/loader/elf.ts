/**
 * ELF64 parsing for guest images (System V gABI, "ELF-64 Object File
 * Format"; x86-64 psABI): the file header, the program headers a loader
 * needs (PT_LOAD) and the symbol table. Only little-endian x86-64
 * executables (ET_EXEC) are accepted; every rejection names the file and
 * what is wrong with it (ImageError).
 */
import { printable } from '../printable.ts';
import { DEFAULT_GUEST_MEM } from './guest-mem.ts';
import { readImageFile } from './image-file.ts';

export class ImageError extends Error {
  constructor(
    readonly image: string,
    readonly problem: string,
    /** The file system's error when the file could not be read. */
    options?: { cause?: NodeJS.ErrnoException },
  ) {
    // The name as given, escaped and cut (it may be any string a user typed).
    super(`${printable(image)}: ${problem}`, options);
    this.name = 'ImageError';
  }
}

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;
const EM_X86_64 = 62;
const ET_EXEC = 2;
const SHT_SYMTAB = 2;
const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;

const MACHINES: Record<number, string> = { 3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 40: 'ARM', 183: 'AArch64', 243: 'RISC-V' };
const TYPES: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL (an object file, not linked)', 3: 'ET_DYN (position-independent)', 4: 'ET_CORE' };

export interface Segment {
  /** index among the program headers */
  index: number;
  offset: number;
  vaddr: bigint;
  /** where the loader puts it in guest-physical memory */
  paddr: bigint;
  filesz: number;
  memsz: number;
  /** PF_R | PF_W | PF_X */
  flags: number;
}

export type SymbolType = 'func' | 'object' | 'notype';

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  type: SymbolType;
  global: boolean;
}

export interface Elf64 {
  name: string;
  entry: bigint;
  segments: Segment[];
  symbols: ElfSymbol[];
  bytes: Uint8Array;
}

/** An image file's bytes: a regular file of at most `maxBytes` (image-file.ts), else an ImageError saying why not. */
export function readImageBytes(path: string, maxBytes: number): Uint8Array {
  const f = readImageFile(path, maxBytes);
  if ('problem' in f) throw new ImageError(path, f.problem, { cause: f.cause });
  return f.bytes;
}

/** Reads and parses an image file; a missing or unreadable file is an ImageError too. */
export function readElfFile(path: string): Elf64 {
  return parseElf64(readImageBytes(path, DEFAULT_GUEST_MEM), path);
}

/** The file starts with 7f 'E' 'L' 'F'. */
export function hasElfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf64(bytes: Uint8Array, name = 'image'): Elf64 {
  const fail = (problem: string): never => {
    throw new ImageError(name, problem);
  };
  const hex = (v: number | bigint) => `0x${v.toString(16)}`;
  if (bytes.length === 0) fail('empty file, not an ELF image');
  if (!hasElfMagic(bytes)) {
    fail(`not an ELF image (the file starts with ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}, not 7f 45 4c 46)`);
  }
  if (bytes.length < EHDR_SIZE) fail(`truncated: ${bytes.length} bytes, shorter than the 64-byte ELF64 header`);
  if (bytes[4] === 1) fail('a 32-bit ELF (ELFCLASS32); vdbg needs an x86-64 ELF64 image');
  if (bytes[4] !== 2) fail(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) fail('big-endian ELF; x86-64 images are little-endian');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  if (machine !== EM_X86_64) fail(`built for ${MACHINES[machine] ?? `machine ${machine}`}, not x86-64 (e_machine ${machine}, expected ${EM_X86_64})`);
  if (type !== ET_EXEC) fail(`e_type is ${TYPES[type] ?? type}; vdbg loads statically linked executables (ET_EXEC)`);
  const entry = v.getBigUint64(24, true);
  const phoff = Number(v.getBigUint64(32, true));
  const shoff = Number(v.getBigUint64(40, true));
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  const shentsize = v.getUint16(58, true);
  const shnum = v.getUint16(60, true);
  if (phnum === 0) fail('no program headers: nothing to load');
  if (phentsize !== PHDR_SIZE) fail(`program header size ${phentsize}, expected ${PHDR_SIZE}`);
  if (phoff + phnum * PHDR_SIZE > bytes.length) {
    fail(`truncated: the ${phnum} program headers at offset ${hex(phoff)} end at ${hex(phoff + phnum * PHDR_SIZE)}, past the end of the file (${hex(bytes.length)} bytes)`);
  }
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    if (v.getUint32(o, true) !== PT_LOAD) continue;
    const s: Segment = {
      index: i,
      flags: v.getUint32(o + 4, true),
      offset: Number(v.getBigUint64(o + 8, true)),
      vaddr: v.getBigUint64(o + 16, true),
      paddr: v.getBigUint64(o + 24, true),
      filesz: Number(v.getBigUint64(o + 32, true)),
      memsz: Number(v.getBigUint64(o + 40, true)),
    };
    if (s.offset + s.filesz > bytes.length) {
      fail(`truncated: segment ${i} (file offset ${hex(s.offset)}, ${hex(s.filesz)} bytes) ends past the end of the file (${hex(bytes.length)} bytes)`);
    }
    if (s.filesz > s.memsz) fail(`segment ${i} has p_filesz ${hex(s.filesz)} > p_memsz ${hex(s.memsz)}`);
    segments.push(s);
  }
  if (segments.length === 0) fail('no PT_LOAD segment: nothing to load');
  checkLayout(segments, entry, fail);
  let symbols: ElfSymbol[] = [];
  if (shoff !== 0 && shnum !== 0) {
    if (shentsize !== SHDR_SIZE) fail(`section header size ${shentsize}, expected ${SHDR_SIZE}`);
    if (shoff + shnum * SHDR_SIZE > bytes.length) {
      fail(`truncated: the ${shnum} section headers at offset ${hex(shoff)} end past the end of the file (${hex(bytes.length)} bytes)`);
    }
    symbols = readSymbols(v, shoff, shnum, fail);
  }
  return { name, entry, segments, symbols, bytes };
}

/**
 * What a loader cannot place or start (the guest would triple-fault at its
 * first instruction otherwise): PT_LOAD segments overlapping in memory (the
 * gABI sorts them by p_vaddr and never overlaps them; a later one would
 * overwrite an earlier one), or an entry point in no segment (by virtual or
 * physical address).
 */
function checkLayout(segments: Segment[], entry: bigint, fail: (p: string) => never): void {
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const sized = segments.filter((s) => s.memsz > 0);
  for (const [what, start] of [['virtual', (s: Segment) => s.vaddr], ['physical', (s: Segment) => s.paddr]] as const) {
    for (let i = 0; i < sized.length; i++) {
      for (let j = i + 1; j < sized.length; j++) {
        const a = sized[i], b = sized[j];
        const a0 = start(a), b0 = start(b);
        if (a0 < b0 + BigInt(b.memsz) && b0 < a0 + BigInt(a.memsz)) {
          fail(`segments ${a.index} (${hex(a0)}-${hex(a0 + BigInt(a.memsz))}) and ${b.index} (${hex(b0)}-${hex(b0 + BigInt(b.memsz))}) overlap in ${what} memory`);
        }
      }
    }
  }
  // A vmlinux's e_entry is physical (vmlinux.lds.S: ENTRY(phys_startup_64)), other images' virtual.
  const inside = (s: Segment, base: bigint) => entry >= base && entry < base + BigInt(s.memsz);
  if (!sized.some((s) => inside(s, s.vaddr) || inside(s, s.paddr))) {
    fail(`the entry point ${hex(entry)} is in no loadable segment`);
  }
}

function readSymbols(v: DataView, shoff: number, shnum: number, fail: (p: string) => never): ElfSymbol[] {
  const sh = (i: number) => {
    const o = shoff + i * SHDR_SIZE;
    return { type: v.getUint32(o + 4, true), offset: Number(v.getBigUint64(o + 24, true)), size: Number(v.getBigUint64(o + 32, true)), link: v.getUint32(o + 40, true) };
  };
  const out: ElfSymbol[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if (s.type !== SHT_SYMTAB) continue;
    if (s.link >= shnum) fail(`symbol table (section ${i}) links to missing string table ${s.link}`);
    const str = sh(s.link);
    if (s.offset + s.size > v.byteLength || str.offset + str.size > v.byteLength) fail(`truncated: symbol table (section ${i}) or its strings end past the end of the file`);
    const strings = new Uint8Array(v.buffer, v.byteOffset + str.offset, str.size);
    for (let o = s.offset + SYM_SIZE; o + SYM_SIZE <= s.offset + s.size; o += SYM_SIZE) {
      const info = v.getUint8(o + 4);
      const t = info & 0xf;
      const shndx = v.getUint16(o + 6, true);
      if (t > 2 || shndx === 0) continue; // sections, files, undefined
      const nameOff = v.getUint32(o, true);
      let end = nameOff;
      while (end < strings.length && strings[end] !== 0) end++;
      const name = new TextDecoder().decode(strings.subarray(nameOff, end));
      if (name === '') continue;
      out.push({ name, value: v.getBigUint64(o + 8, true), size: Number(v.getBigUint64(o + 16, true)), type: t === 2 ? 'func' : t === 1 ? 'object' : 'notype', global: info >> 4 !== 0 });
    }
  }
  return out;
}
