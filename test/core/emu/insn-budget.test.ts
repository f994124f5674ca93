/**
 * The vdbg-private KVM_CAP_VDBG_INSN_BUDGET (docs/uapi-extensions.md §3): a
 * KVM_RUN with kvm_run.insn_budget = N retires exactly N instructions and
 * returns KVM_EXIT_INTR with the field at 0 — the same place N single-steps
 * reach; console IO exits in between count their instruction once. Real KVM
 * does not have the cap (KVM_CHECK_EXTENSION 0, KVM_ENABLE_CAP EINVAL).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { openKvm } from '../../../src/core/api/index.ts';
import { KvmCap } from '../../../src/core/uapi/ioctls.ts';
import { KvmGuestDbg as G } from '../../../src/core/uapi/structs.ts';
import { createGuestVm } from '../../../src/core/vmm/run-guest.ts';
import { kvmSkipReason } from '../kvm/available.ts';
import { TINY_BIN } from '../../guest/vmos.ts';

function tiny() {
  return createGuestVm(new EmuBackend(), { kind: 'raw', bytes: readFileSync(TINY_BIN), gpa: 0x10000 });
}

describe('KVM_CAP_VDBG_INSN_BUDGET on emu', () => {
  it('is advertised and enabled per VM', () => {
    const g = tiny();
    expect(g.kvm.checkExtension(KvmCap.VDBG_INSN_BUDGET)).toBe(1);
    g.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
    expect(g.vm.capEnabled(KvmCap.VDBG_INSN_BUDGET)).toBe(true);
    g.kvm.close();
  });

  it('retires exactly N instructions per budget, IO exits included, as N single-steps do', async () => {
    for (const n of [1, 2, 3, 7, 25, 60]) {
      const a = tiny();
      a.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
      a.vcpu.insnBudget = BigInt(n);
      let ios = 0;
      for (;;) {
        const e = await a.vcpu.runAsync();
        if (e.kind === 'intr') break;
        expect(e.kind).toBe('io'); // the serial console; the budget goes on across IO exits
        ios++;
      }
      expect(a.vcpu.insnBudget).toBe(0n);
      const b = tiny();
      b.vcpu.setGuestDebug({ control: G.ENABLE | G.SINGLESTEP });
      for (let k = 0; k < n; ) {
        const e = b.vcpu.run();
        if (e.kind === 'debug') k++;
      }
      expect(a.vcpu.getRegs(), `after ${n} (${ios} IO exits)`).toEqual(b.vcpu.getRegs());
      expect(a.vcpu.counters()['ioctl.KVM_RUN']).toBe(ios + 1);
      a.kvm.close();
      b.kvm.close();
    }
  });

  it('leaves what is left when another exit comes first, and 0 means no budget', async () => {
    const a = tiny();
    a.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
    a.vcpu.insnBudget = 1000n;
    const e = await a.vcpu.runAsync(); // the first OUT to the console
    expect(e.kind).toBe('io');
    const left = a.vcpu.insnBudget;
    expect(left > 0n && left < 1000n).toBe(true);
    a.vcpu.insnBudget = 0n;
    let last = e.kind;
    while (last === 'io') last = (await a.vcpu.runAsync()).kind;
    expect(last).toBe('hlt');
    a.kvm.close();
  });
});

describe.skipIf(kvmSkipReason('insn budget on /dev/kvm'))('KVM_CAP_VDBG_INSN_BUDGET on /dev/kvm', () => {
  it('does not exist: KVM_CHECK_EXTENSION 0, KVM_ENABLE_CAP EINVAL', () => {
    const kvm = openKvm(new KvmBackend());
    try {
      expect(kvm.checkExtension(KvmCap.VDBG_INSN_BUDGET)).toBe(0);
      const vm = kvm.createVm();
      expect(() => vm.enableCap(KvmCap.VDBG_INSN_BUDGET)).toThrow(/EINVAL/);
    } finally {
      kvm.close();
    }
  });
});
