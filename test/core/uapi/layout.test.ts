import { describe, expect, it } from 'vitest';
import { at, struct, u16, u32, u64, u8 } from '../../../src/core/uapi/layout.ts';
import {
  kvmDebugregs,
  kvmFpu,
  kvmDtable,
  kvmEnableCap,
  kvmInterrupt,
  kvmIrqLevel,
  kvmPitConfig,
  kvmVcpuEvents,
  kvmXcr,
  kvmXcrs,
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
  kvmRunDebugCr3,
  kvmSaveRegsOnExit,
  kvmSyncRegs,
  KVM_RUN_DEBUG_CR3_OFFSET,
  KVM_SAVE_REGS_ON_EXIT_OFFSET,
  KVM_SYNC_REGS_CONDITIONAL,
  KVM_SYNC_REGS_EVENTS_OFFSET,
  KVM_SYNC_REGS_OFFSET,
  KVM_SYNC_REGS_SREGS_OFFSET,
  saveRegsOnExitBit,
  setSaveRegsOnExitBit,
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
    [kvmDebugregs, 128],
    [kvmXcr, 16],
    [kvmXcrs, 392],
    [kvmVcpuEvents, 64],
    [kvmSyncRegs, 520],
    [kvmEnableCap, 104],
    [kvmPitConfig, 64],
    [kvmIrqLevel, 8],
    [kvmInterrupt, 4],
    [kvmSaveRegsOnExit, 128],
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

describe('uAPI field offsets (debug, xcrs, events, sync regs, extensions)', () => {
  const offs = (l: { fields: readonly { name: string; offset: number; size: number }[] }) => l.fields.map((f) => [f.name, f.offset, f.size]);

  it('kvm_debugregs, kvm_xcrs, kvm_enable_cap, kvm_irq_level', () => {
    expect(offs(kvmDebugregs)).toEqual([['db', 0, 32], ['dr6', 32, 8], ['dr7', 40, 8], ['flags', 48, 8]]);
    expect(offs(kvmXcr)).toEqual([['xcr', 0, 4], ['value', 8, 8]]);
    expect(offs(kvmXcrs)).toEqual([['nr_xcrs', 0, 4], ['flags', 4, 4], ['xcrs', 8, 256]]); // padding[16] at 264
    expect(offs(kvmEnableCap)).toEqual([['cap', 0, 4], ['flags', 4, 4], ['args', 8, 32]]); // pad[64] at 40
    expect(offs(kvmIrqLevel)).toEqual([['irq', 0, 4], ['level', 4, 4]]);
    expect(offs(kvmPitConfig)).toEqual([['flags', 0, 4]]);
  });

  it('kvm_fpu (asm/kvm.h; offsets printed with gcc on this machine)', () => {
    expect(kvmFpu.size).toBe(416);
    expect(offs(kvmFpu)).toEqual([
      ['fpr', 0, 128], ['fcw', 128, 2], ['fsw', 130, 2], ['ftwx', 132, 1], ['last_opcode', 134, 2], ['last_ip', 136, 8],
      ['last_dp', 144, 8], ['xmm', 152, 256], ['mxcsr', 408, 4],
    ]);
  });

  it('kvm_vcpu_events (x86, asm/kvm.h)', () => {
    expect(offs(kvmVcpuEvents)).toEqual([
      ['exception', 0, 8], ['interrupt', 8, 4], ['nmi', 12, 4], ['sipi_vector', 16, 4], ['flags', 20, 4],
      ['smi', 24, 4], ['triple_fault', 28, 1], ['exception_has_payload', 55, 1], ['exception_payload', 56, 8],
    ]);
    const e = kvmVcpuEvents.zero();
    e.exception = { injected: 1, nr: 14, has_error_code: 1, pending: 0, error_code: 0x6 };
    e.interrupt = { injected: 1, nr: 0x20, soft: 0, shadow: 1 };
    e.nmi = { injected: 0, pending: 1, masked: 1 };
    e.smi = { smm: 0, pending: 0, smm_inside_nmi: 0, latched_init: 1 };
    e.triple_fault = { pending: 1 };
    e.exception_has_payload = 1;
    e.exception_payload = 0xdead0000n;
    const b = kvmVcpuEvents.encode(e);
    expect(Array.from(b.subarray(0, 16))).toEqual([1, 14, 1, 0, 6, 0, 0, 0, 1, 0x20, 0, 1, 0, 1, 1, 0]);
    expect([b[27], b[28], b[55]]).toEqual([1, 1, 1]);
    expect(kvmVcpuEvents.decode(b)).toEqual(e);
  });

  it('kvm_sync_regs inside kvm_run: regs at +304, sregs at +448 (cr3 at +688), events at +760', () => {
    expect(offs(kvmSyncRegs)).toEqual([['regs', 0, 144], ['sregs', 144, 312], ['events', 456, 64]]);
    expect(KVM_SYNC_REGS_OFFSET).toBe(kvmRun.offsetOf('s'));
    expect(KVM_SYNC_REGS_SREGS_OFFSET).toBe(448);
    expect(KVM_SYNC_REGS_SREGS_OFFSET + kvmSregs.offsetOf('cr3')).toBe(688);
    expect(KVM_SYNC_REGS_EVENTS_OFFSET).toBe(760);
  });

  it('extensions: debug cr3 at run+64, the conditional flag, the bitmap right after kvm_run', () => {
    expect(KVM_RUN_DEBUG_CR3_OFFSET).toBe(64);
    expect(KVM_RUN_EXIT_OFFSET + kvmRunDebugCr3.offsetOf('cr3')).toBe(64);
    expect(KVM_SYNC_REGS_CONDITIONAL).toBe(0x8000_0000_0000_0000n);
    expect(KVM_SAVE_REGS_ON_EXIT_OFFSET).toBe(kvmRun.size);
    const page = new Uint8Array(4096);
    setSaveRegsOnExitBit(page, 4, true);
    setSaveRegsOnExitBit(page, 65, true);
    expect(page[2352]).toBe(0x10);
    expect(page[2352 + 8]).toBe(0x02);
    expect(saveRegsOnExitBit(page, 4)).toBe(true);
    expect(saveRegsOnExitBit(page, 5)).toBe(false);
    expect(saveRegsOnExitBit(page, 2000)).toBe(false);
    setSaveRegsOnExitBit(page, 4, false);
    expect(page[2352]).toBe(0);
    expect(kvmSaveRegsOnExit.decode(page, KVM_SAVE_REGS_ON_EXIT_OFFSET).bits[1]).toBe(2n);
    expect(() => setSaveRegsOnExitBit(page, 1024, true)).toThrow(RangeError);
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
