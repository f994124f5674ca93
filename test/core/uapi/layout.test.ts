import { describe, expect, it } from 'vitest';
import { at, struct, u16, u32, u64, u8 } from '../../../src/core/uapi/layout.ts';
import {
  kvmDtable,
  kvmGuestDebug,
  kvmRegs,
  kvmSegment,
  kvmSregs,
  kvmUserspaceMemoryRegion,
} from '../../../src/core/uapi/structs.ts';
import {
  KVM_RUN_EXIT_OFFSET,
  kvmRun,
  kvmRunDebug,
  kvmRunEmulationFailure,
  kvmRunEx,
  kvmRunFailEntry,
  kvmRunHw,
  kvmRunInternal,
  kvmRunIo,
  kvmRunMmio,
  kvmRunSystemEvent,
} from '../../../src/core/uapi/kvm-run.ts';
import { kvmCpuid2Header, kvmCpuidEntry2, kvmMsrEntry, kvmMsrsHeader } from '../../../src/core/uapi/fam.ts';

// Sizes and offsets printed by offsetof/sizeof against linux-libc-dev 6.1's
// <linux/kvm.h> on x86-64 (and matching shared/docs/uapi.md §1).
describe('uAPI struct sizes', () => {
  const sizes: [{ name: string; size: number }, number][] = [
    [kvmRegs, 144],
    [kvmSegment, 24],
    [kvmDtable, 16],
    [kvmSregs, 312],
    [kvmUserspaceMemoryRegion, 32],
    [kvmGuestDebug, 72],
    [kvmRun, 2352],
    [kvmCpuidEntry2, 40],
    [kvmCpuid2Header, 8],
    [kvmMsrEntry, 16],
    [kvmMsrsHeader, 8],
  ];
  it.each(sizes.map(([layout, size]) => [layout.name, layout.size, size]))('%s is %i bytes (expected %i)', (_, actual, size) => {
    expect(actual).toBe(size);
  });
});

describe('uAPI field offsets', () => {
  it('kvm_regs: rax..r15, rip, rflags every 8 bytes', () => {
    const names = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rsp', 'rbp',
      'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'rflags'];
    expect(kvmRegs.fields.map((f) => [f.name, f.offset, f.size])).toEqual(names.map((n, i) => [n, i * 8, 8]));
  });

  it('kvm_segment', () => {
    expect(kvmSegment.fields.map((f) => [f.name, f.offset, f.size])).toEqual([
      ['base', 0, 8], ['limit', 8, 4], ['selector', 12, 2], ['type', 14, 1], ['present', 15, 1],
      ['dpl', 16, 1], ['db', 17, 1], ['s', 18, 1], ['l', 19, 1], ['g', 20, 1], ['avl', 21, 1], ['unusable', 22, 1],
    ]);
  });

  it('kvm_sregs', () => {
    const expected: [string, number][] = [
      ['cs', 0], ['ds', 24], ['es', 48], ['fs', 72], ['gs', 96], ['ss', 120], ['tr', 144], ['ldt', 168],
      ['gdt', 192], ['idt', 208], ['cr0', 224], ['cr2', 232], ['cr3', 240], ['cr4', 248], ['cr8', 256],
      ['efer', 264], ['apic_base', 272], ['interrupt_bitmap', 280],
    ];
    for (const [name, off] of expected) expect(kvmSregs.offsetOf(name as never), name).toBe(off);
    expect(kvmDtable.offsetOf('limit')).toBe(8);
  });

  it('kvm_userspace_memory_region, kvm_guest_debug, kvm_cpuid_entry2, kvm_msr_entry', () => {
    expect(kvmUserspaceMemoryRegion.fields.map((f) => f.offset)).toEqual([0, 4, 8, 16, 24]);
    expect(kvmGuestDebug.offsetOf('debugreg')).toBe(8);
    expect(kvmCpuidEntry2.fields.map((f) => f.offset)).toEqual([0, 4, 8, 12, 16, 20, 24]);
    expect(kvmMsrEntry.offsetOf('data')).toBe(8);
  });

  it('kvm_run header and sync-regs area', () => {
    const expected: [string, number][] = [
      ['request_interrupt_window', 0], ['immediate_exit', 1], ['exit_reason', 8],
      ['ready_for_interrupt_injection', 12], ['if_flag', 13], ['flags', 14], ['cr8', 16], ['apic_base', 24],
      ['exit', 32], ['kvm_valid_regs', 288], ['kvm_dirty_regs', 296], ['s', 304],
    ];
    for (const [name, off] of expected) expect(kvmRun.offsetOf(name as never), name).toBe(off);
  });

  it('kvm_run exit union members at their absolute offsets', () => {
    const abs = (layout: { offsetOf(f: never): number }, f: string) => KVM_RUN_EXIT_OFFSET + layout.offsetOf(f as never);
    expect([abs(kvmRunIo, 'direction'), abs(kvmRunIo, 'size'), abs(kvmRunIo, 'port'), abs(kvmRunIo, 'count'), abs(kvmRunIo, 'data_offset')])
      .toEqual([32, 33, 34, 36, 40]);
    expect([abs(kvmRunMmio, 'phys_addr'), abs(kvmRunMmio, 'data'), abs(kvmRunMmio, 'len'), abs(kvmRunMmio, 'is_write')])
      .toEqual([32, 40, 48, 52]);
    expect([abs(kvmRunDebug, 'exception'), abs(kvmRunDebug, 'pc'), abs(kvmRunDebug, 'dr6'), abs(kvmRunDebug, 'dr7')])
      .toEqual([32, 40, 48, 56]);
    expect([abs(kvmRunInternal, 'suberror'), abs(kvmRunInternal, 'ndata'), abs(kvmRunInternal, 'data')]).toEqual([32, 36, 40]);
    expect([abs(kvmRunEmulationFailure, 'flags'), abs(kvmRunEmulationFailure, 'insn_size'), abs(kvmRunEmulationFailure, 'insn_bytes')])
      .toEqual([40, 48, 49]);
    expect([abs(kvmRunFailEntry, 'hardware_entry_failure_reason'), abs(kvmRunFailEntry, 'cpu')]).toEqual([32, 40]);
    expect(abs(kvmRunHw, 'hardware_exit_reason')).toBe(32);
    expect([abs(kvmRunEx, 'exception'), abs(kvmRunEx, 'error_code')]).toEqual([32, 36]);
    expect([abs(kvmRunSystemEvent, 'type'), abs(kvmRunSystemEvent, 'ndata'), abs(kvmRunSystemEvent, 'data')]).toEqual([32, 36, 40]);
  });
});

describe('struct codec', () => {
  it('round-trips kvm_sregs, little-endian, with 64-bit values as BigInt', () => {
    const s = kvmSregs.zero();
    s.cs = { ...s.cs, base: 0xffff_8000_0000_1000n, limit: 0xffffffff, selector: 0x08, type: 11, present: 1, l: 1, g: 1, s: 1 };
    s.gdt = { base: 0x1000n, limit: 0x37 };
    s.cr0 = 0x80050033n;
    s.efer = 0xd01n;
    s.interrupt_bitmap = [1n, 0n, 0n, 1n << 63n];
    const bytes = kvmSregs.encode(s);
    expect(bytes.length).toBe(312);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x00, 0x10, 0, 0, 0, 0x80, 0xff, 0xff]);
    expect(Array.from(bytes.subarray(12, 20))).toEqual([0x08, 0, 11, 1, 0, 0, 1, 1]);
    expect(kvmSregs.decode(bytes)).toEqual(s);
  });

  it('zero-fills padding and reads/writes single fields of a larger buffer', () => {
    const page = new Uint8Array(4096).fill(0xaa);
    kvmSegment.encodeInto(kvmSegment.zero(), page, 100);
    expect(page.subarray(100, 124).every((b) => b === 0)).toBe(true);
    expect(page[99]).toBe(0xaa);
    expect(page[124]).toBe(0xaa);
    kvmRun.set(page, 'exit_reason', 5);
    expect(kvmRun.get(page, 'exit_reason')).toBe(5);
    expect(page[12]).toBe(0xaa);
  });

  it('stores negative BigInts as two’s complement (u64 wraps)', () => {
    const r = kvmRegs.zero();
    r.rax = -1n;
    expect(kvmRegs.decode(kvmRegs.encode(r)).rax).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('rejects overlapping fields and fields past the end', () => {
    expect(() => struct('bad', 8, { a: at(0, u64), b: at(4, u32) })).toThrow(/overlaps/);
    expect(() => struct('bad', 4, { a: at(2, u32) })).toThrow(/past size 4/);
    expect(() => struct('ok', 4, { a: at(0, u8), b: at(2, u16) })).not.toThrow();
  });
});
