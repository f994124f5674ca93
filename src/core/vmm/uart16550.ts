/**
 * A 16550A UART as a PC's COM port (NS16550A / TI PC16550D data sheet;
 * QEMU hw/char/serial.c is the reference VMM model): all eight registers
 * with the DLAB divisor latch, 16-byte FIFOs with the receive trigger
 * level, the interrupt identification priorities, the modem lines and
 * loopback mode. The interrupt output goes to `onIrq` as a level (the VMM
 * passes it to KVM_IRQ_LINE: COM1 is IRQ 4), gated by MCR.OUT2 as on the
 * PC board, where OUT2 enables the IRQ driver.
 *
 * Timing is not modelled: the line is infinitely fast. A byte written to
 * THR leaves at once (to `onOutput`, or to the receiver in loopback), so the
 * transmitter is always empty afterwards (THRE and TEMT set, the THRE
 * interrupt raised again). A receive FIFO below its trigger level reports
 * the character timeout (IIR 0xC) at once instead of after four character
 * times — deterministic, and what a driver sees after its first poll.
 *
 * Host input (`pushInput`) waits in an unbounded host-side queue and moves
 * into the 16-byte receive FIFO as the guest reads, so a paste is not lost
 * to overruns (a terminal with flow control); loopback bytes overrun
 * (LSR.OE) as on the chip.
 */

/** Register offsets from the base port. */
export const UART_RBR_THR_DLL = 0;
export const UART_IER_DLM = 1;
export const UART_IIR_FCR = 2;
export const UART_LCR = 3;
export const UART_MCR = 4;
export const UART_LSR = 5;
export const UART_MSR = 6;
export const UART_SCR = 7;

export const IER_RDI = 0x01; // received data available
export const IER_THRI = 0x02; // THR empty
export const IER_RLSI = 0x04; // receiver line status
export const IER_MSI = 0x08; // modem status

export const IIR_NO_INT = 0x01;
export const IIR_MSI = 0x00;
export const IIR_THRI = 0x02;
export const IIR_RDI = 0x04;
export const IIR_RLSI = 0x06;
export const IIR_TIMEOUT = 0x0c;
export const IIR_FIFO_ENABLED = 0xc0;

export const FCR_ENABLE = 0x01;
export const FCR_CLEAR_RCVR = 0x02;
export const FCR_CLEAR_XMIT = 0x04;

export const LCR_DLAB = 0x80;

export const MCR_DTR = 0x01;
export const MCR_RTS = 0x02;
export const MCR_OUT1 = 0x04;
export const MCR_OUT2 = 0x08;
export const MCR_LOOP = 0x10;

export const LSR_DR = 0x01;
export const LSR_OE = 0x02;
export const LSR_PE = 0x04;
export const LSR_FE = 0x08;
export const LSR_BI = 0x10;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
export const LSR_FIFO_ERR = 0x80;

export const MSR_DCTS = 0x01;
export const MSR_DDSR = 0x02;
export const MSR_TERI = 0x04;
export const MSR_DDCD = 0x08;
export const MSR_CTS = 0x10;
export const MSR_DSR = 0x20;
export const MSR_RI = 0x40;
export const MSR_DCD = 0x80;

export const FIFO_SIZE = 16;
/** FCR bits 7:6 → receive trigger level. */
const TRIGGER = [1, 4, 8, 14];

export class Uart16550 {
  private rbr: number[] = [];
  private readonly hostInput: number[] = [];
  private ier = 0;
  private fcr = 0;
  private lcr = 0;
  private mcr = 0;
  private lsrErrors = 0;
  private msrDelta = 0;
  /** The modem inputs outside loopback: a terminal is attached (CTS, DSR, DCD). */
  private readonly lines = MSR_CTS | MSR_DSR | MSR_DCD;
  private scr = 0;
  private dll = 0x0c; // 9600 baud, as a PC BIOS leaves it
  private dlm = 0;
  /** THR emptied and not yet acknowledged (IIR read with THRE as the source, or a THR write). */
  private thrIpending = true;
  private irqLevel = false;
  private readonly out: number[] = [];

  /** Each byte the guest transmits (not in loopback). */
  onOutput: ((byte: number) => void) | null = null;
  /** The interrupt output, called on each change of level. */
  onIrq: ((level: boolean) => void) | null = null;

  /** Bytes for the guest to receive (the host's keyboard). */
  pushInput(bytes: Iterable<number>): void {
    for (const b of bytes) this.hostInput.push(b & 0xff);
    this.refill();
    this.update();
  }

  /** Host input not yet moved into the receive FIFO. */
  get pendingInput(): number {
    return this.hostInput.length;
  }

  /** Everything transmitted so far. */
  get transmitted(): readonly number[] {
    return this.out;
  }

  /** The interrupt output as it is now (before the OUT2 gate: `irq` is what reaches the PIC). */
  get irq(): boolean {
    return this.irqLevel;
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR_ENABLE) !== 0;
  }

  private get rxCapacity(): number {
    return this.fifoEnabled ? FIFO_SIZE : 1;
  }

  private get loopback(): boolean {
    return (this.mcr & MCR_LOOP) !== 0;
  }

  private refill(): void {
    while (this.rbr.length < this.rxCapacity && this.hostInput.length > 0 && !this.loopback) this.rbr.push(this.hostInput.shift()!);
  }

  /** A byte arriving at the receiver (loopback): overrun if the FIFO (or the holding register) is full. */
  private receive(b: number): void {
    if (this.rbr.length >= this.rxCapacity) {
      this.lsrErrors |= LSR_OE;
      return;
    }
    this.rbr.push(b);
  }

  /** MSR status bits: from MCR in loopback (RTS→CTS, DTR→DSR, OUT1→RI, OUT2→DCD), else the attached terminal. */
  private modemStatus(): number {
    if (!this.loopback) return this.lines;
    const m = this.mcr;
    return ((m & MCR_RTS) ? MSR_CTS : 0) | ((m & MCR_DTR) ? MSR_DSR : 0) | ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0);
  }

  /** IIR bits 3:0 by the data sheet's priority: line status, received data / timeout, THR empty, modem status. */
  private interruptId(): number {
    if ((this.ier & IER_RLSI) && (this.lsrErrors & (LSR_OE | LSR_PE | LSR_FE | LSR_BI))) return IIR_RLSI;
    if ((this.ier & IER_RDI) && this.rbr.length > 0) {
      if (!this.fifoEnabled) return IIR_RDI;
      return this.rbr.length >= TRIGGER[this.fcr >> 6] ? IIR_RDI : IIR_TIMEOUT;
    }
    if ((this.ier & IER_THRI) && this.thrIpending) return IIR_THRI;
    if ((this.ier & IER_MSI) && (this.msrDelta & 0x0f)) return IIR_MSI;
    return IIR_NO_INT;
  }

  private update(): void {
    const pending = this.interruptId() !== IIR_NO_INT;
    // PC wiring: OUT2 enables the IRQ driver; in loopback OUT2 is routed to DCD, not the pin.
    const level = pending && (this.mcr & MCR_OUT2) !== 0 && !this.loopback;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.onIrq?.(level);
    }
  }

  /** A guest IN from base + `offset` (0–7). */
  read(offset: number): number {
    let v: number;
    switch (offset & 7) {
      case UART_RBR_THR_DLL:
        if (this.lcr & LCR_DLAB) {
          v = this.dll;
          break;
        }
        v = this.rbr.shift() ?? 0;
        this.refill();
        break;
      case UART_IER_DLM:
        v = this.lcr & LCR_DLAB ? this.dlm : this.ier;
        break;
      case UART_IIR_FCR: {
        const id = this.interruptId();
        // Reading IIR with THRE as the source acknowledges it (data sheet table 4).
        if (id === IIR_THRI) this.thrIpending = false;
        v = id | (this.fifoEnabled ? IIR_FIFO_ENABLED : 0);
        break;
      }
      case UART_LCR:
        v = this.lcr;
        break;
      case UART_MCR:
        v = this.mcr;
        break;
      case UART_LSR:
        v = this.lsr();
        this.lsrErrors = 0; // OE, PE, FE, BI clear on read
        break;
      case UART_MSR:
        v = this.modemStatus() | this.msrDelta;
        this.msrDelta = 0;
        break;
      default:
        v = this.scr;
    }
    this.update();
    return v;
  }

  /** LSR without the read side effect. */
  lsr(): number {
    return (this.rbr.length > 0 ? LSR_DR : 0) | this.lsrErrors | LSR_THRE | LSR_TEMT;
  }

  /** A guest OUT to base + `offset` (0–7). */
  write(offset: number, value: number): void {
    value &= 0xff;
    switch (offset & 7) {
      case UART_RBR_THR_DLL:
        if (this.lcr & LCR_DLAB) {
          this.dll = value;
          break;
        }
        if (this.loopback) this.receive(value);
        else {
          this.out.push(value);
          this.onOutput?.(value);
        }
        // Sent at once: THR (and the transmitter) empty again, a new THRE interrupt.
        this.thrIpending = true;
        break;
      case UART_IER_DLM:
        if (this.lcr & LCR_DLAB) {
          this.dlm = value;
          break;
        }
        // Enabling ETBEI with THR empty raises THRE (as the chip, and QEMU's serial_ioport_write).
        if ((value & IER_THRI) && !(this.ier & IER_THRI)) this.thrIpending = true;
        this.ier = value & 0x0f;
        break;
      case UART_IIR_FCR: {
        const wasEnabled = this.fifoEnabled;
        const enable = (value & FCR_ENABLE) !== 0;
        // Changing FIFO enable resets both FIFOs (data sheet: FCR bit 0).
        if (value & FCR_CLEAR_RCVR || enable !== wasEnabled) this.rbr = [];
        this.fcr = enable ? value & 0xc9 : 0;
        this.refill();
        break;
      }
      case UART_LCR:
        this.lcr = value;
        break;
      case UART_MCR: {
        const before = this.modemStatus();
        this.mcr = value & 0x1f;
        const after = this.modemStatus();
        const changed = before ^ after;
        if (changed & MSR_CTS) this.msrDelta |= MSR_DCTS;
        if (changed & MSR_DSR) this.msrDelta |= MSR_DDSR;
        if (changed & MSR_DCD) this.msrDelta |= MSR_DDCD;
        if (before & MSR_RI && !(after & MSR_RI)) this.msrDelta |= MSR_TERI; // trailing edge of RI
        this.refill();
        break;
      }
      case UART_LSR:
      case UART_MSR:
        break; // factory test registers: writes ignored
      default:
        this.scr = value;
    }
    this.update();
  }
}
