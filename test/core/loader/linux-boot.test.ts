import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBzImage } from '../../../src/core/loader/bzimage.ts';
import { parseElf64 } from '../../../src/core/loader/elf.ts';
import {
  BOOT_CS, BOOT_DS, BP, CMDLINE_ADDR, e820Map, E820_RAM, E820_RESERVED, loadLinux, ZERO_PAGE_ADDR,
} from '../../../src/core/loader/linux-boot.ts';
import { makeBzImage } from '../../support/linux-image.ts';

const code = (n = 0x400): Uint8Array => new Uint8Array(n).fill(0x90);
const MEM = 8 << 20;

describe('bzImage setup header', () => {
  it('parses the fields the 64-bit protocol uses', () => {
    const bz = parseBzImage(makeBzImage({ kernel: code(), setupSects: 3, initSize: 0x5000, cmdlineSize: 1000 }), 'k');
    expect(bz.header).toMatchObject({ setupSects: 3, version: 0x020f, code32Start: 0x100000, cmdlineSize: 1000, initSize: 0x5000, xloadflags: 3 });
    expect(bz.setup.length).toBe(4 * 512);
    expect(bz.kernel.length).toBe(0x400);
  });
  it('setup_sects 0 means 4', () => {
    expect(parseBzImage(makeBzImage({ kernel: code(), setupSects: 0 })).setup.length).toBe(5 * 512);
  });
  it.each([
    ['a short file', new Uint8Array(100), /not a bzImage: 100 bytes/],
    ['no HdrS', makeBzImage({ kernel: code(), magic: 0x12345678 }), /no "HdrS" magic at 0x202 \(found 0x12345678\)/],
    ['a bad boot_flag', makeBzImage({ kernel: code(), bootFlag: 0x1234 }), /boot_flag at 0x1fe is 0x1234/],
    ['protocol 2.11', makeBzImage({ kernel: code(), version: 0x020b }), /boot protocol 2\.11 is too old: the 64-bit entry needs 2\.12/],
    ['no XLF_KERNEL_64', makeBzImage({ kernel: code(), xloadflags: 2 }), /not a 64-bit kernel: xloadflags lacks XLF_KERNEL_64/],
    ['a zImage', makeBzImage({ kernel: code(), loadflags: 0 }), /zImage/],
    ['setup past the end', makeBzImage({ kernel: code(), setupSects: 200 }).subarray(0, 0x1000), /truncated: setup_sects = 200/],
    ['no room for the entry', makeBzImage({ kernel: code(0x100) }), /ends before its 64-bit entry/],
  ])('refuses %s', (_what, bytes, msg) => {
    expect(() => parseBzImage(bytes, 'k')).toThrow(msg);
  });
  it('points an ELF at vmlinux', () => {
    const elf = new Uint8Array(0x300);
    elf.set([0x7f, 0x45, 0x4c, 0x46]);
    expect(() => parseBzImage(elf, 'k')).toThrow(/an ELF file should be a vmlinux/);
  });

  const vmlinuz = existsSync('/boot') ? readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')) : [];
  if (vmlinuz.length === 0) console.warn('[skip] real kernel header: no /boot/vmlinuz-* on this machine');
  it.skipIf(vmlinuz.length === 0)('parses the header of the installed kernel', () => {
    const bz = parseBzImage(new Uint8Array(readFileSync(`/boot/${vmlinuz[0]}`)), vmlinuz[0]);
    expect(bz.header.version).toBeGreaterThanOrEqual(0x020c);
    expect(bz.header.initSize).toBeGreaterThan(bz.kernel.length / 2);
  });
});

describe('loadLinux', () => {
  const bz = () => ({ kind: 'bzimage' as const, bz: parseBzImage(makeBzImage({ kernel: code(), initSize: 0x10000 }), 'k') });

  it('builds the zero page, GDT and entry state', () => {
    const mem = new Uint8Array(MEM);
    const initrd = new Uint8Array(5000).fill(0x42);
    const img = loadLinux(mem, bz(), { cmdline: 'console=ttyS0 quiet', initrd });
    const v = new DataView(mem.buffer, ZERO_PAGE_ADDR, 4096);
    expect(img.state.regs.rip).toBe(0x100200n);
    expect(img.state.regs.rsi).toBe(BigInt(ZERO_PAGE_ADDR));
    expect(img.state.regs.rflags & 0x200n).toBe(0n);
    expect(img.state.sregs.cs).toMatchObject({ selector: BOOT_CS, l: 1, db: 0 });
    expect(img.state.sregs.ds.selector).toBe(BOOT_DS);
    expect(img.state.sregs.ss.selector).toBe(BOOT_DS);
    expect(img.state.sregs.efer & 0x500n).toBe(0x500n);
    // GDT entries 2 and 3 in memory are the code and data segments the registers hold.
    const gdt = new DataView(mem.buffer, Number(img.state.sregs.gdt.base), 48);
    expect((gdt.getBigUint64(BOOT_CS, true) >> 40n) & 0xffn).toBe(0x9bn);
    expect((gdt.getBigUint64(BOOT_DS, true) >> 40n) & 0xffn).toBe(0x93n);
    expect(v.getUint8(BP.typeOfLoader)).toBe(0xff);
    expect(v.getUint32(BP.header, true)).toBe(0x53726448);
    expect(v.getUint16(BP.version, true)).toBe(0x020f);
    expect(v.getUint32(BP.cmdLinePtr, true)).toBe(CMDLINE_ADDR);
    expect(Buffer.from(mem.subarray(CMDLINE_ADDR, CMDLINE_ADDR + 20)).toString('latin1')).toBe('console=ttyS0 quiet\0');
    const at = v.getUint32(BP.ramdiskImage, true);
    expect(v.getUint32(BP.ramdiskSize, true)).toBe(5000);
    expect(at % 4096).toBe(0);
    expect(at + 5000).toBeLessThanOrEqual(MEM);
    expect(at + 5000).toBeGreaterThan(MEM - 4096 - 5000);
    expect(mem[at]).toBe(0x42);
    expect(mem[0x100000]).toBe(0x90);
    const n = v.getUint8(BP.e820Entries);
    const table = Array.from({ length: n }, (_, i) => ({
      addr: Number(v.getBigUint64(BP.e820Table + 20 * i, true)),
      size: Number(v.getBigUint64(BP.e820Table + 20 * i + 8, true)),
      type: v.getUint32(BP.e820Table + 20 * i + 16, true),
    }));
    expect(table).toEqual(e820Map(MEM));
  });

  it('e820: RAM below the EBDA and from 1 MiB, the BIOS areas reserved, nothing overlapping', () => {
    const m = e820Map(MEM);
    expect(m.filter((e) => e.type === E820_RAM).reduce((a, e) => a + e.size, 0)).toBe(MEM - 0x100000 + 0x9fc00);
    expect(m.some((e) => e.type === E820_RESERVED && e.addr <= 0xf0000 && e.addr + e.size >= 0x100000)).toBe(true);
    for (let i = 1; i < m.length; i++) expect(m[i].addr).toBeGreaterThanOrEqual(m[i - 1].addr + m[i - 1].size);
  });

  it('without an initrd, ramdisk_image and ramdisk_size are 0', () => {
    const mem = new Uint8Array(MEM);
    loadLinux(mem, bz());
    const v = new DataView(mem.buffer, ZERO_PAGE_ADDR, 4096);
    expect([v.getUint32(BP.ramdiskImage, true), v.getUint32(BP.ramdiskSize, true)]).toEqual([0, 0]);
  });

  it('keeps the initrd below initrd_addr_max', () => {
    const mem = new Uint8Array(MEM);
    const k = { kind: 'bzimage' as const, bz: parseBzImage(makeBzImage({ kernel: code(), initrdAddrMax: 0x3fffff }), 'k') };
    loadLinux(mem, k, { initrd: new Uint8Array(100) });
    expect(new DataView(mem.buffer).getUint32(ZERO_PAGE_ADDR + BP.ramdiskImage, true)).toBe(0x3ff000);
  });

  it.each([
    ['an initrd too large for memory', { initrd: new Uint8Array(MEM) }, /the initrd of 8 MiB does not fit .*use a larger --mem/],
    ['a command line too long', { cmdline: 'x'.repeat(2048) }, /the command line is 2048 bytes; this kernel takes at most 2047/],
    ['a NUL in the command line', { cmdline: 'a\0b' }, /NUL or a non-ASCII/],
  ])('refuses %s', (_w, opts, msg) => {
    expect(() => loadLinux(new Uint8Array(MEM), bz(), opts)).toThrow(msg);
  });

  it('refuses a kernel whose init_size does not fit, naming --mem', () => {
    const k = { kind: 'bzimage' as const, bz: parseBzImage(makeBzImage({ kernel: code(), initSize: 16 << 20 }), 'k') };
    expect(() => loadLinux(new Uint8Array(MEM), k)).toThrow(/needs 16 MiB \(init_size\) from 0x100000, more than the guest's 8 MiB of RAM \(use a larger --mem\)/);
  });

  it('refuses too little memory', () => {
    expect(() => loadLinux(new Uint8Array(1 << 20), bz())).toThrow(/too small for Linux/);
  });

  it('a vmlinux: segments at p_paddr, e_entry, a header written for it', () => {
    const elf = parseElf64(minimalElf(0x1000000, 0x1000010), 'vmlinux');
    const mem = new Uint8Array(32 << 20);
    const img = loadLinux(mem, { kind: 'vmlinux', elf }, { cmdline: 'a' });
    expect(img.state.regs.rip).toBe(0x1000010n);
    expect(mem[0x1000000]).toBe(0xcc);
    const v = new DataView(mem.buffer, ZERO_PAGE_ADDR, 4096);
    expect(v.getUint32(BP.header, true)).toBe(0x53726448);
    expect(v.getUint16(0x1fe, true)).toBe(0xaa55);
    expect(v.getUint32(BP.cmdlineSize, true)).toBe(2047);
    // An entry in no segment at all is refused by the ELF parser (issue 10 item 15), before loadLinux.
    expect(() => loadLinux(new Uint8Array(32 << 20), { kind: 'vmlinux', elf: parseElf64(minimalElf(0x1000000, 0x2000000), 'v') })).toThrow(/the entry point 0x2000000 is in no loadable segment/);
  });
});

/** A one-segment ELF64 executable: 0x20 bytes of INT3 at `paddr`, entry `entry`. */
function minimalElf(paddr: number, entry: number): Uint8Array {
  const b = new Uint8Array(0x100);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 2, true); // ET_EXEC
  v.setUint16(18, 0x3e, true); // x86-64
  v.setUint32(20, 1, true);
  v.setBigUint64(24, BigInt(entry), true);
  v.setBigUint64(32, 64n, true); // phoff
  v.setUint16(52, 64, true);
  v.setUint16(54, 56, true);
  v.setUint16(56, 1, true);
  v.setUint16(58, 64, true);
  // PT_LOAD
  v.setUint32(64, 1, true);
  v.setUint32(68, 5, true);
  v.setBigUint64(72, 0xc0n, true);
  v.setBigUint64(80, 0xffffffff81000000n, true);
  v.setBigUint64(88, BigInt(paddr), true);
  v.setBigUint64(96, 0x20n, true);
  v.setBigUint64(104, 0x20n, true);
  v.setBigUint64(112, 0x1000n, true);
  b.fill(0xcc, 0xc0, 0xe0);
  return b;
}
