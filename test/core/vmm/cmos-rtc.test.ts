import { describe, expect, it } from 'vitest';
import {
  CmosRtc, REG_B_24H, REG_B_DM_BINARY, REG_B_SET, RTC_CENTURY, RTC_DATA_PORT, RTC_DAY_OF_MONTH, RTC_DAY_OF_WEEK, RTC_EPOCH, RTC_HOURS,
  RTC_INDEX_PORT, RTC_MINUTES, RTC_MONTH, RTC_REG_A, RTC_REG_B, RTC_REG_C, RTC_REG_D, RTC_SECONDS, RTC_YEAR,
} from '../../../src/core/vmm/cmos-rtc.ts';

/** An RTC whose emulated clock the test moves. */
function rtc(start = 0) {
  let t = start;
  const r = new CmosRtc(() => t);
  const get = (reg: number): number => {
    r.out(RTC_INDEX_PORT, reg);
    return r.in(RTC_DATA_PORT);
  };
  const set = (reg: number, v: number): void => {
    r.out(RTC_INDEX_PORT, reg);
    r.out(RTC_DATA_PORT, v);
  };
  return { r, get, set, advance: (s: number) => { t += s; } };
}

describe('CMOS RTC', () => {
  it('reads the epoch in BCD, 24-hour, at reset (2025-01-01 00:00:00, a Wednesday)', () => {
    const { get } = rtc();
    expect([get(RTC_SECONDS), get(RTC_MINUTES), get(RTC_HOURS), get(RTC_DAY_OF_WEEK), get(RTC_DAY_OF_MONTH), get(RTC_MONTH), get(RTC_YEAR), get(RTC_CENTURY)])
      .toEqual([0, 0, 0, 4, 1, 1, 0x25, 0x20]);
  });

  it('follows the emulated clock, not the host', () => {
    const { get, advance } = rtc();
    advance(13 * 3600 + 45 * 60 + 59.9);
    expect([get(RTC_HOURS), get(RTC_MINUTES), get(RTC_SECONDS)]).toEqual([0x13, 0x45, 0x59]);
    expect(new CmosRtc(() => 0).now().getTime()).toBe(RTC_EPOCH * 1000);
  });

  it('binary mode (register B DM) and 12-hour mode with the PM bit', () => {
    const { get, set, advance } = rtc();
    advance(13 * 3600 + 5);
    set(RTC_REG_B, REG_B_DM_BINARY | REG_B_24H);
    expect([get(RTC_HOURS), get(RTC_SECONDS), get(RTC_YEAR)]).toEqual([13, 5, 25]);
    set(RTC_REG_B, REG_B_DM_BINARY);
    expect(get(RTC_HOURS)).toBe(0x80 | 1);
    set(RTC_REG_B, 0); // BCD, 12-hour
    expect(get(RTC_HOURS)).toBe(0x81);
    advance(-13 * 3600); // midnight reads 12 AM
    expect(get(RTC_HOURS)).toBe(0x12);
  });

  it('register A: UIP reads 0, divider and rate as written; D: VRT set and read-only; C clears on read', () => {
    const { get, set } = rtc();
    expect(get(RTC_REG_A)).toBe(0x26);
    set(RTC_REG_A, 0xa6);
    expect(get(RTC_REG_A)).toBe(0x26);
    expect(get(RTC_REG_D)).toBe(0x80);
    set(RTC_REG_D, 0);
    expect(get(RTC_REG_D)).toBe(0x80);
    expect(get(RTC_REG_C)).toBe(0);
  });

  it('setting the clock with SET: frozen while set, then runs on from the written time', () => {
    const { get, set, advance } = rtc();
    set(RTC_REG_B, REG_B_SET | REG_B_24H);
    set(RTC_HOURS, 0x09);
    set(RTC_MINUTES, 0x30);
    set(RTC_YEAR, 0x31);
    advance(100);
    expect(get(RTC_SECONDS)).toBe(0); // held
    set(RTC_REG_B, REG_B_24H);
    advance(7);
    expect([get(RTC_YEAR), get(RTC_HOURS), get(RTC_MINUTES), get(RTC_SECONDS)]).toEqual([0x31, 0x09, 0x30, 0x07]);
  });

  it('port 0x70 bit 7 is the NMI mask, bits 6:0 the index; other bytes are CMOS RAM', () => {
    const { r, get, set } = rtc();
    r.out(RTC_INDEX_PORT, 0x80 | RTC_REG_D);
    expect(r.nmiDisabled).toBe(true);
    expect(r.in(RTC_DATA_PORT)).toBe(0x80);
    r.out(RTC_INDEX_PORT, RTC_REG_D);
    expect(r.nmiDisabled).toBe(false);
    set(0x40, 0xab);
    expect(get(0x40)).toBe(0xab);
  });
});
