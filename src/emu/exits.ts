/**
 * VM-exit conditions of the emulated CPU, modelled on VMX/SVM controls: the
 * hypervisor (src/core) sets `ExitControls`; `Cpu.run` returns a `CpuExit`
 * naming the reason and its qualification. Fault-like exits leave RIP at the
 * instruction (not executed); `insnLen` lets the hypervisor skip it.
 */
import type { Insn } from './insn.ts';

export const EXIT_BUDGET = 0; // the instruction budget ran out
export const EXIT_EXCEPTION = 1; // an exception whose vector is in the exception bitmap
export const EXIT_HLT = 2;
export const EXIT_IO = 3;
export const EXIT_CPUID = 4;
export const EXIT_RDMSR = 5;
export const EXIT_WRMSR = 6;
export const EXIT_DR_ACCESS = 7; // MOV to/from DRn with MOV-DR exiting
export const EXIT_XSETBV = 8;
export const EXIT_INTERRUPT_WINDOW = 9;
export const EXIT_TRIPLE_FAULT = 10; // shutdown
export const EXIT_STOP = 11; // the host asked the CPU to stop (KVM immediate_exit / signal)
export const EXIT_IDLE = 12; // HLT without HLT exiting and nothing to wake it
export const EXIT_UNSUPPORTED = 13; // a mode or feature this CPU does not emulate
export const EXIT_MMIO = 14; // an MMIO handler asked for an exit
export const EXIT_FETCH_MMIO = 15; // an instruction fetch from a physical address no memory backs

export const EXIT_NAMES = [
  'budget', 'exception', 'hlt', 'io', 'cpuid', 'rdmsr', 'wrmsr', 'dr-access', 'xsetbv',
  'interrupt-window', 'triple-fault', 'stop', 'idle', 'unsupported', 'mmio', 'fetch-mmio',
] as const;

export class ExitControls {
  hlt = true;
  io = true;
  cpuid = false;
  /** Exit on RDMSR/WRMSR of MSRs the CPU does not implement (else #GP). */
  msr = false;
  movDr = false;
  xsetbv = false;
  /** Bit n set: exception vector n exits instead of being delivered. */
  exceptionBitmap = 0;
  /** Exit before the next instruction once interrupts are enabled and unblocked. */
  interruptWindow = false;
}

export class CpuExit {
  reason = EXIT_BUDGET;
  /** Exception vector (EXIT_EXCEPTION) and error code (-1 none). */
  vector = 0;
  errorCode = -1;
  /** #PF linear address / #DB DR6 bits, like the VMX exit qualification. */
  qual = 0;
  /** Length of the exiting instruction (to skip it). */
  insnLen = 0;
  // I/O: port, size in bytes, direction, value written (OUT), elements (KVM's count).
  port = 0;
  size = 0;
  out = false;
  count = 1;
  /** INS/OUTS: the instruction, for `completeStringIo` (exec/string-io.ts); null for IN/OUT. */
  stringIo: Insn | null = null;
  value = 0;
  // MOV DR: register number, direction (true: MOV to DRn), GPR involved.
  dr = 0;
  toDr = false;
  gpr = 0;
  /** The exception was raised by INT3/INTO/INT n (a software exception). */
  soft = false;
  /** EXIT_FETCH_MMIO: the physical address of the byte that could not be fetched. */
  fetchPa = 0;
  /** Human-readable detail for EXIT_UNSUPPORTED. */
  message = '';

  get name(): string {
    return EXIT_NAMES[this.reason] ?? `exit ${this.reason}`;
  }
}
