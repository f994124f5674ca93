/**
 * The local APIC model on its own (lapic.ts) and inside the Irqchip facade:
 * KVM's reset page, register write masks, acceptance/priority/EOI, the
 * timer modes and divider, TSC-deadline, ICR destinations, virtual wire,
 * KVM_GET/SET_LAPIC state.
 */
import { describe, expect, it } from 'vitest';
import { Counters } from '../../../../src/core/counters.ts';
import { Irqchip } from '../../../../src/core/emu/devices/irqchip.ts';
import {
  APIC_DFR, APIC_EOI, APIC_ESR, APIC_ICR, APIC_ICR2, APIC_ID, APIC_IRR, APIC_ISR, APIC_LDR, APIC_LVR, APIC_LVT0, APIC_LVT1,
  APIC_LVTERR, APIC_LVTPC, APIC_LVTT, APIC_PROCPRI, APIC_SPIV, APIC_TASKPRI, APIC_TDCR, APIC_TMCCT, APIC_TMICT,
  Lapic, MIN_PERIODIC_INSTRUCTIONS,
} from '../../../../src/core/emu/devices/lapic.ts';

const EN = 0xfee00900;

function lapic(opts: { base?: number; tsc?: () => bigint; id?: number } = {}) {
  const counters = new Counters();
  const state = { base: opts.base ?? EN };
  const a = new Lapic(opts.id ?? 0, counters, { apicBase: () => state.base, tsc: opts.tsc ?? (() => 0n) });
  return { a, counters, state };
}

function enabled() {
  const t = lapic();
  t.a.write(APIC_SPIV, 4, 0x1ff);
  return t;
}

describe('local APIC registers', () => {
  it('resets as kvm_lapic_reset leaves a BSP: ID, version 0x50014, LVT0 ExtINT, other LVTs masked, SVR 0xFF, DFR all ones', () => {
    const { a } = lapic({ id: 0 });
    expect(a.read(APIC_ID, 4)).toBe(0);
    expect(a.read(APIC_LVR, 4)).toBe(0x50014);
    expect(a.read(APIC_LVT0, 4)).toBe(0x700);
    for (const r of [APIC_LVTT, APIC_LVTPC, APIC_LVT1, APIC_LVTERR]) expect(a.read(r, 4)).toBe(0x10000);
    expect(a.read(APIC_SPIV, 4)).toBe(0xff);
    expect(a.read(APIC_DFR, 4)).toBe(-1);
    expect(a.read(APIC_TASKPRI, 4)).toBe(0);
    expect(lapic({ id: 3 }).a.read(APIC_ID, 4)).toBe(3 << 24);
  });

  it('reads 1, 2 or 4 bytes inside a register\'s first dword; EOI and reserved offsets read 0; unaligned writes are dropped', () => {
    const { a } = lapic();
    expect(a.read(APIC_LVR + 2, 1)).toBe(5);
    expect(a.read(APIC_LVR, 2)).toBe(0x14);
    expect(a.read(APIC_LVR + 2, 4)).toBe(0); // crosses the dword
    expect(a.read(APIC_EOI, 4)).toBe(0);
    expect(a.read(0x3f0, 4)).toBe(0);
    a.write(APIC_TASKPRI + 4, 4, 0x20);
    a.write(APIC_TASKPRI, 2, 0x20);
    expect(a.read(APIC_TASKPRI, 4)).toBe(0);
    a.write(APIC_TASKPRI, 4, 0x12345);
    expect(a.read(APIC_TASKPRI, 4)).toBe(0x45);
  });

  it('keeps only the writable bits: ID[31:24], LDR[31:24], DFR[31:28], ICR2[31:24], LVT masks per entry, TDCR bits 0, 1, 3', () => {
    const { a } = enabled();
    a.write(APIC_ID, 4, 0x12345678);
    a.write(APIC_LDR, 4, 0xffffffff);
    a.write(APIC_DFR, 4, 0);
    a.write(APIC_ICR2, 4, 0xffffffff);
    a.write(APIC_LVTERR, 4, 0xffffffff);
    a.write(APIC_LVT0, 4, 0xffffffff);
    a.write(APIC_LVTT, 4, 0xffffffff);
    a.write(APIC_TDCR, 4, 0xff);
    expect(a.read(APIC_ID, 4)).toBe(0x12000000);
    expect(a.read(APIC_LDR, 4) >>> 0).toBe(0xff000000);
    expect(a.read(APIC_DFR, 4)).toBe(0x0fffffff);
    expect(a.read(APIC_ICR2, 4) >>> 0).toBe(0xff000000);
    expect(a.read(APIC_LVTERR, 4)).toBe(0x110ff); // mask, send pending, vector
    expect(a.read(APIC_LVT0, 4)).toBe(0x1f7ff); // + mode, polarity, remote IRR, trigger
    expect(a.read(APIC_LVTT, 4)).toBe(0x310ff); // + periodic (no TSC-deadline in CPUID)
    expect(a.read(APIC_TDCR, 4)).toBe(0xb);
  });

  it('software disable masks every LVT and keeps them masked; ESR reads 0 whatever is written', () => {
    const { a } = enabled();
    a.write(APIC_LVTT, 4, 0x40);
    a.write(APIC_SPIV, 4, 0xff);
    expect(a.read(APIC_LVTT, 4)).toBe(0x10040);
    expect(a.read(APIC_LVT0, 4)).toBe(0x10700);
    a.write(APIC_LVT1, 4, 0x400);
    expect(a.read(APIC_LVT1, 4)).toBe(0x10400);
    a.write(APIC_ESR, 4, 0xff);
    expect(a.read(APIC_ESR, 4)).toBe(0);
  });
});

describe('acceptance, priority and EOI', () => {
  it('delivers the highest IRR above PPR; INTA sets ISR, PPR follows ISR; EOI clears the highest ISR', () => {
    const { a, counters } = enabled();
    expect(a.acceptIrq(0x31, false)).toBe(true);
    expect(a.acceptIrq(0x52, false)).toBe(true);
    expect(a.pendingVector()).toBe(0x52);
    expect(a.ack()).toBe(0x52);
    expect(a.read(APIC_ISR + 0x20, 4)).toBe(1 << (0x52 - 64));
    expect(a.read(APIC_PROCPRI, 4)).toBe(0x50);
    expect(a.pendingVector()).toBe(-1); // 0x31 is below the in-service class
    expect(a.acceptIrq(0x61, false)).toBe(true);
    expect(a.ack()).toBe(0x61); // nests above 0x52
    a.write(APIC_EOI, 4, 0);
    expect(a.read(APIC_ISR + 0x20, 4)).toBe(1 << (0x52 - 64));
    a.write(APIC_EOI, 4, 0);
    expect(a.read(APIC_PROCPRI, 4)).toBe(0);
    expect(a.ack()).toBe(0x31);
    expect(counters.get('lapic.eoi')).toBe(2);
    expect(counters.get('lapic.injected')).toBe(3);
  });

  it('TPR holds back classes at or below it (same class too); CR8 is TPR[7:4]', () => {
    const { a } = enabled();
    a.acceptIrq(0x45, false);
    a.cr8 = 4;
    expect(a.read(APIC_TASKPRI, 4)).toBe(0x40);
    expect(a.hasInterrupt()).toBe(false);
    a.write(APIC_TASKPRI, 4, 0x3f);
    expect(a.cr8).toBe(3);
    expect(a.read(APIC_PROCPRI, 4)).toBe(0x3f);
    expect(a.hasInterrupt()).toBe(true);
  });

  it('accepts nothing while software-disabled; nothing is delivered while hardware-disabled', () => {
    const { a, state } = lapic();
    expect(a.acceptIrq(0x40, false)).toBe(false);
    a.write(APIC_SPIV, 4, 0x100);
    a.acceptIrq(0x40, false);
    state.base = 0xfee00000;
    expect(a.hasInterrupt()).toBe(false);
    expect(a.claims(0xfee00000)).toBe(false);
    state.base = EN;
    expect(a.claims(0xfee00fff)).toBe(true);
    expect(a.claims(0xfee01000)).toBe(false);
    expect(a.hasInterrupt()).toBe(true);
  });
});

describe('IPIs (one vCPU)', () => {
  it('reach this APIC by shorthand self/all-including, physical ID or broadcast, logical flat and cluster', () => {
    const { a, counters } = enabled();
    a.write(APIC_ID, 4, 2 << 24);
    a.write(APIC_LDR, 4, 0x24 << 24);
    const irr = () => a.read(APIC_IRR + 0x20, 4);
    const send = (dest: number, icr: number) => {
      a.write(APIC_IRR + 0x20, 4, 0); // read-only: IRR stays
      a.write(APIC_ICR2, 4, dest << 24);
      a.write(APIC_ICR, 4, icr);
    };
    const cases: [number, number, boolean][] = [
      [0, 0x40040, true], // self
      [0, 0x80041, true], // all including self
      [0, 0xc0042, false], // all but self
      [2, 0x00043, true], // physical, our ID
      [3, 0x00044, false], // physical, another ID
      [0xff, 0x00045, true], // physical broadcast
      [0x04, 0x00846, true], // logical flat, LDR bit 2
      [0x08, 0x00847, false],
    ];
    for (const [dest, icr] of cases) send(dest, icr);
    a.write(APIC_DFR, 4, 0x0fffffff); // cluster model: cluster 2, member bit 2
    send(0x24, 0x00848);
    send(0x14, 0x00849);
    const want = cases.filter(([, , hit]) => hit).reduce((m, [, icr]) => m | (1 << ((icr & 0xff) - 64)), 0) | (1 << 8);
    expect(irr()).toBe(want);
    expect(counters.get('lapic.ipi')).toBe(10);
    expect(a.read(APIC_ICR, 4) & 0x1000).toBe(0); // never busy
    send(0, 0x40400); // NMI to self: not modelled
    expect(counters.get('lapic.ipi.unsupported')).toBe(1);
  });
});

describe('timer', () => {
  it('one-shot: TMCCT counts down at bus/divide, the interrupt once, then 0', () => {
    const { a, counters } = enabled();
    a.write(APIC_TDCR, 4, 0x1); // divide by 4
    a.write(APIC_LVTT, 4, 0x40);
    a.write(APIC_TMICT, 4, 100);
    expect(a.instructionsUntilNextEvent()).toBe(400);
    a.advance(10);
    expect(a.read(APIC_TMCCT, 4)).toBe(97);
    a.advance(390);
    expect(a.read(APIC_TMCCT, 4)).toBe(0);
    expect(a.instructionsUntilNextEvent()).toBe(Infinity);
    expect(a.ack()).toBe(0x40);
    a.advance(10_000);
    expect(counters.get('lapic.timer')).toBe(1);
  });

  it('periodic: every TMICT × divide instructions, raised to 200 µs; a masked LVT counts but delivers nothing', () => {
    const { a, counters } = enabled();
    a.write(APIC_TDCR, 4, 0xb); // divide by 1
    a.write(APIC_LVTT, 4, 0x20040);
    a.write(APIC_TMICT, 4, 10);
    expect(a.instructionsUntilNextEvent()).toBe(MIN_PERIODIC_INSTRUCTIONS);
    a.write(APIC_TMICT, 4, 30_000);
    a.advance(90_000);
    expect(counters.get('lapic.timer')).toBe(3);
    expect(a.read(APIC_TMCCT, 4)).toBe(0); // at an expiry a full period is left: mod period gives 0, as apic_get_tmcct
    a.advance(1);
    expect(a.read(APIC_TMCCT, 4)).toBe(29_999);
    a.write(APIC_LVTT, 4, 0x30040);
    a.write(APIC_EOI, 4, 0);
    a.ack();
    a.advance(30_000);
    expect(counters.get('lapic.timer')).toBe(4);
    expect(a.hasInterrupt()).toBe(false);
  });

  it('a new divider while counting scales the time left (update_target_expiration)', () => {
    const { a } = enabled();
    a.write(APIC_TDCR, 4, 0x0); // divide by 2
    a.write(APIC_LVTT, 4, 0x40);
    a.write(APIC_TMICT, 4, 1000); // 2000 instructions
    a.advance(1000);
    a.write(APIC_TDCR, 4, 0x1); // divide by 4: 1000 left becomes 2000
    expect(a.instructionsUntilNextEvent()).toBe(2000);
    expect(a.read(APIC_TMCCT, 4)).toBe(500);
  });

  it('TSC-deadline only with the CPUID bit; fires when the TSC reaches the deadline, then reads 0', () => {
    let tsc = 5000n;
    const { a, counters } = lapic({ tsc: () => tsc });
    a.write(APIC_SPIV, 4, 0x1ff);
    a.write(APIC_LVTT, 4, 0x40040);
    expect(a.read(APIC_LVTT, 4)).toBe(0x40); // mode bits 18:17 = 10 not writable yet
    a.setTscDeadlineSupported(true);
    a.write(APIC_LVTT, 4, 0x40040);
    a.write(APIC_TMICT, 4, 5); // ignored in TSC-deadline mode
    expect(a.read(APIC_TMICT, 4)).toBe(0);
    a.tscDeadlineMsr = 8000n;
    expect(a.tscDeadlineMsr).toBe(8000n);
    expect(a.instructionsUntilNextEvent()).toBe(3000);
    a.advance(3000);
    tsc += 3000n;
    expect(counters.get('lapic.timer')).toBe(1);
    expect(a.tscDeadlineMsr).toBe(0n);
    expect(a.ack()).toBe(0x40);
    a.tscDeadlineMsr = 100n; // already passed: at once
    expect(counters.get('lapic.timer')).toBe(2);
    a.write(APIC_LVTT, 4, 0x40); // back to one-shot: the deadline is gone
    expect(a.tscDeadlineMsr).toBe(0n);
  });
});

describe('virtual wire and the Irqchip facade', () => {
  function chip() {
    const c = new Irqchip(new Counters());
    const state = { base: EN };
    const a = c.createLapic(0, { apicBase: () => state.base, tsc: () => 0n });
    for (const [port, v] of [[0x20, 0x11], [0x21, 0x20], [0x21, 0x04], [0x21, 0x01], [0xa0, 0x11], [0xa1, 0x28], [0xa1, 0x02], [0xa1, 0x01], [0x21, 0xfe]]) c.portOut(port, 1, v);
    return { c, a, state };
  }

  it('the PIC reaches INTR through LVT0 ExtINT (reset state) and with the APIC hardware-disabled, not with LVT0 masked or Fixed', () => {
    const { c, a, state } = chip();
    c.irqLine(0, 1);
    expect(c.hasInterrupt()).toBe(true);
    a.write(APIC_SPIV, 4, 0x1ff);
    a.write(APIC_LVT0, 4, 0x10700);
    expect(c.hasInterrupt()).toBe(false);
    a.write(APIC_LVT0, 4, 0x00030);
    expect(c.hasInterrupt()).toBe(false);
    state.base = 0xfee00000;
    expect(c.hasInterrupt()).toBe(true);
    expect(c.ack()).toBe(0x20);
    expect(c.counters.get('irq.injected')).toBe(1);
  });

  it('ExtINT is taken before the APIC\'s own request; with neither left INTA gives the SVR vector', () => {
    const { c, a } = chip();
    a.write(APIC_SPIV, 4, 0x1fe);
    a.acceptIrq(0xe0, false);
    c.irqLine(0, 1);
    expect(c.ack()).toBe(0x20);
    expect(c.ack()).toBe(0xe0);
    a.write(APIC_LVT0, 4, 0x10700);
    expect(c.ack()).toBe(0xfe);
    expect(c.counters.get('lapic.spurious')).toBe(1);
  });

  it('claims the APIC page for MMIO only while hardware-enabled; the next timer event is the earlier of PIT and APIC', () => {
    const { c, a, state } = chip();
    expect(c.mmioRead(0xfee00030, 4)).toBe(0x50014);
    expect(c.mmioWrite(0xfee000f0, 4, 0x1ff)).toBe(true);
    state.base = 0xfee00000;
    expect(c.mmioRead(0xfee00030, 4)).toBeUndefined();
    state.base = EN;
    c.createPit({ flags: 0 }, { instructionsPerPitTick: 1, minPeriodTicks: 1 });
    c.portOut(0x43, 1, 0x34);
    c.portOut(0x40, 1, 0x00);
    c.portOut(0x40, 1, 0x10); // 4096
    a.write(APIC_TDCR, 4, 0xb);
    a.write(APIC_LVTT, 4, 0x40);
    a.write(APIC_TMICT, 4, 1000);
    expect(c.instructionsUntilNextEvent()).toBe(1000);
    c.advance(1000);
    expect(c.instructionsUntilNextEvent()).toBe(3096);
    expect(c.counters.get('io.lapic')).toBe(2);
  });
});

describe('KVM_GET/SET_LAPIC state', () => {
  it('round-trips the page; the timer restarts from TMCCT; PPR is recomputed', () => {
    const { a } = enabled();
    a.write(APIC_TDCR, 4, 0xb);
    a.write(APIC_LVTT, 4, 0x40);
    a.write(APIC_TMICT, 4, 5000);
    a.advance(1234);
    a.acceptIrq(0x80, false);
    a.ack();
    const s = new Uint8Array(1024);
    a.getState(s);
    const dv = new DataView(s.buffer);
    expect(dv.getUint32(APIC_TMCCT, true)).toBe(5000 - 1234);
    const { a: b } = lapic();
    b.setState(s);
    expect(b.read(APIC_TMCCT, 4)).toBe(5000 - 1234);
    expect(b.instructionsUntilNextEvent()).toBe(5000 - 1234);
    expect(b.read(APIC_PROCPRI, 4)).toBe(0x80);
    const s2 = new Uint8Array(1024);
    b.getState(s2);
    expect(Buffer.from(s2)).toEqual(Buffer.from(s));
  });
});

describe('IA32_APIC_BASE', () => {
  it('re-enabling the APIC (EN 0 → 1) gives back the vCPU id as xAPIC ID (kvm_lapic_set_base)', () => {
    const { a, state } = lapic({ id: 0 });
    a.write(APIC_ID, 4, 7 << 24);
    state.base = 0xfee00100;
    a.baseWritten(EN);
    state.base = EN;
    a.baseWritten(0xfee00100);
    expect(a.read(APIC_ID, 4)).toBe(0);
    a.write(APIC_ID, 4, 7 << 24);
    a.baseWritten(EN); // no transition: kept
    expect(a.read(APIC_ID, 4)).toBe(7 << 24);
  });
});
