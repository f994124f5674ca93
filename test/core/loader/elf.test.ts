/**
 * ELF64 parsing: the committed vmos image's program headers and symbols, and
 * errors that name what is wrong for missing, truncated or foreign files.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ImageError, parseElf64, PF_R, PF_W, PF_X, readElfFile } from '../../../src/core/loader/elf.ts';
import { SymbolTable } from '../../../src/core/loader/symbols.ts';

const VMOS = fileURLToPath(new URL('../../../guests/vmos/vmos.elf', import.meta.url));
const bytes = () => new Uint8Array(readFileSync(VMOS));

function problem(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    return (e as ImageError).message;
  }
  throw new Error('no error');
}

describe('parseElf64 on vmos.elf', () => {
  const elf = readElfFile(VMOS);
  const syms = new SymbolTable(elf.symbols);

  it('reads the entry and the PT_LOAD segments with their physical addresses', () => {
    expect(elf.entry).toBe(0x100000n);
    expect(elf.entry).toBe(syms.address('_start'));
    expect(elf.segments.map((s) => [s.vaddr, s.paddr, s.flags])).toEqual([
      [0x100000n, 0x100000n, PF_R | PF_X],
      [0x103000n, 0x103000n, PF_R | PF_W],
      [0x40000000n, syms.address('__utext_lma'), PF_R | PF_X], // user text: linked at its user address, loaded after the kernel
      [0x40100000n, syms.address('__udata_lma'), PF_R | PF_W],
    ]);
    const kdata = elf.segments[1];
    expect(kdata.memsz).toBeGreaterThan(kdata.filesz); // .bss
  });

  it('reads the symbols: the vmos_tasks profile, functions, and address → symbol+offset', () => {
    expect(syms.get('vmos_tasks')).toMatchObject({ type: 'object', size: 10 * 48, global: true });
    expect(syms.get('vmos_ntasks')).toMatchObject({ type: 'object', size: 4 });
    const counter = syms.get('counter_main')!;
    expect(counter).toMatchObject({ type: 'func' });
    expect(counter.value >= 0x40000000n && counter.value < 0x40100000n).toBe(true);
    expect(syms.format(counter.value)).toBe('counter_main');
    expect(syms.format(counter.value + 8n)).toBe('counter_main+8');
    expect(syms.format(syms.address('idle_loop') + 2n)).toBe('idle_loop+2');
    expect(syms.format(0x10n)).toBeUndefined();
    expect(() => syms.address('nope')).toThrow(/no symbol 'nope'/);
  });
});

describe('parseElf64 errors name what is wrong', () => {
  it('a missing file', () => {
    expect(problem(() => readElfFile('/nonexistent/vmos.elf'))).toBe('/nonexistent/vmos.elf: no such file');
  });

  it('not an ELF file, or empty', () => {
    expect(problem(() => parseElf64(new TextEncoder().encode('#!/bin/sh\n'), 'x.sh'))).toBe(
      'x.sh: not an ELF image (the file starts with 23 21 2f 62, not 7f 45 4c 46)',
    );
    expect(problem(() => parseElf64(new Uint8Array(0), 'e'))).toBe('e: empty file, not an ELF image');
  });

  it('truncated: inside the header, the program headers, or a segment', () => {
    expect(problem(() => parseElf64(bytes().subarray(0, 40), 'h'))).toBe('h: truncated: 40 bytes, shorter than the 64-byte ELF64 header');
    expect(problem(() => parseElf64(bytes().subarray(0, 100), 'p'))).toBe(
      'p: truncated: the 4 program headers at offset 0x40 end at 0x120, past the end of the file (0x64 bytes)',
    );
    expect(problem(() => parseElf64(bytes().subarray(0, 0x2000), 's'))).toBe(
      's: truncated: segment 0 (file offset 0x1000, 0x' + readElfFile(VMOS).segments[0].filesz.toString(16) + ' bytes) ends past the end of the file (0x2000 bytes)',
    );
  });

  it('not x86-64: 32-bit, big-endian, another machine, not an executable', () => {
    const with_ = (off: number, v: number, le16 = false) => {
      const b = bytes();
      if (le16) new DataView(b.buffer).setUint16(off, v, true);
      else b[off] = v;
      return b;
    };
    expect(problem(() => parseElf64(with_(4, 1), 'a'))).toBe('a: a 32-bit ELF (ELFCLASS32); vdbg needs an x86-64 ELF64 image');
    expect(problem(() => parseElf64(with_(5, 2), 'b'))).toBe('b: big-endian ELF; x86-64 images are little-endian');
    expect(problem(() => parseElf64(with_(18, 183, true), 'c'))).toBe('c: built for AArch64, not x86-64 (e_machine 183, expected 62)');
    expect(problem(() => parseElf64(with_(16, 3, true), 'd'))).toBe(
      'd: e_type is ET_DYN (position-independent); vdbg loads statically linked executables (ET_EXEC)',
    );
  });

  it('refuses overlapping segments and an entry point outside every segment, in one line (they triple-faulted; issue 10 item 15)', () => {
    const b = bytes();
    const v = new DataView(b.buffer);
    const ph1 = 0x40 + 56; // program header 1: p_vaddr at +16, p_paddr at +24
    v.setBigUint64(ph1 + 16, 0x100000n, true);
    v.setBigUint64(ph1 + 24, 0x100000n, true);
    expect(problem(() => parseElf64(b, 'o'))).toMatch(/^o: segments 0 \(0x100000-0x[0-9a-f]+\) and 1 \(0x100000-0x[0-9a-f]+\) overlap in virtual memory$/);
    const p = bytes();
    new DataView(p.buffer).setBigUint64(0x40 + 56 + 24, 0x100000n, true); // only the physical addresses collide
    expect(problem(() => parseElf64(p, 'q'))).toMatch(/^q: segments 0 \(0x100000-0x[0-9a-f]+\) and 1 \(0x100000-0x[0-9a-f]+\) overlap in physical memory$/);
    const e = bytes();
    new DataView(e.buffer).setBigUint64(24, 0x1000n, true);
    expect(problem(() => parseElf64(e, 'e'))).toBe('e: the entry point 0x1000 is in no loadable segment');
  });
});
