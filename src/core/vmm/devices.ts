/**
 * The userspace devices a VMM answers on KVM_EXIT_IO for the bundled guests
 * (docs/guest.md "Devices"): COM1, a 16550A UART whose transmitter is
 * always ready, and the exit port.
 */
import type { VcpuFd } from '../api/index.ts';
import type { BackendName } from '../backend.ts';
import { DEFAULT_INSTRUCTIONS_PER_PIT_TICK, PIT_HZ } from '../emu/devices/pit.ts';
import { Uart16550, UART_LSR } from './uart16550.ts';

export const SERIAL_BASE = 0x3f8;
/** COM1's interrupt line on the PC (KVM_IRQ_LINE GSI 4). */
export const SERIAL_IRQ = 4;
/** Line status register. */
export const SERIAL_LSR = SERIAL_BASE + UART_LSR;
/** LSR of an idle transmitter with nothing received: THR empty (bit 5) and transmitter empty (bit 6). */
export const SERIAL_LSR_READY = 0x60;
export const EXIT_PORT = 0x501;

/**
 * COM1: a 16550A (uart16550.ts) at 0x3F8–0x3FF whose transmitted bytes are
 * the console transcript. `uart.onIrq` is wired to IRQ 4 by the VMM when the
 * VM has an irqchip; `uart.pushInput` is the guest's keyboard.
 */
export class SerialConsole {
  readonly uart = new Uart16550();
  /** Called with each chunk as the guest writes it (one byte at a time). */
  onOutput: ((text: string) => void) | null = null;

  constructor() {
    this.uart.onOutput = (b) => this.onOutput?.(String.fromCharCode(b));
  }

  handles(port: number): boolean {
    return port >= SERIAL_BASE && port < SERIAL_BASE + 8;
  }

  out(port: number, value: number): void {
    this.uart.write(port - SERIAL_BASE, value);
  }

  in(port: number): number {
    return this.uart.read(port - SERIAL_BASE);
  }

  /** Everything written so far, as Latin-1 text (the guest writes ASCII). */
  get transcript(): string {
    return Buffer.from(this.uart.transmitted).toString('latin1');
  }
}

/** COM1's interrupt output to IRQ 4 through the VM's in-kernel PIC (KVM_IRQ_LINE), as QEMU's isa-serial. */
export function connectSerialIrq(serial: SerialConsole, vm: { irqLine(irq: number, level: boolean): void }): void {
  serial.uart.onIrq = (level) => vm.irqLine(SERIAL_IRQ, level);
}

/** IA32_TIME_STAMP_COUNTER */
const MSR_TSC = 0x10;
/** emu's TSC rate: one count per retired (or idle-skipped) instruction, at the PIT's instruction time base (≈ 100.2 MHz). */
const EMU_TSC_HZ = DEFAULT_INSTRUCTIONS_PER_PIT_TICK * PIT_HZ;

/**
 * Seconds of guest time for the CMOS RTC. On emu: the guest's TSC (retired
 * instructions plus idle time) at emu's instruction clock, so the same image
 * and script read the same date. On kvm: wall-clock time since the call, as
 * the PIT there runs on the host's clock.
 */
export function rtcClock(backend: BackendName, vcpu: VcpuFd): () => number {
  // The TSC of a fresh emu vCPU is 0; it is read only when the guest reads the RTC (no ioctl otherwise).
  if (backend === 'emu') return () => Number(vcpu.getMsrs([MSR_TSC])[0].data) / EMU_TSC_HZ;
  const start = performance.now();
  return () => (performance.now() - start) / 1000;
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
