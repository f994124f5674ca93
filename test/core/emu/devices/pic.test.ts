import { describe, expect, it } from 'vitest';
import { IRQ_SOURCE_PIT, IRQ_SOURCE_USER, Pic } from '../../../../src/core/emu/devices/pic.ts';

/** Linux's init_8259A: ICW1 0x11, ICW2 vector base, ICW3 cascade, ICW4 0x01 (8086 mode, normal EOI). */
function linuxInit(pic: Pic, masterBase = 0x20, slaveBase = 0x28, autoEoi = false): void {
  const out = (port: number, v: number) => expect(pic.portOut(port, 1, v)).toBe(true);
  out(0x21, 0xff); // mask all
  out(0xa1, 0xff);
  out(0x20, 0x11); // ICW1: edge, cascade, ICW4 needed
  out(0x21, masterBase); // ICW2
  out(0x21, 0x04); // ICW3: slave on IRQ 2
  out(0x21, autoEoi ? 0x03 : 0x01); // ICW4
  out(0xa0, 0x11);
  out(0xa1, slaveBase);
  out(0xa1, 0x02); // ICW3: slave id 2
  out(0xa1, 0x01);
}

function unmask(pic: Pic, master: number, slave = 0xff): void {
  pic.portOut(0x21, 1, master);
  pic.portOut(0xa1, 1, slave);
}

const edge = (pic: Pic, irq: number) => {
  pic.setIrq(irq, true);
  pic.setIrq(irq, false);
};

describe('8259A initialisation (ICW1–ICW4)', () => {
  it('takes Linux init_8259A and ends with all lines masked', () => {
    const pic = new Pic();
    linuxInit(pic);
    expect(pic.master.irqBase).toBe(0x20);
    expect(pic.slave.irqBase).toBe(0x28);
    expect(pic.master.initState).toBe(0);
    expect(pic.slave.initState).toBe(0);
    expect(pic.master.autoEoi).toBe(false);
    // ICW1 reset the IMR; Linux masks again afterwards.
    expect(pic.portIn(0x21, 1)).toBe(0);
    pic.portOut(0x21, 1, 0xff);
    expect(pic.portIn(0x21, 1)).toBe(0xff);
    expect(pic.hasPendingInterrupt()).toBe(false);
  });

  it('masks the vector base to a multiple of 8 and skips ICW4 unless ICW1 asks for it', () => {
    const pic = new Pic();
    pic.portOut(0x20, 1, 0x10); // ICW1 without IC4
    pic.portOut(0x21, 1, 0x47); // ICW2
    pic.portOut(0x21, 1, 0x04); // ICW3: back to normal mode
    expect(pic.master.irqBase).toBe(0x40);
    expect(pic.master.initState).toBe(0);
    pic.portOut(0x21, 1, 0xfe); // now an OCW1
    expect(pic.master.imr).toBe(0xfe);
  });

  it('reads IRR by default, ISR after OCW3 0x0B, IRR again after 0x0A', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xf8); // IRQ 0, 1, 2
    edge(pic, 1);
    edge(pic, 0);
    expect(pic.portIn(0x20, 1)).toBe(0b11); // IRR
    expect(pic.acknowledge().vector).toBe(0x20);
    expect(pic.portIn(0x20, 1)).toBe(0b10);
    pic.portOut(0x20, 1, 0x0b);
    expect(pic.portIn(0x20, 1)).toBe(0b01); // ISR
    expect(pic.portIn(0x20, 1)).toBe(0b01); // stays selected
    pic.portOut(0x20, 1, 0x0a);
    expect(pic.portIn(0x20, 1)).toBe(0b10);
  });
});

describe('requests, priorities and EOI', () => {
  it('latches an edge in IRR, moves it to ISR on INTA and clears ISR on a non-specific EOI', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xfe);
    expect(pic.setIrq(0, true)).toBe(1);
    expect(pic.master.irr).toBe(1);
    expect(pic.hasPendingInterrupt()).toBe(true);
    expect(pic.pendingVector()).toBe(0x20);
    pic.setIrq(0, false); // the line drops: IRR keeps the edge
    expect(pic.master.irr).toBe(1);
    expect(pic.acknowledge()).toEqual({ vector: 0x20, irq: 0, spurious: false });
    expect(pic.master.irr).toBe(0);
    expect(pic.master.isr).toBe(1);
    expect(pic.hasPendingInterrupt()).toBe(false);
    pic.portOut(0x20, 1, 0x20); // EOI
    expect(pic.master.isr).toBe(0);
  });

  it('latches one request per rising edge (a held line does not retrigger)', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xfe);
    expect(pic.setIrq(0, true)).toBe(1);
    expect(pic.setIrq(0, true)).toBe(1); // no new edge: nothing latched, IRR unchanged
    pic.acknowledge();
    expect(pic.setIrq(0, true)).toBe(1);
    expect(pic.master.irr).toBe(0); // still high, no edge
    pic.setIrq(0, false);
    expect(pic.setIrq(0, true)).toBe(1);
    expect(pic.master.irr).toBe(1);
    pic.setIrq(0, false);
    expect(pic.setIrq(0, true)).toBe(0); // an edge while IRR is still set coalesces
  });

  it('ORs the levels of the irq sources driving a pin', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xfe);
    pic.setIrq(0, true, IRQ_SOURCE_USER);
    pic.acknowledge();
    pic.portOut(0x20, 1, 0x20);
    pic.setIrq(0, true, IRQ_SOURCE_PIT); // the pin is already high: no edge
    expect(pic.master.irr).toBe(0);
    pic.setIrq(0, false, IRQ_SOURCE_USER); // still high through the PIT
    pic.setIrq(0, false, IRQ_SOURCE_PIT);
    pic.setIrq(0, true, IRQ_SOURCE_PIT);
    expect(pic.master.irr).toBe(1);
  });

  it('keeps a masked request in IRR and raises it once unmasked', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xff);
    expect(pic.setIrq(3, true)).toBe(-1);
    expect(pic.master.irr).toBe(0b1000);
    expect(pic.hasPendingInterrupt()).toBe(false);
    pic.portOut(0x21, 1, 0xf7);
    expect(pic.hasPendingInterrupt()).toBe(true);
    expect(pic.acknowledge().vector).toBe(0x23);
  });

  it('serves the lowest IRQ first and nests a higher-priority request over one in service', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0x00);
    edge(pic, 5);
    edge(pic, 3);
    expect(pic.acknowledge().vector).toBe(0x23);
    // IRQ 5 waits behind IRQ 3 in service.
    expect(pic.hasPendingInterrupt()).toBe(false);
    edge(pic, 1); // higher priority than the one in service: nests
    expect(pic.acknowledge().vector).toBe(0x21);
    expect(pic.master.isr).toBe(0b1010);
    pic.portOut(0x20, 1, 0x20); // non-specific EOI clears the highest in service (IRQ 1)
    expect(pic.master.isr).toBe(0b1000);
    expect(pic.hasPendingInterrupt()).toBe(false);
    pic.portOut(0x20, 1, 0x20);
    expect(pic.acknowledge().vector).toBe(0x25);
  });

  it('clears a named ISR bit on a specific EOI', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0x00);
    edge(pic, 4);
    pic.acknowledge();
    pic.master.isr |= 0b1; // pretend IRQ 0 is also in service
    pic.portOut(0x20, 1, 0x60 | 4); // specific EOI for IRQ 4
    expect(pic.master.isr).toBe(0b1);
  });

  it('rotates priorities on a rotating EOI and with set-priority', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0x00);
    edge(pic, 0);
    pic.acknowledge();
    pic.portOut(0x20, 1, 0xa0); // rotate on non-specific EOI: IRQ 0 becomes the lowest
    expect(pic.master.priorityAdd).toBe(1);
    edge(pic, 0);
    edge(pic, 6);
    expect(pic.acknowledge().vector).toBe(0x26); // IRQ 6 now outranks IRQ 0
    pic.portOut(0x20, 1, 0xe6); // rotate on specific EOI 6
    expect(pic.master.priorityAdd).toBe(7);
    pic.portOut(0x20, 1, 0xc3); // set priority: IRQ 3 lowest, IRQ 4 highest
    expect(pic.master.priorityAdd).toBe(4);
    edge(pic, 5);
    expect(pic.acknowledge().vector).toBe(0x25); // 5 outranks the pending 0
  });

  it('clears ISR at INTA in auto-EOI mode', () => {
    const pic = new Pic();
    linuxInit(pic, 0x20, 0x28, true);
    unmask(pic, 0xfe);
    expect(pic.master.autoEoi).toBe(true);
    edge(pic, 0);
    expect(pic.acknowledge().vector).toBe(0x20);
    expect(pic.master.isr).toBe(0);
    edge(pic, 0);
    expect(pic.hasPendingInterrupt()).toBe(true);
  });
});

describe('cascade and spurious interrupts', () => {
  it('delivers a slave request through master IRQ 2 and needs an EOI on both chips', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xfb, 0xfe); // master IRQ 2, slave IRQ 8
    edge(pic, 8);
    expect(pic.master.irr).toBe(0b100);
    expect(pic.pendingVector()).toBe(0x28);
    expect(pic.acknowledge()).toEqual({ vector: 0x28, irq: 8, spurious: false });
    expect(pic.master.isr).toBe(0b100);
    expect(pic.slave.isr).toBe(0b1);
    pic.portOut(0xa0, 1, 0x20);
    pic.portOut(0x20, 1, 0x20);
    expect(pic.master.isr | pic.slave.isr).toBe(0);
  });

  it('returns IRQ 7 when INTA finds nothing, without touching ISR', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0x00);
    expect(pic.acknowledge()).toEqual({ vector: 0x27, irq: 7, spurious: true });
    expect(pic.master.isr).toBe(0);
  });

  it('returns IRQ 15 when the slave request vanished before INTA', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0xfb, 0xfe);
    edge(pic, 8);
    pic.slave.irr = 0; // the request vanished (as a level line dropping would)
    expect(pic.acknowledge()).toEqual({ vector: 0x2f, irq: 15, spurious: true });
    expect(pic.slave.isr).toBe(0);
  });
});

describe('poll mode, ELCR and port decoding', () => {
  it('answers an OCW3 poll with the IRQ number and acknowledges it', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0x00);
    edge(pic, 3);
    pic.portOut(0x20, 1, 0x0c); // OCW3 poll
    expect(pic.portIn(0x20, 1)).toBe(3);
    expect(pic.master.irr).toBe(0);
    expect(pic.hasPendingInterrupt()).toBe(false);
    pic.portOut(0x20, 1, 0x0c);
    expect(pic.portIn(0x20, 1)).toBe(7); // nothing pending
  });

  it('level-triggers lines set in the ELCR (IRQ 0–2 stay edge-only)', () => {
    const pic = new Pic();
    linuxInit(pic);
    unmask(pic, 0x00);
    pic.portOut(0x4d0, 1, 0xff);
    expect(pic.portIn(0x4d0, 1)).toBe(0xf8);
    pic.portOut(0x4d1, 1, 0xff);
    expect(pic.portIn(0x4d1, 1)).toBe(0xde);
    pic.setIrq(5, true);
    expect(pic.acknowledge().vector).toBe(0x25);
    expect(pic.master.irr & 0x20).toBe(0x20); // a level request stays in IRR at INTA
    pic.setIrq(5, false);
    expect(pic.master.irr & 0x20).toBe(0);
  });

  it('claims only its ports; wider accesses inside them are ignored as by KVM', () => {
    const pic = new Pic();
    expect(pic.portIn(0x22, 1)).toBeUndefined();
    expect(pic.portOut(0x60, 1, 0)).toBe(false);
    expect(pic.portIn(0x21, 2)).toBeUndefined(); // 0x21–0x22 leaves the device
    expect(pic.portIn(0x20, 2)).toBe(0);
    expect(pic.portOut(0x20, 2, 0x11)).toBe(true);
    expect(pic.master.initState).toBe(0);
  });

  it('reports EOIs and IMR changes to its hooks', () => {
    const acked: number[] = [];
    const masks: [number, boolean][] = [];
    const pic = new Pic({ acked: (irq) => acked.push(irq), maskChanged: (irq, m) => masks.push([irq, m]) });
    linuxInit(pic);
    masks.length = 0;
    pic.portOut(0x21, 1, 0xfe);
    expect(masks).toEqual([[1, true], [2, true], [3, true], [4, true], [5, true], [6, true], [7, true]]); // ICW1 cleared the IMR
    pic.portOut(0xa1, 1, 0xfe);
    masks.length = 0;
    pic.portOut(0xa1, 1, 0xff);
    expect(masks).toEqual([[8, true]]);
    edge(pic, 0);
    pic.acknowledge();
    pic.portOut(0x20, 1, 0x20);
    expect(acked).toEqual([0]);
  });
});
