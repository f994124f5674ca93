/**
 * Loading into guest memory: the vmos boot protocol (docs/guest.md) and raw
 * binaries (`load raw`, commands.md).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BOOT_PD_ADDR, BOOT_PML4_ADDR, BOOT_PT_ADDR } from '../../../src/core/boot/longmode.ts';
import {
  BOOT_INFO_ADDR, BOOT_INFO_MAGIC, GUEST_CR0, GUEST_XCR0, loadElf, loadRaw,
} from '../../../src/core/loader/boot.ts';
import { ImageError, readElfFile } from '../../../src/core/loader/elf.ts';

const VMOS = fileURLToPath(new URL('../../../guests/vmos/vmos.elf', import.meta.url));
const MiB = 1 << 20;

describe('loadElf: the vmos boot state', () => {
  const elf = readElfFile(VMOS);
  const mem = new Uint8Array(64 * MiB).fill(0xcc);
  const img = loadElf(mem, elf);
  const v = new DataView(mem.buffer);
  const { regs, sregs, xcr0 } = img.state;

  it('long mode at CPL 0, interrupts off, the control registers of docs/guest.md', () => {
    expect(regs.rip).toBe(elf.entry);
    expect(regs.rflags).toBe(0x2n);
    expect(regs.rsp).toBe(0x10000n);
    expect(sregs.cr0).toBe(GUEST_CR0);
    expect(sregs.cr0).toBe(0x1n | 0x2n | 0x10n | 0x20n | 0x10000n | 0x80000000n); // PE MP ET NE WP PG
    expect(sregs.cr4).toBe(0x20n | 0x200n | 0x400n | 0x40000n); // PAE OSFXSR OSXMMEXCPT OSXSAVE
    expect(sregs.efer).toBe(0x1n | 0x100n | 0x400n | 0x800n); // SCE LME LMA NXE
    expect(xcr0).toBe(GUEST_XCR0);
    expect([sregs.cs.selector, sregs.cs.l, sregs.cs.dpl, sregs.ss.selector]).toEqual([0x08, 1, 0, 0x10]);
    expect(sregs.cr3).toBe(BigInt(BOOT_PML4_ADDR));
  });

  it('RDI = the boot-info block: magic, memory size, image bounds', () => {
    expect(regs.rdi).toBe(BigInt(BOOT_INFO_ADDR));
    const at = (i: number) => v.getBigUint64(BOOT_INFO_ADDR + 8 * i, true);
    expect([at(0), at(1), at(2), at(3), at(4)]).toEqual([BOOT_INFO_MAGIC, BigInt(64 * MiB), 0x100000n, img.end, 0x10000n]);
    expect(img.end).toBe(elf.segments.at(-1)!.paddr + BigInt(elf.segments.at(-1)!.memsz));
  });

  it('the identity map covers exactly the 64 MiB of RAM, supervisor-only, page 0 unmapped', () => {
    const pde = (i: number) => v.getBigUint64(BOOT_PD_ADDR + 8 * i, true);
    for (let i = 1; i < 32; i++) expect(pde(i)).toBe((BigInt(i) << 21n) | 0xe3n); // P W A D PS, U = 0
    for (let i = 32; i < 512; i++) expect(pde(i)).toBe(0n);
    expect(v.getBigUint64(BOOT_PT_ADDR, true)).toBe(0n);
    expect(v.getBigUint64(BOOT_PT_ADDR + 8, true) & 0x7n).toBe(0x3n);
  });

  it('segments at their physical addresses, .bss zeroed, the rest of RAM untouched', () => {
    for (const s of elf.segments) {
      const at = Number(s.paddr);
      expect(mem.subarray(at, at + s.filesz)).toEqual(elf.bytes.subarray(s.offset, s.offset + s.filesz));
      expect(mem.subarray(at + s.filesz, at + s.memsz).every((b) => b === 0)).toBe(true);
    }
    expect(mem[Number(img.end) + 0x1000]).toBe(0xcc);
  });

  it('errors: memory too small for a segment', () => {
    expect(() => loadElf(new Uint8Array(1 * MiB), elf)).toThrow(ImageError);
    expect(() => loadElf(new Uint8Array(1 * MiB), elf)).toThrow(/segment 0 \(0x100000-0x[0-9a-f]+\) does not fit in 1 MiB of guest memory/);
  });
});

describe('loadRaw: load raw FILE at GPA [entry ADDR]', () => {
  it('64-bit CPL 0, the first 1 GiB identity-mapped, RIP = entry, other registers 0', () => {
    const mem = new Uint8Array(16 * MiB);
    const code = new Uint8Array([0x90, 0xf4]);
    const { state } = loadRaw(mem, code, 0x20000, 0x20001);
    expect(mem.subarray(0x20000, 0x20002)).toEqual(code);
    expect(state.regs).toMatchObject({ rip: 0x20001n, rsp: 0n, rflags: 0x2n, rax: 0n, rdi: 0n });
    expect(state.sregs.cs.l).toBe(1);
    const v = new DataView(mem.buffer);
    expect(v.getBigUint64(BOOT_PD_ADDR + 8 * 511, true)).toBe((511n << 21n) | 0xe3n);
    expect(loadRaw(mem, code, 0x30000).state.regs.rip).toBe(0x30000n);
  });

  it('errors: inside the loader tables, too big, empty', () => {
    const mem = new Uint8Array(1 * MiB);
    expect(() => loadRaw(mem, new Uint8Array(4), 0x8000, undefined, 't.bin')).toThrow('t.bin: load address 0x8000 is inside the loader\'s tables (below 0x10000)');
    expect(() => loadRaw(mem, new Uint8Array(2 * MiB), 0x10000, undefined, 't.bin')).toThrow('t.bin: 2097152 bytes at 0x10000 do not fit in 1 MiB of guest memory');
    expect(() => loadRaw(mem, new Uint8Array(0), 0x10000, undefined, 't.bin')).toThrow('t.bin: empty file, nothing to load');
  });
});
