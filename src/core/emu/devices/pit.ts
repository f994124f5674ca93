/**
 * The 8254 programmable interval timer (ports 0x40–0x43, and port 0x61 for
 * channel 2's gate and output when KVM_PIT_SPEAKER_DUMMY is set), modelled
 * on KVM's in-kernel PIT (arch/x86/kvm/i8254.c): the same control word,
 * counter latch, read-back, read/write byte sequencing, counter and OUT
 * formulas, the one-shot (modes 0, 1, 4) / periodic (modes 2, 3) timer on
 * channel 0 and its reinject policy.
 *
 * Time is retired guest instructions, not wall clock (design.md principle
 * 4): the PIT's 1.193182 MHz input clock advances one tick every
 * `instructionsPerPitTick` instructions (an integer, so every period is an
 * exact instruction count). The default, 84, makes the emulated CPU a
 * 100.2 MHz machine retiring one instruction per cycle (1 instruction ≈
 * 9.98 ns): a Linux-style HZ=1000 tick (divisor 1193) comes every 100,212
 * instructions, a 100 Hz tick (divisor 11932) every 1,002,288.
 *
 * What KVM does with wall-clock time is done here with `now`, the
 * instruction clock `advance()` moves (the vCPU adds the instructions it
 * retired, and skips HLT idle time up to `instructionsUntilNextEvent()`).
 *
 * Kept from KVM: counting is binary even when BCD is selected (the BCD bit is
 * only reported in the status byte); mode 3 reads count down by two per
 * clock; channel 0 ignores its gate (always 1); periodic timers are limited
 * to KVM's min_timer_period_us (200 µs, `minPeriodTicks`); with reinject on
 * (KVM's default) a tick is not raised again until the guest acknowledged
 * the previous one, and ticks missed meanwhile are delivered one per EOI.
 */
import type { Counters } from '../../counters.ts';

/** The PIT input clock, Hz (KVM_PIT_FREQ). */
export const PIT_HZ = 1_193_182;
/** kvm_pit_config.flags: also emulate port 0x61 (speaker / channel 2 gate). */
export const KVM_PIT_SPEAKER_DUMMY = 1;
/** Default time base: instructions per PIT input clock (≈ 100.2 MHz, see above). */
export const DEFAULT_INSTRUCTIONS_PER_PIT_TICK = 84;
/** KVM's min_timer_period_us = 200 as PIT clocks (200 µs × 1.193182 MHz, rounded up). */
export const MIN_PERIOD_TICKS = 239;

/** struct kvm_pit_config (KVM_CREATE_PIT2): only `flags` is defined. */
export interface PitConfig {
  flags: number;
}

export interface PitTiming {
  /** Retired instructions per PIT input clock; a positive integer (default 84). */
  instructionsPerPitTick?: number;
  /** Shortest periodic interval in PIT clocks (default 239 = KVM's 200 µs); 1 disables the limit. */
  minPeriodTicks?: number;
  /** KVM_REINJECT_CONTROL pit_reinject (default true, as KVM_CREATE_PIT2 leaves it). */
  reinject?: boolean;
}

// Byte sequencing states (KVM RW_STATE_*): 1 LSB only (the default case below), 2 MSB only, 3/4 LSB then MSB.
const RW_MSB = 2, RW_WORD0 = 3, RW_WORD1 = 4;

/** One counter (KVM's struct kvm_kpit_channel_state). */
export class PitChannel {
  /** Initial count, 1–0x10000 (a written 0 means 0x10000). */
  count = 0x10000;
  latchedCount = 0;
  /** Read sequencing of a latched count (an RW_* state), 0: none latched. */
  countLatched = 0;
  statusLatched = false;
  status = 0;
  readState = 0;
  writeState = 0;
  writeLatch = 0;
  /** Access mode from the control word: 1 LSB, 2 MSB, 3 LSB then MSB. */
  rwMode = 0;
  /** Counter mode 0–5; 0xFF after reset (no mode programmed). */
  mode = 0xff;
  bcd = 0;
  gate = false;
  /** Instruction time the count was loaded (or a gate rising edge restarted it). */
  loadTime = 0;
}

export class Pit {
  readonly channels = [new PitChannel(), new PitChannel(), new PitChannel()];
  readonly instructionsPerPitTick: number;
  readonly minPeriodTicks: number;
  /** The instruction clock: instructions advanced since creation. */
  now = 0;
  /** Port 0x61 bit 1 (speaker data enable), KVM_PIT_FLAGS_SPEAKER_DATA_ON. */
  speakerDataOn = false;

  // Channel 0's timer (KVM's hrtimer): armed, next expiry and period in instructions.
  private armed = false;
  private periodic = false;
  private nextExpiry = 0;
  private period = 0;
  // Reinject state (KVM kvm_kpit_state.reinject/pending/irq_ack).
  private reinjectOn: boolean;
  /** Ticks that expired and were not yet acknowledged by the guest (reinject mode). */
  pending = 0;
  private irqAck = true;

  constructor(
    readonly config: PitConfig,
    /** Pulse IRQ 0 (level high then low, as kvm_set_irq twice). */
    private readonly pulseIrq0: () => void,
    private readonly counters: Counters,
    timing: PitTiming = {},
  ) {
    const ipt = timing.instructionsPerPitTick ?? DEFAULT_INSTRUCTIONS_PER_PIT_TICK;
    if (!Number.isSafeInteger(ipt) || ipt < 1) throw new RangeError(`instructionsPerPitTick must be a positive integer, not ${ipt}`);
    const min = timing.minPeriodTicks ?? MIN_PERIOD_TICKS;
    if (!Number.isSafeInteger(min) || min < 1) throw new RangeError(`minPeriodTicks must be a positive integer, not ${min}`);
    this.instructionsPerPitTick = ipt;
    this.minPeriodTicks = min;
    this.reinjectOn = timing.reinject ?? true;
    this.reset();
  }

  /** Power-on state (KVM kvm_pit_reset). */
  reset(): void {
    this.speakerDataOn = false;
    this.channels.forEach((c, i) => {
      c.mode = 0xff;
      c.gate = i !== 2;
      this.loadCount(i, 0);
    });
    this.resetReinject();
  }

  // --------------------------------------------------------------- time
  /** Let `instructions` pass: fire channel 0's timer for every expiry in that time. */
  advance(instructions: number): void {
    if (!(instructions >= 0)) throw new RangeError(`cannot advance the PIT by ${instructions} instructions`);
    this.now += instructions;
    while (this.armed && this.nextExpiry <= this.now) {
      if (this.periodic) this.nextExpiry += this.period;
      else this.armed = false;
      this.expire();
    }
  }

  /** Instructions until channel 0's next expiry (Infinity when its timer is off). */
  instructionsUntilNextEvent(): number {
    return this.armed ? Math.max(0, this.nextExpiry - this.now) : Infinity;
  }

  /** Channel 0's period in instructions while a periodic timer runs, else 0. */
  get periodInstructions(): number {
    return this.armed && this.periodic ? this.period : 0;
  }

  /** PIT clocks elapsed on a channel since its count was loaded. */
  private elapsedTicks(c: PitChannel): number {
    return Math.floor((this.now - c.loadTime) / this.instructionsPerPitTick);
  }

  // ----------------------------------------------------- channel 0 timer
  /** KVM pit_timer_fn + pit_do_work: count the tick, raise IRQ 0 unless reinject holds it back. */
  private expire(): void {
    this.counters.inc('pit.tick');
    if (this.reinjectOn) this.pending++;
    this.doWork();
  }

  private doWork(): void {
    if (this.reinjectOn) {
      if (!this.irqAck) {
        this.counters.inc('pit.held');
        return; // the previous tick is not acknowledged yet: deliver this one on its EOI
      }
      this.irqAck = false;
    }
    this.pulseIrq0();
  }

  /** The guest acknowledged IRQ 0 (EOI; KVM kvm_pit_ack_irq): release one held tick. */
  acked(): void {
    if (!this.reinjectOn) return;
    this.irqAck = true;
    const left = this.pending - 1;
    if (left >= 0) this.pending = left;
    if (left > 0) {
      this.counters.inc('pit.reinjected');
      this.doWork();
    }
  }

  /** IRQ 0 was unmasked (KVM pit_mask_notifer): forget ticks missed while masked. */
  maskChanged(masked: boolean): void {
    if (this.reinjectOn && !masked) this.resetReinject();
  }

  /** KVM_REINJECT_CONTROL. */
  setReinject(on: boolean): void {
    if (on === this.reinjectOn) return;
    if (on) this.resetReinject();
    this.reinjectOn = on;
  }

  get reinject(): boolean {
    return this.reinjectOn;
  }

  private resetReinject(): void {
    this.pending = 0;
    this.irqAck = true;
  }

  /** KVM pit_load_count: a new initial count; on channel 0 it (re)starts or stops the timer. */
  loadCount(channel: number, val: number): void {
    const c = this.channels[channel];
    c.count = val === 0 ? 0x10000 : val;
    c.loadTime = this.now;
    if (channel !== 0) return;
    switch (c.mode) {
      case 0:
      case 1:
      case 4:
        this.startTimer(c.count, false);
        break;
      case 2:
      case 3:
        this.startTimer(c.count, true);
        break;
      default:
        this.armed = false;
    }
  }

  /** KVM create_pit_timer: the first expiry after `count` clocks, then every max(count, minimum). */
  private startTimer(count: number, periodic: boolean): void {
    const ipt = this.instructionsPerPitTick;
    this.resetReinject();
    this.armed = true;
    this.periodic = periodic;
    this.nextExpiry = this.now + count * ipt;
    this.period = (periodic ? Math.max(count, this.minPeriodTicks) : count) * ipt;
  }

  // ------------------------------------------------------ counter state
  /** The current counter value (KVM pit_get_count). */
  getCount(channel: number): number {
    const c = this.channels[channel];
    const d = this.elapsedTicks(c);
    switch (c.mode) {
      case 0:
      case 1:
      case 4:
      case 5:
        return (c.count - d) & 0xffff;
      case 3:
        return c.count - ((2 * d) % c.count);
      default:
        return c.count - (d % c.count);
    }
  }

  /** The OUT pin (KVM pit_get_out). */
  getOut(channel: number): boolean {
    const c = this.channels[channel];
    const d = this.elapsedTicks(c);
    switch (c.mode) {
      case 1:
        return d < c.count;
      case 2:
        return d % c.count === 0 && d !== 0;
      case 3:
        return d % c.count < (c.count + 1) >> 1;
      case 4:
      case 5:
        return d === c.count;
      default:
        return d >= c.count;
    }
  }

  private latchCount(channel: number): void {
    const c = this.channels[channel];
    if (c.countLatched) return;
    c.latchedCount = this.getCount(channel);
    c.countLatched = c.rwMode;
  }

  private latchStatus(channel: number): void {
    const c = this.channels[channel];
    if (c.statusLatched) return;
    // NULL COUNT (bit 6) is not reported, as in KVM.
    c.status = ((this.getOut(channel) ? 0x80 : 0) | (c.rwMode << 4) | (c.mode << 1) | c.bcd) & 0xff;
    c.statusLatched = true;
  }

  /** Channel 2's gate (port 0x61 bit 0): a rising edge restarts counting in modes 1, 2, 3, 5. */
  setGate(channel: number, high: boolean): void {
    const c = this.channels[channel];
    if ((c.mode === 1 || c.mode === 2 || c.mode === 3 || c.mode === 5) && !c.gate && high) c.loadTime = this.now;
    c.gate = high;
  }

  // ----------------------------------------------------------- port I/O
  /** A write of 0x40–0x42 (count) or 0x43 (control word, latch, read-back). */
  write(addr: number, value: number): void {
    const val = value & 0xff;
    if (addr === 3) {
      const channel = val >> 6;
      if (channel === 3) {
        // Read-back: bit 5 = 0 latches counts, bit 4 = 0 latches status, of channels in bits 1–3.
        for (let ch = 0; ch < 3; ch++) {
          if (val & (2 << ch)) {
            if (!(val & 0x20)) this.latchCount(ch);
            if (!(val & 0x10)) this.latchStatus(ch);
          }
        }
        return;
      }
      const c = this.channels[channel];
      const access = (val >> 4) & 3;
      if (access === 0) {
        this.latchCount(channel);
        return;
      }
      c.rwMode = c.readState = c.writeState = access;
      c.mode = (val >> 1) & 7;
      if (c.mode > 5) c.mode -= 4; // 6, 7 are aliases of 2, 3
      c.bcd = val & 1;
      return;
    }
    const c = this.channels[addr];
    switch (c.writeState) {
      case RW_MSB:
        this.loadCount(addr, val << 8);
        break;
      case RW_WORD0:
        c.writeLatch = val;
        c.writeState = RW_WORD1;
        break;
      case RW_WORD1:
        this.loadCount(addr, c.writeLatch | (val << 8));
        c.writeState = RW_WORD0;
        break;
      default: // RW_LSB
        this.loadCount(addr, val);
    }
  }

  /** A read of 0x40–0x42: latched status, latched count, or the live count; 0x43 reads 0. */
  read(addr: number): number {
    if (addr === 3) return 0;
    const c = this.channels[addr];
    if (c.statusLatched) {
      c.statusLatched = false;
      return c.status;
    }
    if (c.countLatched) {
      switch (c.countLatched) {
        case RW_MSB:
          c.countLatched = 0;
          return (c.latchedCount >> 8) & 0xff;
        case RW_WORD0:
          c.countLatched = RW_MSB;
          return c.latchedCount & 0xff;
        default:
          c.countLatched = 0;
          return c.latchedCount & 0xff;
      }
    }
    const count = this.getCount(addr);
    switch (c.readState) {
      case RW_MSB:
        return (count >> 8) & 0xff;
      case RW_WORD0:
        c.readState = RW_WORD1;
        return count & 0xff;
      case RW_WORD1:
        c.readState = RW_WORD0;
        return (count >> 8) & 0xff;
      default:
        return count & 0xff;
    }
  }

  /**
   * Port 0x61 read: bit 0 channel 2 gate, bit 1 speaker data, bit 4 the DRAM
   * refresh toggle (KVM: every 2^14 ns of its clock; here of instruction
   * time at the configured rate), bit 5 channel 2's OUT.
   */
  readSpeaker(): number {
    const ns = Math.floor((this.now / this.instructionsPerPitTick) * (1e9 / PIT_HZ));
    const refresh = Math.floor(ns / 16384) & 1;
    return (this.speakerDataOn ? 2 : 0) | (this.channels[2].gate ? 1 : 0) | (this.getOut(2) ? 0x20 : 0) | (refresh << 4);
  }

  /** Port 0x61 write: bit 0 channel 2 gate, bit 1 speaker data. */
  writeSpeaker(value: number): void {
    this.speakerDataOn = (value & 2) !== 0;
    this.setGate(2, (value & 1) !== 0);
  }

  /** Port reads of 0x40–0x43 (and 0x61 with KVM_PIT_SPEAKER_DUMMY); undefined if not the PIT's. */
  portIn(port: number, size: number): number | undefined {
    if (port >= 0x40 && port + size <= 0x44) return this.read(port & 3);
    if (port === 0x61 && (this.config.flags & KVM_PIT_SPEAKER_DUMMY) !== 0) return this.readSpeaker();
    return undefined;
  }

  /** Port writes; false if not the PIT's. */
  portOut(port: number, size: number, value: number): boolean {
    if (port >= 0x40 && port + size <= 0x44) {
      this.write(port & 3, value);
      return true;
    }
    if (port === 0x61 && (this.config.flags & KVM_PIT_SPEAKER_DUMMY) !== 0) {
      this.writeSpeaker(value);
      return true;
    }
    return false;
  }
}
