/**
 * The userspace devices a VMM answers on KVM_EXIT_IO for the bundled guests
 * (docs/guest.md "Devices"): a 16550-style serial console whose transmitter
 * is always ready, and the exit port.
 */

export const SERIAL_BASE = 0x3f8;
/** Line status register: THR empty (bit 5) and transmitter empty (bit 6). */
export const SERIAL_LSR = 0x3fd;
export const SERIAL_LSR_READY = 0x60;
export const EXIT_PORT = 0x501;

/** The console: bytes written to THR (0x3F8), LSR (0x3FD) reads 0x60; the other UART registers read 0 and ignore writes. */
export class SerialConsole {
  private readonly bytes: number[] = [];
  /** Called with each chunk as the guest writes it (one byte at a time). */
  onOutput: ((text: string) => void) | null = null;

  handles(port: number): boolean {
    return port >= SERIAL_BASE && port < SERIAL_BASE + 8;
  }

  out(port: number, value: number): void {
    if (port !== SERIAL_BASE) return;
    this.bytes.push(value & 0xff);
    this.onOutput?.(String.fromCharCode(value & 0xff));
  }

  in(port: number): number {
    return port === SERIAL_LSR ? SERIAL_LSR_READY : 0;
  }

  /** Everything written so far, as Latin-1 text (the guest writes ASCII). */
  get transcript(): string {
    return Buffer.from(this.bytes).toString("latin1");
  }
}

/** Port 0x501: writing a byte ends the VM with that exit status. */
export class ExitPort {
  status: number | null = null;

  handles(port: number): boolean {
    return port === EXIT_PORT;
  }

  out(value: number): void {
    this.status = value & 0xff;
  }
}
