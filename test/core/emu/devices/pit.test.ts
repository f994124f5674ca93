import { describe, expect, it } from 'vitest';
import { Counters } from '../../../../src/core/counters.ts';
import {
  DEFAULT_INSTRUCTIONS_PER_PIT_TICK, KVM_PIT_SPEAKER_DUMMY, MIN_PERIOD_TICKS, Pit, type PitTiming,
} from '../../../../src/core/emu/devices/pit.ts';

const IPT = DEFAULT_INSTRUCTIONS_PER_PIT_TICK;

function makePit(timing: PitTiming = {}, flags = 0) {
  const counters = new Counters();
  const pulses: number[] = [];
  const pit = new Pit({ flags }, () => pulses.push(pit.now), counters, timing);
  return { pit, pulses, counters };
}

/** Program channel 0 as Linux's setup_pit_timer does: mode byte, then LSB and MSB of the divisor. */
function program(pit: Pit, mode: number, divisor: number, channel = 0): void {
  pit.portOut(0x43, 1, (channel << 6) | 0x30 | (mode << 1));
  pit.portOut(0x40 + channel, 1, divisor & 0xff);
  pit.portOut(0x40 + channel, 1, divisor >> 8);
}

describe('time base', () => {
  it('is 84 instructions per PIT clock by default: 100 Hz is 1,002,288 instructions, 1000 Hz 100,212', () => {
    expect(IPT).toBe(84);
    for (const [divisor, insns] of [[11932, 1_002_288], [1193, 100_212]]) {
      const { pit } = makePit();
      program(pit, 2, divisor);
      expect(pit.instructionsUntilNextEvent()).toBe(insns);
      expect(pit.periodInstructions).toBe(insns);
    }
  });

  it('rejects a rate that is not a positive integer', () => {
    expect(() => makePit({ instructionsPerPitTick: 0 })).toThrow(RangeError);
    expect(() => makePit({ instructionsPerPitTick: 2.5 })).toThrow(RangeError);
  });

  it('has no timer until channel 0 gets a mode and a count', () => {
    const { pit, pulses } = makePit();
    expect(pit.instructionsUntilNextEvent()).toBe(Infinity);
    pit.advance(10_000_000);
    expect(pulses).toEqual([]);
  });
});

describe('channel 0 modes', () => {
  it('mode 2 (rate generator) pulses IRQ 0 every divisor × rate instructions', () => {
    const { pit, pulses, counters } = makePit();
    program(pit, 2, 11932);
    const period = 11932 * IPT;
    pit.advance(period - 1);
    expect(pulses).toEqual([]);
    expect(pit.instructionsUntilNextEvent()).toBe(1);
    pit.advance(1);
    expect(pulses).toEqual([period]);
    pit.acked();
    pit.advance(period);
    pit.acked();
    pit.advance(period * 3 - 5); // one big step crosses several expiries
    expect(counters.get('pit.tick')).toBe(4);
    expect(pit.instructionsUntilNextEvent()).toBe(5);
  });

  it('mode 3 (square wave) has the same period; OUT is high for the first half', () => {
    const { pit, pulses } = makePit();
    program(pit, 3, 1000);
    expect(pit.getOut(0)).toBe(true);
    pit.advance(499 * IPT);
    expect(pit.getOut(0)).toBe(true);
    pit.advance(IPT);
    expect(pit.getOut(0)).toBe(false);
    pit.advance(500 * IPT);
    expect(pulses).toEqual([1000 * IPT]);
    expect(pit.getOut(0)).toBe(true);
    expect(pit.instructionsUntilNextEvent()).toBe(1000 * IPT);
  });

  it('mode 0 (interrupt on terminal count) fires once', () => {
    const { pit, pulses } = makePit();
    program(pit, 0, 500);
    expect(pit.getOut(0)).toBe(false);
    pit.advance(500 * IPT);
    expect(pulses).toEqual([500 * IPT]);
    expect(pit.getOut(0)).toBe(true);
    expect(pit.instructionsUntilNextEvent()).toBe(Infinity);
    pit.advance(10_000 * IPT);
    expect(pulses.length).toBe(1);
    // The counter wraps past zero and keeps counting down.
    expect(pit.getCount(0)).toBe((500 - 10_500) & 0xffff);
  });

  it('reloading the count restarts the timer; a count of 0 means 65536', () => {
    const { pit } = makePit();
    program(pit, 2, 1000);
    pit.advance(600 * IPT);
    program(pit, 2, 0);
    expect(pit.channels[0].count).toBe(0x10000);
    expect(pit.instructionsUntilNextEvent()).toBe(0x10000 * IPT);
  });

  it("limits periodic timers to KVM's 200 µs (239 clocks) after the first expiry", () => {
    const { pit, pulses } = makePit();
    program(pit, 2, 10);
    pit.advance(10 * IPT);
    expect(pulses).toEqual([10 * IPT]);
    expect(pit.instructionsUntilNextEvent()).toBe(MIN_PERIOD_TICKS * IPT);
    const free = makePit({ minPeriodTicks: 1 }).pit;
    program(free, 2, 10);
    free.advance(10 * IPT);
    expect(free.instructionsUntilNextEvent()).toBe(10 * IPT);
  });

  it('stops the timer in mode 5 (hardware-triggered strobe)', () => {
    const { pit } = makePit();
    program(pit, 2, 1000);
    program(pit, 5, 1000);
    expect(pit.instructionsUntilNextEvent()).toBe(Infinity);
  });
});

describe('reinject (KVM default): one tick in flight, missed ticks delivered on EOI', () => {
  it('holds ticks until the previous is acknowledged, then releases them one per ack', () => {
    const { pit, pulses, counters } = makePit({ minPeriodTicks: 1 });
    program(pit, 2, 100);
    pit.advance(300 * IPT); // three expiries, no ack
    expect(pulses.length).toBe(1);
    expect(pit.pending).toBe(3);
    expect(counters.get('pit.held')).toBe(2);
    pit.acked();
    expect(pulses.length).toBe(2);
    pit.acked();
    expect(pulses.length).toBe(3);
    pit.acked();
    expect(pulses.length).toBe(3);
    expect(pit.pending).toBe(0);
    expect(counters.get('pit.reinjected')).toBe(2);
  });

  it('drops the backlog when IRQ 0 is unmasked, and pulses every expiry with reinject off', () => {
    const { pit, pulses } = makePit({ minPeriodTicks: 1 });
    program(pit, 2, 100);
    pit.advance(300 * IPT);
    pit.maskChanged(false);
    expect(pit.pending).toBe(0);
    pit.advance(100 * IPT);
    expect(pulses.length).toBe(2);
    const off = makePit({ minPeriodTicks: 1, reinject: false });
    program(off.pit, 2, 100);
    off.pit.advance(300 * IPT);
    expect(off.pulses.length).toBe(3);
  });
});

describe('reading the counters', () => {
  it('reads the live count LSB then MSB in access mode 3', () => {
    const { pit } = makePit();
    program(pit, 2, 0x1234);
    pit.advance(0x34 * IPT + IPT - 1); // 0x34 whole clocks
    expect(pit.portIn(0x40, 1)).toBe(0x00);
    expect(pit.portIn(0x40, 1)).toBe(0x12);
  });

  it('counts mode 3 down by two per clock', () => {
    const { pit } = makePit();
    program(pit, 3, 1000);
    pit.advance(100 * IPT);
    expect(pit.getCount(0)).toBe(800);
  });

  it('freezes a latched count until both bytes are read; a second latch is ignored', () => {
    const { pit } = makePit();
    program(pit, 2, 0x1000);
    pit.advance(0x10 * IPT);
    pit.portOut(0x43, 1, 0x00); // latch channel 0
    pit.advance(0x100 * IPT);
    pit.portOut(0x43, 1, 0x00); // ignored: the first latch is unread
    expect(pit.portIn(0x40, 1)).toBe(0xf0);
    expect(pit.portIn(0x40, 1)).toBe(0x0f);
    // Live again.
    expect(pit.portIn(0x40, 1)! | (pit.portIn(0x40, 1)! << 8)).toBe(0x1000 - 0x110);
  });

  it('latches status and count with read-back; status comes out first', () => {
    const { pit } = makePit();
    program(pit, 2, 0x2000);
    pit.portOut(0x43, 1, 0x35); // channel 0, LSB/MSB, mode 2, BCD
    pit.portOut(0x40, 1, 0x00);
    pit.portOut(0x40, 1, 0x20);
    pit.advance(0x20 * IPT);
    pit.portOut(0x43, 1, 0xc2); // read-back: count and status of channel 0
    // OUT low (mode 2 between pulses), access 3, mode 2, BCD 1.
    expect(pit.portIn(0x40, 1)).toBe(0x35);
    expect(pit.portIn(0x40, 1)).toBe(0xe0);
    expect(pit.portIn(0x40, 1)).toBe(0x1f);
    pit.portOut(0x43, 1, 0xe2); // status only (bit 5 = 1: no count)
    expect(pit.portIn(0x40, 1)).toBe(0x35);
    expect(pit.portIn(0x40, 1)).toBe(0xe0); // live LSB (count 0x2000 - 0x20)
  });

  it('treats control-word modes 6 and 7 as 2 and 3, and reads 0x43 as 0', () => {
    const { pit } = makePit();
    pit.portOut(0x43, 1, 0x3c); // mode 6
    expect(pit.channels[0].mode).toBe(2);
    pit.portOut(0x43, 1, 0x3e); // mode 7
    expect(pit.channels[0].mode).toBe(3);
    expect(pit.portIn(0x43, 1)).toBe(0);
  });

  it('writes and reads one byte in LSB-only and MSB-only access modes', () => {
    const { pit } = makePit();
    pit.portOut(0x43, 1, 0x10 | (2 << 1)); // LSB only
    pit.portOut(0x40, 1, 0x80);
    expect(pit.channels[0].count).toBe(0x80);
    pit.portOut(0x43, 1, 0x20 | (2 << 1)); // MSB only
    pit.portOut(0x40, 1, 0x02);
    expect(pit.channels[0].count).toBe(0x200);
    expect(pit.portIn(0x40, 1)).toBe(0x02);
  });
});

describe('channel 2 and port 0x61', () => {
  it('is only decoded with KVM_PIT_SPEAKER_DUMMY', () => {
    expect(makePit().pit.portIn(0x61, 1)).toBeUndefined();
    expect(makePit().pit.portOut(0x61, 1, 1)).toBe(false);
    expect(makePit({}, KVM_PIT_SPEAKER_DUMMY).pit.portIn(0x61, 1)).toBeDefined();
    expect(makePit({}, KVM_PIT_SPEAKER_DUMMY).pit.portIn(0x62, 1)).toBeUndefined();
  });

  it("runs Linux's PIT calibration loop: gate on, mode 0, OUT (bit 5) rises at terminal count", () => {
    const { pit } = makePit({}, KVM_PIT_SPEAKER_DUMMY);
    pit.portOut(0x61, 1, (pit.portIn(0x61, 1)! & ~0x02) | 0x01);
    program(pit, 0, 0x1000, 2);
    expect(pit.portIn(0x61, 1)! & 0x21).toBe(0x01);
    pit.advance(0x1000 * IPT - 1);
    expect(pit.portIn(0x61, 1)! & 0x20).toBe(0);
    pit.advance(1);
    expect(pit.portIn(0x61, 1)! & 0x20).toBe(0x20);
    expect(pit.instructionsUntilNextEvent()).toBe(Infinity); // channel 2 raises no IRQ
  });

  it('restarts a mode 2 count on a rising gate edge', () => {
    const { pit } = makePit({}, KVM_PIT_SPEAKER_DUMMY);
    program(pit, 2, 100, 2);
    pit.advance(40 * IPT);
    expect(pit.getCount(2)).toBe(60);
    pit.portOut(0x61, 1, 1);
    expect(pit.getCount(2)).toBe(100);
  });
});
