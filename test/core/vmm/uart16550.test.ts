import { beforeEach, describe, expect, it } from 'vitest';
import {
  FCR_CLEAR_RCVR, FCR_ENABLE, IER_MSI, IER_RDI, IER_RLSI, IER_THRI, IIR_MSI, IIR_NO_INT, IIR_RDI, IIR_RLSI, IIR_THRI, IIR_TIMEOUT,
  LCR_DLAB, LSR_DR, LSR_OE, LSR_TEMT, LSR_THRE, MCR_DTR, MCR_LOOP, MCR_OUT1, MCR_OUT2, MCR_RTS, MSR_CTS, MSR_DCD, MSR_DCTS, MSR_DDCD,
  MSR_DDSR, MSR_DSR, MSR_RI, MSR_TERI, Uart16550,
} from '../../../src/core/vmm/uart16550.ts';

const RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

describe('16550A UART', () => {
  let u: Uart16550;
  let irqs: boolean[];
  let sent: number[];
  beforeEach(() => {
    u = new Uart16550();
    irqs = [];
    sent = [];
    u.onIrq = (l) => irqs.push(l);
    u.onOutput = (b) => sent.push(b);
  });

  it('resets idle: LSR THRE|TEMT, IIR no interrupt, FIFOs off', () => {
    expect(u.read(LSR)).toBe(LSR_THRE | LSR_TEMT);
    expect(u.read(IIR)).toBe(IIR_NO_INT);
    expect(u.read(IER)).toBe(0);
  });

  it('THR sends the byte; DLAB switches offsets 0/1 to the divisor latch', () => {
    u.write(RBR, 0x41);
    expect(sent).toEqual([0x41]);
    u.write(LCR, LCR_DLAB | 3);
    u.write(0, 0x01);
    u.write(1, 0x02);
    expect([u.read(0), u.read(1)]).toEqual([1, 2]);
    expect(sent).toEqual([0x41]); // a divisor write is not a byte sent
    u.write(LCR, 3);
    expect(u.read(LCR)).toBe(3);
    expect(u.read(IER)).toBe(0);
    u.write(IER, 0xff);
    expect(u.read(IER)).toBe(0x0f); // bits 7:4 read 0
  });

  it('SCR holds a byte; LSR and MSR writes are ignored', () => {
    u.write(SCR, 0x5a);
    expect(u.read(SCR)).toBe(0x5a);
    u.write(LSR, 0xff);
    expect(u.read(LSR)).toBe(LSR_THRE | LSR_TEMT);
  });

  it('receives host input: DR, RBR in order, the 1-byte holding register without FIFOs', () => {
    u.pushInput([1, 2, 3]);
    expect(u.read(LSR) & LSR_DR).toBe(LSR_DR);
    expect(u.pendingInput).toBe(2); // FIFO off: one byte in RBR
    expect([u.read(RBR), u.read(RBR), u.read(RBR)]).toEqual([1, 2, 3]);
    expect(u.read(LSR) & LSR_DR).toBe(0);
    expect(u.read(RBR)).toBe(0);
  });

  it('16-byte receive FIFO filled from the host queue as the guest reads', () => {
    u.write(FCR, FCR_ENABLE);
    u.pushInput(Array.from({ length: 20 }, (_, i) => i));
    expect(u.pendingInput).toBe(4);
    const got = Array.from({ length: 20 }, () => u.read(RBR));
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('IIR bits 7:6 show FIFOs enabled; FCR clears the receive FIFO', () => {
    u.write(FCR, FCR_ENABLE);
    expect(u.read(IIR) & 0xc0).toBe(0xc0);
    u.write(MCR, MCR_LOOP);
    u.write(RBR, 7);
    u.write(FCR, FCR_ENABLE | FCR_CLEAR_RCVR);
    expect(u.read(LSR) & LSR_DR).toBe(0);
  });

  it('received-data interrupt at the trigger level, character timeout below it, on the IRQ only with OUT2', () => {
    u.write(FCR, FCR_ENABLE | 0x40); // trigger 4
    u.write(IER, IER_RDI);
    u.pushInput([1, 2]);
    expect(u.read(IIR) & 0x0f).toBe(IIR_TIMEOUT);
    expect(u.irq).toBe(false); // OUT2 off: the PC's IRQ driver is disabled
    u.write(MCR, MCR_OUT2);
    expect(irqs).toEqual([true]);
    u.pushInput([3, 4]);
    expect(u.read(IIR) & 0x0f).toBe(IIR_RDI);
    for (let i = 0; i < 4; i++) u.read(RBR);
    expect(u.read(IIR) & 0x0f).toBe(IIR_NO_INT);
    expect(irqs).toEqual([true, false]);
  });

  it('THRE interrupt: raised on enabling ETBEI and after each byte, acknowledged by reading IIR', () => {
    u.write(MCR, MCR_OUT2);
    u.write(IER, IER_THRI);
    expect(irqs).toEqual([true]);
    expect(u.read(IIR)).toBe(IIR_THRI);
    expect(u.irq).toBe(false);
    expect(u.read(IIR)).toBe(IIR_NO_INT);
    u.write(RBR, 0x42);
    expect(u.irq).toBe(true);
    expect(irqs).toEqual([true, false, true]);
  });

  it('priority: line status over received data over THRE', () => {
    u.write(MCR, MCR_LOOP);
    u.write(IER, IER_RLSI | IER_RDI | IER_THRI);
    u.write(RBR, 1);
    u.write(RBR, 2); // FIFO off: overrun
    expect(u.read(IIR)).toBe(IIR_RLSI);
    expect(u.read(LSR) & (LSR_OE | LSR_DR)).toBe(LSR_OE | LSR_DR);
    expect(u.read(LSR) & LSR_OE).toBe(0); // cleared by the read
    expect(u.read(IIR)).toBe(IIR_RDI);
    expect(u.read(RBR)).toBe(1);
    expect(u.read(IIR)).toBe(IIR_THRI);
  });

  it('loopback: THR to RBR, nothing sent, modem outputs on the MSR inputs, no IRQ at the pin', () => {
    u.write(MCR, MCR_LOOP | MCR_OUT2);
    u.write(IER, IER_RDI);
    u.write(RBR, 0x99);
    expect(sent).toEqual([]);
    expect(u.read(RBR)).toBe(0x99);
    expect(irqs).toEqual([]);
    u.read(MSR);
    u.write(MCR, MCR_LOOP | MCR_RTS | MCR_DTR | MCR_OUT1);
    expect(u.read(MSR)).toBe(MSR_CTS | MSR_DSR | MSR_RI | MSR_DCTS | MSR_DDSR | MSR_DDCD);
    expect(u.read(MSR)).toBe(MSR_CTS | MSR_DSR | MSR_RI); // deltas clear on read
    u.write(MCR, MCR_LOOP | MCR_RTS | MCR_DTR);
    expect(u.read(MSR) & MSR_TERI).toBe(MSR_TERI); // RI trailing edge
  });

  it('host input waits while in loopback; MSR outside loopback shows an attached terminal', () => {
    expect(u.read(MSR)).toBe(MSR_CTS | MSR_DSR | MSR_DCD);
    u.write(MCR, MCR_LOOP);
    u.pushInput([5]);
    expect(u.read(LSR) & LSR_DR).toBe(0);
    u.write(MCR, 0);
    expect(u.read(RBR)).toBe(5);
  });

  it('modem status interrupt until MSR is read', () => {
    u.write(IER, IER_MSI);
    u.write(MCR, MCR_LOOP | MCR_RTS);
    expect(u.read(IIR)).toBe(IIR_MSI);
    u.read(MSR);
    expect(u.read(IIR)).toBe(IIR_NO_INT);
  });
});

/**
 * The probe Linux runs on a legacy port before `console=ttyS0` uses it
 * (drivers/tty/serial/8250/8250_port.c: autoconfig, autoconfig_16550a), step
 * by step: the port must come out as a PORT_16550A, not absent, a 16450,
 * a 16650/16750, an NS SuperIO or an XScale.
 */
describe("Linux's 8250 autoconfig probe", () => {
  it('finds a 16550A', () => {
    const u = new Uart16550();
    // IER read-back: 0 then 0x0F (bits 7:4 read 0)
    u.write(IER, 0);
    expect(u.read(IER) & 0x0f).toBe(0);
    u.write(IER, 0x0f);
    expect(u.read(IER) & 0x0f).toBe(0x0f);
    u.write(IER, 0);
    // loopback with OUT2|RTS: MSR bits 7:4 = DCD|CTS
    u.write(MCR, MCR_LOOP | 0x0a);
    expect(u.read(MSR) & 0xf0).toBe(0x90);
    u.write(MCR, 0);
    // EFR probe (LCR 0xBF): no EFR on a 16550A, offset 2 is FCR/IIR
    u.write(LCR, 0xbf);
    u.write(2, 0);
    u.write(LCR, 0);
    u.write(FCR, FCR_ENABLE);
    expect(u.read(IIR) >> 6).toBe(3); // 16550A: FIFOs work
    u.write(LCR, 0xbf);
    expect(u.read(2)).not.toBe(0); // not an ST16C650V1
    u.write(LCR, 0x80);
    expect(u.read(2)).not.toBe(0); // not a 16650V2
    // NS SuperIO: EXCR1 at offset 2 under LCR 0xE0 does not follow MCR.LOOP
    u.write(LCR, 0);
    const mcr = u.read(MCR);
    u.write(MCR, mcr ^ MCR_LOOP);
    u.write(LCR, 0xe0);
    const excr1 = u.read(2);
    u.write(LCR, 0);
    u.write(MCR, mcr);
    expect((excr1 ^ mcr) & MCR_LOOP).toBe(0);
    // 16750: the 64-byte FIFO bit (FCR bit 5) does not stick, IIR bits 7:5 = 6
    u.write(FCR, FCR_ENABLE | 0x20);
    expect(u.read(IIR) >> 5).toBe(6);
    u.write(LCR, 0x80);
    u.write(FCR, FCR_ENABLE | 0x20);
    expect(u.read(IIR) >> 5).toBe(6);
    u.write(LCR, 0);
    // XScale: IER bit 6 (UUE) does not stick
    u.write(IER, 0x40);
    expect(u.read(IER) & 0x40).toBe(0);
  });
});
