/**
 * KVM_RUN on the emulated backend: the exits userspace sees and how the
 * next KVM_RUN completes them (x86.c complete_fast_pio_*, complete_emulated_mmio),
 * EINTR / immediate_exit, CPUID/MSR emulation, HLT, SHUTDOWN, FAIL_ENTRY.
 */
import { describe, expect, it } from 'vitest';
import { KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { kvmRun } from '../../../src/core/uapi/kvm-run.ts';
import { Errno } from '../../../src/core/uapi/errors.ts';
import { kvmUserspaceMemoryRegion } from '../../../src/core/uapi/structs.ts';
import { CODE, emuMachine } from './machine.ts';

describe('KVM_RUN exits', () => {
  it('OUT: KVM_EXIT_IO with the data at data_offset; RIP moves on the next KVM_RUN', () => {
    // mov al, 0x5a; out 0x10, al; hlt
    const m = emuMachine([0xb0, 0x5a, 0xe6, 0x10, 0xf4]);
    const e = m.step();
    expect(e).toMatchObject({ kind: 'io', direction: 'out', port: 0x10, size: 1, count: 1 });
    if (e.kind === 'io') expect([...e.data]).toEqual([0x5a]);
    expect(m.getRegs().rip).toBe(BigInt(CODE + 2)); // still at the OUT (complete_fast_pio_out)
    expect(m.step().kind).toBe('hlt');
    expect(m.getRegs().rip).toBe(BigInt(CODE + 5));
    expect(m.counters()).toMatchObject({ 'exit.io': 1, 'exit.hlt': 1, 'vmexit.io': 1, 'vmexit.hlt': 1 });
  });

  it('IN: the data userspace writes completes the instruction', () => {
    // in al, 0x20; add rbx, 1; hlt
    const m = emuMachine([0xe4, 0x20, 0x48, 0x83, 0xc3, 0x01, 0xf4]);
    const e = m.step();
    expect(e).toMatchObject({ kind: 'io', direction: 'in', port: 0x20, size: 1 });
    if (e.kind === 'io') e.data[0] = 0x77;
    expect(m.step().kind).toBe('hlt');
    const r = m.getRegs();
    expect(r.rax & 0xffn).toBe(0x77n);
    expect(r.rbx).toBe(1n);
  });

  it('REP INSB / OUTSW: one KVM_EXIT_IO (count 1) per element; the next KVM_RUN completes it (memory, RDI/RSI, RCX)', () => {
    // mov edi, 0x1000; mov ecx, 2; mov edx, 0x60; rep insb; mov esi, 0x1000; outsw; hlt
    const m = emuMachine([0xbf, 0, 0x10, 0, 0, 0xb9, 2, 0, 0, 0, 0xba, 0x60, 0, 0, 0, 0xf3, 0x6c, 0xbe, 0, 0x10, 0, 0, 0x66, 0x6f, 0xf4]);
    for (const v of [0x41, 0x42]) {
      const e = m.step();
      expect(e).toMatchObject({ kind: 'io', direction: 'in', port: 0x60, size: 1, count: 1 });
      expect(m.getRegs().rip).toBe(BigInt(CODE + 15)); // at the INS until its last element completes
      if (e.kind === 'io') e.data[0] = v;
    }
    const out = m.step();
    expect(out).toMatchObject({ kind: 'io', direction: 'out', port: 0x60, size: 2, count: 1 });
    if (out.kind === 'io') expect([...out.data]).toEqual([0x41, 0x42]);
    expect(m.step().kind).toBe('hlt');
    const r = m.getRegs();
    expect([m.mem[0x1000], m.mem[0x1001]]).toEqual([0x41, 0x42]);
    expect([r.rcx, r.rdi, r.rsi]).toEqual([0n, 0x1002n, 0x1002n]);
  });

  it('MMIO outside every slot: reads exit before completing, writes after', () => {
    // mov eax, [0x800000]; mov [0x800008], eax; hlt  (RAM ends at 2 MiB)
    const m = emuMachine([0x8b, 0x04, 0x25, 0, 0, 0x80, 0, 0x89, 0x04, 0x25, 8, 0, 0x80, 0, 0xf4]);
    let e = m.step();
    expect(e).toMatchObject({ kind: 'mmio', physAddr: 0x800000n, isWrite: false });
    if (e.kind === 'mmio') e.data.set([1, 2, 3, 4]);
    e = m.step();
    expect(e).toMatchObject({ kind: 'mmio', physAddr: 0x800008n, isWrite: true });
    if (e.kind === 'mmio') expect([...e.data.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(m.getRegs().rax).toBe(0x04030201n);
    expect(m.step().kind).toBe('hlt');
  });

  it('a second memory slot is reached through the MMIO hook', () => {
    const m = emuMachine([0x8b, 0x04, 0x25, 0, 0, 0x80, 0, 0xf4]); // mov eax, [0x800000]; hlt
    const extra = m.b.allocMemory(4096);
    extra.bytes.set([9, 8, 7, 6]);
    m.b.ioctl(m.vmFd, KvmIoctl.KVM_SET_USER_MEMORY_REGION, kvmUserspaceMemoryRegion.encode({
      slot: 1, flags: 0, guest_phys_addr: 0x800000n, memory_size: 4096n, userspace_addr: extra.addr,
    }));
    expect(m.step().kind).toBe('hlt');
    expect(m.getRegs().rax).toBe(0x06070809n);
  });

  it('immediate_exit: EINTR with KVM_EXIT_INTR, the guest does not run', () => {
    const m = emuMachine([0xf4]);
    m.run.setUint8(1, 1);
    const err = m.stepErr();
    expect(err.errno).toBe(Errno.EINTR);
    expect(kvmRun.get(m.run, 'exit_reason')).toBe(10);
    expect(m.getRegs().rip).toBe(BigInt(CODE));
    m.run.setUint8(1, 0);
    expect(m.step().kind).toBe('hlt');
  });

  it('kick during an async KVM_RUN returns EINTR', async () => {
    const m = emuMachine([0xeb, 0xfe]); // jmp $
    const p = m.b.ioctlAsync(m.vcpuFd, KvmIoctl.KVM_RUN, 0);
    await new Promise((r) => setTimeout(r, 20));
    m.b.kick(m.vcpuFd);
    await expect(p).rejects.toMatchObject({ errno: Errno.EINTR });
    expect(kvmRun.get(m.run, 'exit_reason')).toBe(10);
  });

  it('CPUID is answered from the KVM_SET_CPUID2 table (always intercepted)', () => {
    // xor eax, eax; cpuid; hlt
    const m = emuMachine([0x31, 0xc0, 0x0f, 0xa2, 0xf4]);
    expect(m.step().kind).toBe('hlt');
    const r = m.getRegs();
    expect(r.rax).toBe(0xdn);
    expect(m.counters()['vmexit.cpuid']).toBe(1);
    // Without SET_CPUID2 the table is empty: zeros, as KVM.
    const z = emuMachine([0x31, 0xc0, 0x0f, 0xa2, 0xf4], { cpuid: false });
    z.step();
    expect(z.getRegs().rax).toBe(0n);
  });

  it('an unknown MSR injects #GP; a triple fault is KVM_EXIT_SHUTDOWN', () => {
    // mov ecx, 0x12345; rdmsr  (no IDT: #GP → #DF → shutdown)
    const m = emuMachine([0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32]);
    expect(m.step().kind).toBe('shutdown');
    expect(m.counters()['vmexit.rdmsr']).toBe(1);
  });

  it('a non-canonical RIP fails the entry (KVM_EXIT_FAIL_ENTRY)', () => {
    const m = emuMachine([0xf4]);
    m.setRegs({ ...m.getRegs(), rip: 0x0000900000000000n });
    const e = m.step();
    expect(e.kind).toBe('fail-entry');
  });

  it('leaving long mode is an emulation failure (KVM_EXIT_INTERNAL_ERROR)', () => {
    const m = emuMachine([0xf4]);
    const s = m.getSregs();
    m.setSregs({ ...s, cr0: 0x11n, cr4: 0n, efer: 0n, cs: { ...s.cs, l: 0 } });
    const e = m.step();
    expect(e).toMatchObject({ kind: 'internal-error', suberror: 1 });
  });
});
