/**
 * What a VMM does with one return from KVM_RUN, in the shape of
 * Firecracker's `handle_kvm_exit` (src/vmm/src/vstate/vcpu.rs): a function
 * from the exit to an outcome value the caller acts on. Port I/O is answered
 * here by the devices it is given (docs/guest.md "Devices"); it touches
 * nothing else — re-arming immediate_exit after KVM_EXIT_INTR, what a
 * debug exit means and when to stop are the caller's (runGuest, the debug
 * session's run loop).
 */
import type { Counters } from '../counters.ts';
import type { VcpuExit } from '../uapi/exit.ts';
import type { CmosRtc } from './cmos-rtc.ts';
import type { ExitPort, SerialConsole } from './devices.ts';

export interface ExitDevices {
  serial: SerialConsole;
  /** The CMOS RTC at 0x70/0x71, when the VMM gives the guest one. */
  rtc?: CmosRtc;
  exitPort: ExitPort;
  /** The VMM's counters: port I/O is counted here as `io.serial` / `io.rtc` / `io.unclaimed`. */
  counters: Counters;
}

export type DebugExit = Extract<VcpuExit, { kind: 'debug' }>;

export type ExitOutcome =
  /** Answered here (port I/O, an interrupt window): KVM_RUN again. */
  | { kind: 'handled' }
  /** KVM_EXIT_INTR: a kick or a signal ended KVM_RUN; the caller decides whether to go on. */
  | { kind: 'interrupted' }
  /** The guest wrote `status` to the exit port. */
  | { kind: 'exit-port'; status: number }
  /** KVM_EXIT_DEBUG: for the debugger to look at. */
  | { kind: 'debug'; exit: DebugExit }
  /** The vCPU stopped: HLT with no in-kernel irqchip, or a triple fault. */
  | { kind: 'stopped'; reason: 'hlt' | 'shutdown'; detail: string }
  /** The guest cannot go on: KVM could not run it, or it touched memory no device answers (an MMIO exit is unexpected: there are no MMIO devices). */
  | { kind: 'failed'; reason: 'internal-error' | 'fail-entry' | 'unexpected-exit'; detail: string };

export function handleExit(exit: VcpuExit, devices: ExitDevices): ExitOutcome {
  switch (exit.kind) {
    case 'io':
      return handleIo(exit, devices);
    case 'irq-window-open':
      return { kind: 'handled' };
    case 'intr':
      return { kind: 'interrupted' };
    case 'debug':
      return { kind: 'debug', exit };
    case 'hlt':
      return { kind: 'stopped', reason: 'hlt', detail: 'the vCPU halted (KVM_EXIT_HLT)' };
    case 'shutdown':
      return { kind: 'stopped', reason: 'shutdown', detail: 'triple fault (KVM_EXIT_SHUTDOWN)' };
    case 'internal-error':
      return {
        kind: 'failed',
        reason: 'internal-error',
        detail: `KVM_EXIT_INTERNAL_ERROR suberror ${exit.suberror}${exit.suberror === 1 ? ' (instruction emulation failed)' : ''}`,
      };
    case 'fail-entry':
      return { kind: 'failed', reason: 'fail-entry', detail: `KVM_EXIT_FAIL_ENTRY, reason 0x${exit.hardwareEntryFailureReason.toString(16)}` };
    case 'mmio':
      return { kind: 'failed', reason: 'unexpected-exit', detail: `MMIO ${exit.isWrite ? 'write' : 'read'} at 0x${exit.physAddr.toString(16)} (no device there)` };
    default:
      return { kind: 'failed', reason: 'unexpected-exit', detail: `unexpected exit ${exit.kind} (reason ${exit.reason})` };
  }
}

/** KVM_EXIT_IO: the console, the RTC, the exit port, or nothing (an IN from an unclaimed port reads all ones, as from an empty bus). */
function handleIo(exit: Extract<VcpuExit, { kind: 'io' }>, { serial, rtc, exitPort, counters }: ExitDevices): ExitOutcome {
  const { port, direction, size, data } = exit;
  if (rtc?.handles(port)) {
    counters.inc('io.rtc');
    if (direction === 'out') rtc.out(port, data[0]);
    else data.fill(0).set([rtc.in(port)]);
    return { kind: 'handled' };
  }
  if (serial.handles(port)) {
    counters.inc('io.serial');
    if (direction === 'out') serial.out(port, data[0]);
    else data.fill(0).set([serial.in(port)]);
    return { kind: 'handled' };
  }
  if (exitPort.handles(port) && direction === 'out') {
    exitPort.out(data[0]);
    return { kind: 'exit-port', status: exitPort.status! };
  }
  counters.inc('io.unclaimed');
  if (direction === 'in') data.fill(0xff, 0, size);
  return { kind: 'handled' };
}
