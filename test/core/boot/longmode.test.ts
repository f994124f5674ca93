import { describe, expect, it } from 'vitest';
import {
  BOOT_CODE_ADDR,
  BOOT_GDT_ADDR,
  BOOT_IDT_ADDR,
  BOOT_PD_ADDR,
  BOOT_PDPT_ADDR,
  BOOT_PML4_ADDR,
  BOOT_PT_ADDR,
  BOOT_STACK_TOP,
  BOOT_STAR,
  BOOT_TABLES_END,
  BOOT_TSS_ADDR,
  bootSegments,
  buildLongMode,
  writeLongModeTables,
} from '../../../src/core/boot/longmode.ts';

const q = (m: Uint8Array, addr: number) => new DataView(m.buffer, m.byteOffset).getBigUint64(addr, true);

describe('long-mode boot image', () => {
  it('writes a flat GDT: null, kernel code/data, user data/code, 64-bit TSS', () => {
    const { memory, state } = buildLongMode({ memSize: 1 << 20 });
    expect(q(memory, BOOT_GDT_ADDR)).toBe(0n);
    expect(q(memory, BOOT_GDT_ADDR + 0x08)).toBe(0x00af9b000000ffffn); // 64-bit code, DPL0
    expect(q(memory, BOOT_GDT_ADDR + 0x10)).toBe(0x00cf93000000ffffn); // data, DPL0
    expect(q(memory, BOOT_GDT_ADDR + 0x18)).toBe(0x00cff3000000ffffn); // data, DPL3
    expect(q(memory, BOOT_GDT_ADDR + 0x20)).toBe(0x00affb000000ffffn); // 64-bit code, DPL3
    expect(q(memory, BOOT_GDT_ADDR + 0x28)).toBe(0x00008b0011000067n); // busy TSS at 0x1100, limit 0x67
    expect(q(memory, BOOT_GDT_ADDR + 0x30)).toBe(0n);
    expect(state.sregs.gdt).toEqual({ base: BigInt(BOOT_GDT_ADDR), limit: 0x37 });
    expect(state.sregs.idt).toEqual({ base: BigInt(BOOT_IDT_ADDR), limit: 0xfff });
    expect(memory.subarray(BOOT_IDT_ADDR, BOOT_IDT_ADDR + 4096).every((b) => b === 0)).toBe(true);
  });

  it('sets TSS.RSP0 and an I/O map base past the limit', () => {
    const { memory } = buildLongMode({ memSize: 1 << 20 });
    expect(q(memory, BOOT_TSS_ADDR + 4)).toBe(0x8000n);
    expect(new DataView(memory.buffer).getUint16(BOOT_TSS_ADDR + 102, true)).toBe(104);
  });

  it('identity-maps 1 GiB: 4 KiB pages below 2 MiB, 2 MiB pages above, A/D preset', () => {
    const { memory } = buildLongMode({ memSize: 1 << 20 });
    expect(q(memory, BOOT_PML4_ADDR)).toBe(BigInt(BOOT_PDPT_ADDR) | 0x23n);
    expect(q(memory, BOOT_PML4_ADDR + 8)).toBe(0n);
    expect(q(memory, BOOT_PDPT_ADDR)).toBe(BigInt(BOOT_PD_ADDR) | 0x23n);
    expect(q(memory, BOOT_PDPT_ADDR + 8)).toBe(0n); // nothing above 1 GiB
    expect(q(memory, BOOT_PD_ADDR)).toBe(BigInt(BOOT_PT_ADDR) | 0x23n);
    expect(q(memory, BOOT_PD_ADDR + 8)).toBe(0x200000n | 0xe3n);
    expect(q(memory, BOOT_PD_ADDR + 511 * 8)).toBe(0x3fe00000n | 0xe3n);
    expect(q(memory, BOOT_PT_ADDR)).toBe(0x63n);
    expect(q(memory, BOOT_PT_ADDR + 0x10 * 8)).toBe(0x10000n | 0x63n);
  });

  it('sets U/S at every level only with user: true', () => {
    const { memory } = buildLongMode({ memSize: 1 << 20, user: true });
    for (const addr of [BOOT_PML4_ADDR, BOOT_PDPT_ADDR, BOOT_PD_ADDR, BOOT_PD_ADDR + 8, BOOT_PT_ADDR + 8]) {
      expect(q(memory, addr) & 4n).toBe(4n);
    }
  });

  it('returns CPL0 64-bit state with the documented control registers', () => {
    const { state } = buildLongMode({ memSize: 1 << 20 });
    expect(state.sregs.cr0).toBe(0x80050033n);
    expect(state.sregs.cr3).toBe(BigInt(BOOT_PML4_ADDR));
    expect(state.sregs.cr4).toBe(0x40620n);
    expect(state.sregs.efer).toBe(0xd01n);
    expect(state.sregs.cs).toMatchObject({ selector: 0x08, type: 0xb, s: 1, l: 1, db: 0, dpl: 0, present: 1 });
    for (const s of ['ds', 'es', 'fs', 'gs', 'ss'] as const) {
      expect(state.sregs[s]).toMatchObject({ selector: 0x10, type: 0x3, s: 1, db: 1, dpl: 0 });
    }
    expect(state.sregs.tr).toMatchObject({ selector: 0x28, base: BigInt(BOOT_TSS_ADDR), limit: 0x67, type: 0xb, s: 0 });
    expect(state.sregs.ldt.unusable).toBe(1);
    expect(state.regs.rip).toBe(BigInt(BOOT_CODE_ADDR));
    expect(state.regs.rsp).toBe(BigInt(BOOT_STACK_TOP));
    expect(state.regs.rflags).toBe(2n);
  });

  it('lays STAR out so SYSCALL enters 0x08/0x10 and SYSRET returns to 0x23/0x1b', () => {
    const seg = bootSegments();
    const syscallCs = Number((BOOT_STAR >> 32n) & 0xffffn);
    const sysretBase = Number((BOOT_STAR >> 48n) & 0xffffn);
    expect([syscallCs, syscallCs + 8]).toEqual([seg.kernelCode.selector, seg.kernelData.selector]);
    expect([(sysretBase + 16) | 3, (sysretBase + 8) | 3]).toEqual([seg.userCode.selector, seg.userData.selector]);
    expect(seg.userCode).toMatchObject({ dpl: 3, l: 1, type: 0xb });
  });

  it('zeroes only the table area and leaves the rest of memory alone', () => {
    const memory = new Uint8Array(1 << 20).fill(0xcc);
    writeLongModeTables(memory, { entry: 0x20000n, stackTop: 0x9000n });
    expect(memory[0]).toBe(0);
    expect(memory[BOOT_TABLES_END - 1]).toBe(0);
    expect(memory[BOOT_TABLES_END]).toBe(0xcc);
    expect(() => writeLongModeTables(new Uint8Array(0x8000))).toThrow(/smaller than the boot tables/);
  });
});
