/**
 * Time travel over the bundled Linux on emu (issue 15's property, on a real
 * kernel): for random points A < B in the boot — where the kernel programs
 * its local APIC timer, the UART, the RTC and builds its page tables —
 * going to B then back to A is byte-identical (registers and hidden state,
 * x87/SSE, LAPIC, PIC/PIT, UART, RTC, RAM, counters) to a fresh run to A,
 * and reverse N then forward N comes back exactly. Points are drawn in the first
 * 50 M instructions of the boot (the prompt comes at ~56 M).
 */
import { describe, expect, it } from 'vitest';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import type { EmuMachineHistory } from '../../../src/core/emu/machine-history.ts';
import { Counters } from '../../../src/core/counters.ts';
import { runInstructions } from '../../../src/core/time-travel/advance.ts';
import { captureState, restoreState, stateDigest, type CapturedState } from '../../../src/core/time-travel/state-walk.ts';
import { Timeline } from '../../../src/core/time-travel/timeline.ts';
import { KvmCap } from '../../../src/core/uapi/ioctls.ts';
import { BUNDLED_LINUX_MEM, bundledLinuxImage } from '../../../src/core/vmm/bundled-linux.ts';
import { CmosRtc } from '../../../src/core/vmm/cmos-rtc.ts';
import { connectSerialIrq, ExitPort, rtcClock, SerialConsole } from '../../../src/core/vmm/devices.ts';
import { createGuestVm } from '../../../src/core/vmm/run-guest.ts';
import { prng } from '../../emu/prng.ts';

function linux() {
  const backend = new EmuBackend();
  const g = createGuestVm(backend, bundledLinuxImage(), { memSize: BUNDLED_LINUX_MEM });
  g.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
  const serial = new SerialConsole();
  connectSerialIrq(serial, g.vm);
  const devices = { serial, rtc: new CmosRtc(rtcClock('emu', g.vcpu)), exitPort: new ExitPort(), counters: new Counters() };
  const history = g.vcpu.timeTravel() as EmuMachineHistory;
  const icount = () => history.icount();
  const extra = { capture: () => captureState(devices), restore: (s: unknown) => restoreState(s as CapturedState) };
  const tl = new Timeline(history, extra, (n) => runInstructions(g.vcpu, devices, icount, n), { interval: 2_000_000 });
  const digest = (counters = true) => `${history.digest(counters)}|${stateDigest(captureState(devices, (o) => !counters && o instanceof Counters))}`;
  return { tl, devices, digest, close: () => g.kvm.close() };
}

describe('time travel on emu (the bundled Linux)', () => {
  it('B then back to A is byte-identical to a fresh run to A; reverse N then forward N returns exactly', () => {
    const r = prng(12);
    const a = 5_000_000 + r(25_000_000);
    const b = a + 1 + r(20_000_000);
    const fresh = linux();
    const travelled = linux();
    try {
      fresh.tl.goto(a);
      travelled.tl.goto(b);
      expect(travelled.tl.icount).toBe(b);
      travelled.tl.goto(a);
      expect(travelled.tl.icount).toBe(a);
      expect(travelled.digest(), `A=${a} B=${b}`).toBe(fresh.digest());
      expect(travelled.devices.serial.transcript).toBe(fresh.devices.serial.transcript);
      const here = travelled.digest(false);
      for (const n of [1, 9_999, 300_001]) {
        travelled.tl.goto(a - n);
        travelled.tl.forward(n);
        expect(travelled.tl.icount).toBe(a);
        expect(travelled.digest(false), `N=${n}`).toBe(here);
      }
      travelled.tl.goto(b);
      fresh.tl.goto(b);
      expect(travelled.digest(false), `forward again to B=${b}`).toBe(fresh.digest(false));
    } finally {
      fresh.close();
      travelled.close();
    }
  }, 240_000);
});
