/**
 * Sync regs on emu, the assertions of sync_regs_test.c (uapi.md §1.5), and
 * the conditional extension (KVM_SYNC_REGS_CONDITIONAL, run+2352).
 */
import { describe, expect, it } from 'vitest';
import { Errno } from '../../../src/core/uapi/errors.ts';
import { KvmCap, KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import {
  KVM_SYNC_REGS_CONDITIONAL, KVM_SYNC_REGS_EVENTS_OFFSET, KVM_SYNC_REGS_REGS_OFFSET, KVM_SYNC_REGS_SREGS_OFFSET,
  kvmRun, setSaveRegsOnExitBit,
} from '../../../src/core/uapi/kvm-run.ts';
import { kvmEnableCap, kvmRegs, kvmSregs, kvmVcpuEvents } from '../../../src/core/uapi/structs.ts';
import { emuMachine } from './machine.ts';

// 1: in al, 0x10 (0x1000 in the selftest: an imm8 port here); add rbx, 1; jmp 1b
const GUEST = [0xe4, 0x10, 0x48, 0x83, 0xc3, 0x01, 0xeb, 0xf8];

function setup() {
  const m = emuMachine(GUEST);
  const valid = (v: bigint) => kvmRun.set(m.run, 'kvm_valid_regs', v);
  const dirty = (v: bigint) => kvmRun.set(m.run, 'kvm_dirty_regs', v);
  const sRegs = () => kvmRegs.decode(m.run, KVM_SYNC_REGS_REGS_OFFSET);
  const sSregs = () => kvmSregs.decode(m.run, KVM_SYNC_REGS_SREGS_OFFSET);
  return { m, valid, dirty, sRegs, sSregs };
}

describe('sync regs (sync_regs_test.c)', () => {
  it('advertises 0x7 and rejects bits outside it with EINVAL', () => {
    const { m, valid, dirty } = setup();
    const cap = m.b.ioctl(m.sys, KvmIoctl.KVM_CHECK_EXTENSION, KvmCap.SYNC_REGS);
    expect(cap & 0x7).toBe(0x7);
    expect(cap & 0x80000000).toBe(0);
    for (const bad of [0x80000000n, 0x80000007n]) {
      valid(bad);
      expect(m.stepErr().errno).toBe(Errno.EINVAL);
      valid(0n);
      dirty(bad);
      expect(m.stepErr().errno).toBe(Errno.EINVAL);
      dirty(0n);
    }
    // Bit 63 (conditional) is EINVAL until the VM enables the extension.
    valid(KVM_SYNC_REGS_CONDITIONAL | 1n);
    expect(m.stepErr().errno).toBe(Errno.EINVAL);
  });

  it('stores all three classes after the exit; s.regs equals KVM_GET_REGS', () => {
    const { m, valid, sRegs, sSregs } = setup();
    valid(7n);
    expect(m.step().kind).toBe('io');
    expect(sRegs()).toEqual(m.getRegs());
    expect(sSregs()).toEqual(m.getSregs());
    expect(m.counters()).toMatchObject({ 'sync.regs': 1, 'sync.sregs': 1, 'sync.events': 1 });
  });

  it('applies dirty REGS and SREGS before running (rflags bit 1 forced), clearing the dirty bits', () => {
    const { m, valid, dirty, sRegs, sSregs } = setup();
    valid(7n);
    m.step();
    kvmRegs.encodeInto({ ...sRegs(), rbx: 0xbad1dean, rflags: 0n }, m.run, KVM_SYNC_REGS_REGS_OFFSET);
    kvmSregs.encodeInto({ ...sSregs(), apic_base: 1n << 11n }, m.run, KVM_SYNC_REGS_SREGS_OFFSET);
    dirty(3n);
    m.step();
    expect(kvmRun.get(m.run, 'kvm_dirty_regs')).toBe(0n);
    expect(sRegs().rbx).toBe(0xbad1dean + 1n);
    expect(sRegs().rflags & 2n).toBe(2n);
    expect(sSregs().apic_base).toBe(0x800n);
  });

  it('with dirty = 0 the stored values overwrite what userspace wrote', () => {
    const { m, valid, sRegs } = setup();
    valid(7n);
    m.step();
    kvmRegs.encodeInto({ ...sRegs(), rbx: 0xdeadbeefn }, m.run, KVM_SYNC_REGS_REGS_OFFSET);
    m.step();
    expect(sRegs().rbx).not.toBe(0xdeadbeefn);
  });

  it('valid = 0: nothing is stored; dirty still applies', () => {
    const { m, valid, dirty, sRegs } = setup();
    m.step();
    valid(0n);
    kvmRegs.encodeInto({ ...sRegs(), rbx: 0xaaaan }, m.run, KVM_SYNC_REGS_REGS_OFFSET);
    m.setRegs({ ...m.getRegs(), rbx: 0xbac0n });
    m.step();
    expect(sRegs().rbx).toBe(0xaaaan);
    expect(m.getRegs().rbx).toBe(0xbac1n);
    const r = m.getRegs();
    kvmRegs.encodeInto({ ...r, rbx: 0xbbbbn }, m.run, KVM_SYNC_REGS_REGS_OFFSET);
    dirty(7n);
    // EVENTS is dirty too: copy the current events so they are valid.
    kvmVcpuEvents.encodeInto(kvmVcpuEvents.zero(), m.run, KVM_SYNC_REGS_EVENTS_OFFSET);
    kvmSregs.encodeInto(m.getSregs(), m.run, KVM_SYNC_REGS_SREGS_OFFSET);
    m.step();
    expect(sRegs().rbx).toBe(0xbbbbn);
    expect(m.getRegs().rbx).toBe(0xbbbcn);
  });

  it('rejects an exception vector ≥ 32 or NMI in dirty EVENTS, and still stores on the error path', () => {
    const { m, valid, dirty, sRegs } = setup();
    valid(7n);
    m.step();
    const ev = kvmVcpuEvents.zero();
    for (const nr of [255, 2]) {
      kvmVcpuEvents.encodeInto({ ...ev, exception: { ...ev.exception, injected: 1, nr } }, m.run, KVM_SYNC_REGS_EVENTS_OFFSET);
      kvmRegs.encodeInto({ ...sRegs(), rbx: 0x1234n }, m.run, KVM_SYNC_REGS_REGS_OFFSET);
      dirty(1n | 4n);
      expect(m.stepErr().errno).toBe(Errno.EINVAL);
      expect(kvmRun.get(m.run, 'kvm_dirty_regs')).toBe(4n); // REGS consumed, EVENTS kept
      expect(sRegs().rbx).toBe(0x1234n); // store_regs ran on the error path
      dirty(0n);
    }
  });
});

describe('KVM_SYNC_REGS_CONDITIONAL (vdbg extension)', () => {
  it('stores only on exit reasons whose bit is set in kvm_save_regs_on_exit', () => {
    const { m, valid, sRegs } = setup();
    m.b.ioctl(m.vmFd, KvmIoctl.KVM_ENABLE_CAP, kvmEnableCap.encode({ cap: KvmCap.SYNC_REGS_CONDITIONAL, flags: 0, args: [0n, 0n, 0n, 0n] }));
    valid(KVM_SYNC_REGS_CONDITIONAL | 1n);
    m.step(); // KVM_EXIT_IO, bit 2 clear: no store
    expect(sRegs().rip).toBe(0n);
    expect(m.counters()['sync.regs']).toBeUndefined();
    setSaveRegsOnExitBit(m.run, 2, true);
    m.step();
    expect(sRegs()).toEqual(m.getRegs());
    expect(m.counters()['sync.regs']).toBe(1);
  });
});
