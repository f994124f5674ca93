/**
 * The emulated vCPU's run loop (src/core/emu/vcpu.ts runLoop, states and
 * pacing in vcpu-run.ts) under its two drivers: runSync holds the thread,
 * runAsync pauses — inside a slice without a VM-exit, and blocked in HLT
 * until a kick — while the exits and counters stay those of the slices.
 */
import { describe, expect, it } from 'vitest';
import { ASYNC_PACING, SYNC_PACING } from '../../../src/core/emu/vcpu-run.ts';
import { Errno } from '../../../src/core/uapi/errors.ts';
import { KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { KvmExitReason, kvmRun } from '../../../src/core/uapi/kvm-run.ts';
import { emuMachine } from './machine.ts';

const ITERATIONS = 2_500_000;
// mov ecx, ITERATIONS; L: dec ecx; jnz L; hlt
const LOOP = [0xb9, ...new Uint8Array(new Uint32Array([ITERATIONS]).buffer), 0xff, 0xc9, 0x75, 0xfc, 0xf4];
/** Instructions retired before the HLT exits: the MOV and two per iteration. */
const BEFORE_HLT = 1 + 2 * ITERATIONS;

describe('KVM_RUN run loop on emu', () => {
  it('runSync: one VM-exit per full slice of 4M instructions, then HLT', () => {
    const m = emuMachine(LOOP);
    expect(m.step().kind).toBe('hlt');
    expect(m.getRegs().rcx).toBe(0n);
    expect(m.counters()).toMatchObject({
      'vmexit.budget': Math.floor(BEFORE_HLT / SYNC_PACING.slice),
      'vmexit.hlt': 1,
      'exit.hlt': 1,
    });
  });

  it('runAsync: the event loop runs during the run, yet the only VM-exits are those of its 1M slices', async () => {
    const m = emuMachine(LOOP);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await m.b.ioctlAsync(m.vcpuFd, KvmIoctl.KVM_RUN, 0);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
    expect(kvmRun.get(m.run, 'exit_reason')).toBe(KvmExitReason.HLT);
    expect(m.getRegs().rcx).toBe(0n);
    const c = m.counters();
    expect(c['vmexit.budget']).toBe(Math.floor(BEFORE_HLT / ASYNC_PACING.slice));
    expect(c['vmexit.hlt']).toBe(1);
    expect(c['exit.intr']).toBeUndefined();
  });

  it('runAsync blocked in HLT waits (a second KVM_RUN is EBUSY) until a kick: EINTR, and the vCPU can run again', async () => {
    const m = emuMachine([0xfa, 0xf4], { irqchip: true }); // cli; hlt
    let settled = false;
    const p = m.b.ioctlAsync(m.vcpuFd, KvmIoctl.KVM_RUN, 0).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    expect(m.counters()['vmexit.idle']).toBe(1);
    expect(m.stepErr().errno).toBe(Errno.EBUSY);
    m.b.kick(m.vcpuFd);
    await expect(p).rejects.toMatchObject({ errno: Errno.EINTR });
    expect(kvmRun.get(m.run, 'exit_reason')).toBe(KvmExitReason.INTR);
    expect(m.counters()['exit.intr']).toBe(1);
    // No run in progress any more: a synchronous KVM_RUN halts again, and returns as a signal would.
    expect(m.stepErr().errno).toBe(Errno.EINTR);
    expect(m.counters()['vmexit.idle']).toBe(2);
  });
});
