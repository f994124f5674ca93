/**
 * Time travel over a vmos run on emu (issue 15): going to B then back to A
 * is byte-identical (every register and hidden field, x87/SSE, kvm_run,
 * irqchip, RAM, the VMM's devices, the counters) to a fresh run to A; a
 * reverse step of N then N forward returns exactly; the memory cap thins
 * the snapshots and doubles the interval.
 */
import { describe, expect, it } from 'vitest';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import type { EmuMachineHistory } from '../../../src/core/emu/machine-history.ts';
import { Counters } from '../../../src/core/counters.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { TIME_TRAVEL_NEEDS_EMU } from '../../../src/core/time-travel/history.ts';
import { kvmSkipReason } from '../kvm/available.ts';
import { runInstructions } from '../../../src/core/time-travel/advance.ts';
import { captureState, restoreState, stateDigest, type CapturedState } from '../../../src/core/time-travel/state-walk.ts';
import { Timeline, type TimelineOptions } from '../../../src/core/time-travel/timeline.ts';
import { KvmCap } from '../../../src/core/uapi/ioctls.ts';
import { CmosRtc } from '../../../src/core/vmm/cmos-rtc.ts';
import { ExitPort, rtcClock, SerialConsole } from '../../../src/core/vmm/devices.ts';
import { createGuestVm } from '../../../src/core/vmm/run-guest.ts';
import { vmosImage } from '../../guest/vmos.ts';

function machine(opts: TimelineOptions = { interval: 20_000 }) {
  const backend = new EmuBackend();
  const g = createGuestVm(backend, vmosImage());
  g.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
  const devices = { serial: new SerialConsole(), rtc: new CmosRtc(rtcClock('emu', g.vcpu)), exitPort: new ExitPort(), counters: new Counters() };
  const history = g.vcpu.timeTravel() as EmuMachineHistory;
  const icount = () => history.icount();
  const extra = { capture: () => captureState(devices), restore: (s: unknown) => restoreState(s as CapturedState) };
  const tl = new Timeline(history, extra, (n) => runInstructions(g.vcpu, devices, icount, n), opts);
  const digest = (counters = true) => `${history.digest(counters)}|${stateDigest(captureState(devices, (o) => !counters && o instanceof Counters))}`;
  return { g, tl, history, devices, digest };
}

/** A small deterministic PRNG (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('time travel on emu (vmos)', () => {
  it('B then back to A is byte-identical to a fresh run to A, counters included', () => {
    const r = rng(15);
    for (let k = 0; k < 3; k++) {
      const a = 1 + Math.floor(r() * 150_000);
      const b = a + 1 + Math.floor(r() * 150_000);
      const fresh = machine();
      fresh.tl.goto(a);
      expect(fresh.tl.icount).toBe(a);
      const travelled = machine();
      travelled.tl.goto(b);
      expect(travelled.tl.icount).toBe(b);
      expect(travelled.tl.snapshots.length).toBeGreaterThan(1);
      travelled.tl.goto(a);
      expect(travelled.tl.icount).toBe(a);
      expect(travelled.digest(), `A=${a} B=${b}`).toBe(fresh.digest());
      expect(travelled.devices.serial.transcript).toBe(fresh.devices.serial.transcript);
      // And forward again to B: the recorded future replays to the same machine.
      travelled.tl.goto(b);
      fresh.tl.goto(b);
      expect(travelled.digest(false), `back to B=${b}`).toBe(fresh.digest(false));
    }
  });

  it('reverse-stepi N then stepi N returns exactly (registers, RAM, devices)', () => {
    const m = machine();
    m.tl.goto(123_457);
    const here = m.digest(false);
    for (const n of [1, 2, 17, 5_000, 60_000]) {
      m.tl.goto(m.tl.icount - n);
      expect(m.digest(false)).not.toBe(here);
      m.tl.forward(n);
      expect(m.tl.icount).toBe(123_457);
      expect(m.digest(false), `N=${n}`).toBe(here);
    }
  });

  it('snapshots placed while replaying a long stretch (between two others) restore exactly', () => {
    const m = machine({ interval: 1e9 });
    m.tl.forward(200_000);
    m.tl.interval = 20_000;
    m.tl.reached(); // a snapshot at 200,000: the stretch 0–200,000 has none inside
    m.tl.goto(150_000); // replays from 0, placing snapshots at 20,000, 40,000, …
    expect(m.tl.snapshots).toEqual([0, 20_000, 40_000, 60_000, 80_000, 100_000, 120_000, 140_000, 200_000]);
    for (const at of [45_000, 199_999, 130_001]) {
      m.tl.goto(at);
      const fresh = machine();
      fresh.tl.goto(at);
      expect(m.digest(false), `at ${at}`).toBe(fresh.digest(false));
    }
  });

  it('an input forks the future: later snapshots go, the changed state is what replay starts from', () => {
    const m = machine();
    m.tl.goto(100_000);
    m.tl.goto(50_000);
    const regs = m.g.vcpu.getRegs();
    m.g.vcpu.setRegs({ ...regs, r15: 0x1234n });
    expect(m.tl.input()).toBe(true);
    expect(Math.max(...m.tl.snapshots)).toBe(50_000);
    m.tl.goto(60_000);
    m.tl.goto(50_000);
    expect(m.g.vcpu.getRegs().r15).toBe(0x1234n);
    // Replaying forward from before the input takes it on at its icount, as going there directly does.
    const direct = m.digest(false);
    m.tl.goto(45_000);
    expect(m.tl.nextInput()).toBe(50_000);
    m.tl.goto(50_000);
    expect(m.g.vcpu.getRegs().r15).toBe(0x1234n);
    expect(m.digest(false)).toBe(direct);
    m.tl.goto(45_000);
    m.tl.goto(52_000);
    m.tl.goto(50_000);
    expect(m.digest(false)).toBe(direct);
  });

  it('a replay that runs forward across an input from before it has the input (goto forward within the recording)', () => {
    const m = machine();
    const uart = m.devices.serial.uart;
    const received = () => uart.lsr() & 1; // LSR.DR: a byte waits in the receiver (vmos never reads COM1)
    m.tl.goto(30_000);
    uart.pushInput([0x5a]); // console input: state outside the guest's own run
    m.tl.input();
    m.tl.goto(45_000);
    const recorded = m.digest(false);
    m.tl.goto(25_000);
    expect(received()).toBe(0);
    m.tl.goto(45_000); // forward from 25,000: runs up to 30,000, where the input happens again
    expect(received()).toBe(1);
    expect(m.digest(false)).toBe(recorded);
    expect(m.tl.nextInput()).toBeNull();
    m.tl.goto(29_000);
    expect(m.tl.nextInput()).toBe(30_000);
  });

  it('thinning never drops an input\'s snapshot', () => {
    const m = machine({ interval: 5_000, memoryCap: 0 });
    const uart = m.devices.serial.uart;
    m.tl.goto(20_000);
    uart.pushInput([0x77]);
    m.tl.input();
    m.tl.goto(100_000);
    expect(m.tl.thinned).toBeGreaterThan(0);
    expect(m.tl.snapshots).toContain(20_000);
    m.tl.goto(10_000);
    expect(uart.lsr() & 1).toBe(0);
    m.tl.goto(21_000);
    expect(uart.lsr() & 1).toBe(1);
  });

  it('the memory cap thins the snapshots and doubles the interval', () => {
    const m = machine({ interval: 5_000, memoryCap: 0 });
    m.tl.goto(100_000);
    expect(m.tl.thinned).toBeGreaterThan(0);
    expect(m.tl.interval).toBeGreaterThan(5_000);
    m.tl.goto(3_000);
    const fresh = machine({ interval: 5_000, memoryCap: 0 });
    fresh.tl.goto(3_000);
    expect(m.digest(false)).toBe(fresh.digest(false));
  });
});

describe.skipIf(kvmSkipReason('time travel on /dev/kvm'))('time travel on /dev/kvm', () => {
  it('is refused in words: it needs emu (no silent degradation)', () => {
    const g = createGuestVm(new KvmBackend(), vmosImage());
    try {
      expect(() => g.vcpu.timeTravel()).toThrow(TIME_TRAVEL_NEEDS_EMU);
    } finally {
      g.kvm.close();
    }
  });
});
