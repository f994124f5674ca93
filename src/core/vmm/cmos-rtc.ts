/**
 * The PC's CMOS RTC (Motorola MC146818A as the PC wires it, QEMU
 * hw/rtc/mc146818rtc.c as the VMM reference): port 0x70 selects a register
 * (bits 6:0) and sets the NMI mask (bit 7, NMI disabled while set: there is
 * no NMI source here, so it is only kept and reported); port 0x71 reads or
 * writes the selected one of 128 bytes.
 *
 * The time is the emulated clock's, never the host's: a fixed epoch plus the
 * seconds the caller's `elapsed` reports (on emu, guest time from retired
 * instructions), so the same image and script read the same date. Writes
 * to the time registers while SET (register B bit 7) is on set the clock
 * (kept as an offset from the emulated time, as QEMU keeps base_rtc).
 *
 * Registers A–D: A bit 7 UIP (clear: an update is never in progress at an
 * instant of emulated time), DV/RS as written (reset 0x26: 32.768 kHz, 1024 Hz);
 * B SET/PIE/AIE/UIE/SQWE/DM/24h/DSE as written, DM (bit 2) picks binary over
 * BCD and 24/12 (bit 1) the hour format (bit 7 of the hour = PM in 12-hour
 * mode); C the interrupt flags (clear on read; no periodic/alarm/update IRQ 8
 * is generated: no IOAPIC/second PIC pin is wired for it, see docs); D bit 7
 * VRT (valid RAM and time).
 */

export const RTC_INDEX_PORT = 0x70;
export const RTC_DATA_PORT = 0x71;

export const RTC_SECONDS = 0x00;
export const RTC_SECONDS_ALARM = 0x01;
export const RTC_MINUTES = 0x02;
export const RTC_MINUTES_ALARM = 0x03;
export const RTC_HOURS = 0x04;
export const RTC_HOURS_ALARM = 0x05;
export const RTC_DAY_OF_WEEK = 0x06;
export const RTC_DAY_OF_MONTH = 0x07;
export const RTC_MONTH = 0x08;
export const RTC_YEAR = 0x09;
export const RTC_REG_A = 0x0a;
export const RTC_REG_B = 0x0b;
export const RTC_REG_C = 0x0c;
export const RTC_REG_D = 0x0d;
/** The century byte QEMU and SeaBIOS use (ACPI FADT century = 0x32). */
export const RTC_CENTURY = 0x32;

export const REG_B_SET = 0x80;
export const REG_B_DM_BINARY = 0x04;
export const REG_B_24H = 0x02;
export const REG_D_VRT = 0x80;
export const NMI_DISABLE = 0x80;

/** 2025-01-01T00:00:00Z: the emulated clock's epoch. */
export const RTC_EPOCH = Date.UTC(2025, 0, 1) / 1000;

export class CmosRtc {
  private readonly ram = new Uint8Array(128);
  private index = 0;
  /** Port 0x70 bit 7 as last written. */
  nmiDisabled = false;
  /** Seconds added to the emulated time by guest writes of the clock. */
  private offset = 0;
  /** The time frozen while SET is on (what the guest is writing). */
  private held: Date | null = null;

  /** `elapsed()`: seconds of emulated time since the machine started. */
  constructor(private readonly elapsed: () => number, private readonly epoch = RTC_EPOCH) {
    this.ram[RTC_REG_A] = 0x26;
    this.ram[RTC_REG_B] = REG_B_24H;
    this.ram[RTC_REG_D] = REG_D_VRT;
  }

  handles(port: number): boolean {
    return port === RTC_INDEX_PORT || port === RTC_DATA_PORT;
  }

  in(port: number): number {
    if (port === RTC_INDEX_PORT) return 0xff; // write-only on the PC: an empty bus
    return this.read(this.index);
  }

  out(port: number, value: number): void {
    if (port === RTC_INDEX_PORT) {
      this.index = value & 0x7f;
      this.nmiDisabled = (value & NMI_DISABLE) !== 0;
    } else this.write(this.index, value & 0xff);
  }

  /** The current emulated date (UTC). */
  now(): Date {
    return this.held ?? new Date((this.epoch + Math.floor(this.elapsed()) + this.offset) * 1000);
  }

  private get binary(): boolean {
    return (this.ram[RTC_REG_B] & REG_B_DM_BINARY) !== 0;
  }

  private enc(n: number): number {
    return this.binary ? n : ((Math.floor(n / 10) << 4) | (n % 10));
  }

  private dec(v: number): number {
    return this.binary ? v : (v >> 4) * 10 + (v & 0xf);
  }

  private encHour(h: number): number {
    if (this.ram[RTC_REG_B] & REG_B_24H) return this.enc(h);
    const pm = h >= 12;
    return this.enc(h % 12 === 0 ? 12 : h % 12) | (pm ? 0x80 : 0);
  }

  private decHour(v: number): number {
    if (this.ram[RTC_REG_B] & REG_B_24H) return this.dec(v);
    const h = this.dec(v & 0x7f) % 12;
    return v & 0x80 ? h + 12 : h;
  }

  read(reg: number): number {
    const d = this.now();
    switch (reg) {
      case RTC_SECONDS: return this.enc(d.getUTCSeconds());
      case RTC_MINUTES: return this.enc(d.getUTCMinutes());
      case RTC_HOURS: return this.encHour(d.getUTCHours());
      case RTC_DAY_OF_WEEK: return this.enc(d.getUTCDay() + 1);
      case RTC_DAY_OF_MONTH: return this.enc(d.getUTCDate());
      case RTC_MONTH: return this.enc(d.getUTCMonth() + 1);
      case RTC_YEAR: return this.enc(d.getUTCFullYear() % 100);
      case RTC_CENTURY: return this.enc(Math.floor(d.getUTCFullYear() / 100));
      case RTC_REG_A: return this.ram[RTC_REG_A] & 0x7f; // UIP clear
      case RTC_REG_C: {
        const v = this.ram[RTC_REG_C];
        this.ram[RTC_REG_C] = 0;
        return v;
      }
      default: return this.ram[reg];
    }
  }

  write(reg: number, value: number): void {
    switch (reg) {
      case RTC_SECONDS: case RTC_MINUTES: case RTC_HOURS: case RTC_DAY_OF_WEEK:
      case RTC_DAY_OF_MONTH: case RTC_MONTH: case RTC_YEAR: case RTC_CENTURY:
        this.setField(reg, value);
        return;
      case RTC_REG_A:
        this.ram[reg] = value & 0x7f; // UIP is read-only
        return;
      case RTC_REG_B: {
        const wasSet = (this.ram[RTC_REG_B] & REG_B_SET) !== 0;
        if (value & REG_B_SET && !wasSet) this.held = this.now();
        this.ram[reg] = value & REG_B_SET ? value & ~0x10 : value; // SET clears UIE (data sheet)
        if (!(value & REG_B_SET) && wasSet && this.held) {
          this.offset = Math.floor(this.held.getTime() / 1000) - this.epoch - Math.floor(this.elapsed());
          this.held = null;
        }
        return;
      }
      case RTC_REG_C: case RTC_REG_D:
        return; // read-only
      default:
        this.ram[reg] = value;
    }
  }

  /** A time register written: the new date is the current one with that field replaced. */
  private setField(reg: number, value: number): void {
    const d = new Date(this.now().getTime());
    const n = reg === RTC_HOURS ? this.decHour(value) : this.dec(value);
    switch (reg) {
      case RTC_SECONDS: d.setUTCSeconds(n); break;
      case RTC_MINUTES: d.setUTCMinutes(n); break;
      case RTC_HOURS: d.setUTCHours(n); break;
      case RTC_DAY_OF_WEEK: return; // derived from the date: a write is ignored
      case RTC_DAY_OF_MONTH: d.setUTCDate(n); break;
      case RTC_MONTH: d.setUTCMonth(n - 1); break;
      case RTC_YEAR: d.setUTCFullYear(Math.floor(d.getUTCFullYear() / 100) * 100 + n); break;
      case RTC_CENTURY: d.setUTCFullYear(n * 100 + (d.getUTCFullYear() % 100)); break;
    }
    if (this.held) this.held = d;
    else this.offset += Math.floor((d.getTime() - this.now().getTime()) / 1000);
  }
}
