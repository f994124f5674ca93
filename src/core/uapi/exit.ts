/**
 * Decodes the exit in a kvm_run page into a tagged union, the way
 * rust-vmm's `VcpuFd::run` returns `VcpuExit`. IO and MMIO data are views
 * into the page (zero-copy): an IN / MMIO read is completed by writing into
 * `data` before the next KVM_RUN. Use `detachExit` to keep an exit after the
 * page is gone.
 */
import { toDataView, type ByteSource } from './layout.ts';
import {
  KVM_EXIT_IO_OUT,
  KVM_RUN_EXIT_OFFSET as X,
  KvmExitReason as R,
  kvmRun,
  kvmRunDebug,
  kvmRunDebugCr3,
  kvmRunEx,
  kvmRunFailEntry,
  kvmRunHw,
  kvmRunInternal,
  kvmRunIo,
  kvmRunMmio,
  kvmRunSystemEvent,
} from './kvm-run.ts';

export type VcpuExit =
  | { kind: 'hlt'; reason: 5 }
  | { kind: 'shutdown'; reason: 8 }
  | { kind: 'intr'; reason: 10 }
  | { kind: 'irq-window-open'; reason: 7 }
  | { kind: 'io'; reason: 2; direction: 'in' | 'out'; port: number; size: number; count: number; data: Uint8Array }
  | { kind: 'mmio'; reason: 6; physAddr: bigint; isWrite: boolean; data: Uint8Array }
  /** `cr3` only when decoded with `{ debugCr3: true }` (the VM enabled KVM_CAP_X86_GUEST_DEBUG_CR3). */
  | { kind: 'debug'; reason: 4; exception: number; pc: bigint; dr6: bigint; dr7: bigint; cr3?: bigint }
  | { kind: 'exception'; reason: 1; exception: number; errorCode: number }
  | { kind: 'unknown'; reason: 0; hardwareExitReason: bigint }
  | { kind: 'fail-entry'; reason: 9; hardwareEntryFailureReason: bigint; cpu: number }
  | { kind: 'internal-error'; reason: 17; suberror: number; data: bigint[] }
  | { kind: 'system-event'; reason: 24; type: number; data: bigint[] }
  | { kind: 'unsupported'; reason: number };

export interface DecodeExitOptions {
  /** Read the CR3 extension at run+64 into debug exits (KVM_CAP_X86_GUEST_DEBUG_CR3 enabled). */
  debugCr3?: boolean;
}

export function decodeExit(page: ByteSource, opts: DecodeExitOptions = {}): VcpuExit {
  const v = toDataView(page);
  const reason = kvmRun.get(v, 'exit_reason');
  switch (reason) {
    case R.HLT:
      return { kind: 'hlt', reason };
    case R.SHUTDOWN:
      return { kind: 'shutdown', reason };
    case R.INTR:
      return { kind: 'intr', reason };
    case R.IRQ_WINDOW_OPEN:
      return { kind: 'irq-window-open', reason };
    case R.IO: {
      const io = kvmRunIo.read(v, X);
      const len = io.size * io.count;
      const data = new Uint8Array(v.buffer, v.byteOffset + Number(io.data_offset), len);
      const direction = io.direction === KVM_EXIT_IO_OUT ? 'out' : 'in';
      return { kind: 'io', reason, direction, port: io.port, size: io.size, count: io.count, data };
    }
    case R.MMIO: {
      const m = kvmRunMmio.read(v, X);
      const data = new Uint8Array(v.buffer, v.byteOffset + X + kvmRunMmio.offsetOf('data'), Math.min(m.len, 8));
      return { kind: 'mmio', reason, physAddr: m.phys_addr, isWrite: m.is_write !== 0, data };
    }
    case R.DEBUG: {
      const d = kvmRunDebug.read(v, X);
      const exit: VcpuExit = { kind: 'debug', reason, exception: d.exception, pc: d.pc, dr6: d.dr6, dr7: d.dr7 };
      if (opts.debugCr3) exit.cr3 = kvmRunDebugCr3.get(v, 'cr3', X);
      return exit;
    }
    case R.EXCEPTION: {
      const e = kvmRunEx.read(v, X);
      return { kind: 'exception', reason, exception: e.exception, errorCode: e.error_code };
    }
    case R.UNKNOWN:
      return { kind: 'unknown', reason, hardwareExitReason: kvmRunHw.get(v, 'hardware_exit_reason', X) };
    case R.FAIL_ENTRY: {
      const f = kvmRunFailEntry.read(v, X);
      return { kind: 'fail-entry', reason, hardwareEntryFailureReason: f.hardware_entry_failure_reason, cpu: f.cpu };
    }
    case R.INTERNAL_ERROR: {
      const i = kvmRunInternal.read(v, X);
      return { kind: 'internal-error', reason, suberror: i.suberror, data: i.data.slice(0, Math.min(i.ndata, 16)) };
    }
    case R.SYSTEM_EVENT: {
      const s = kvmRunSystemEvent.read(v, X);
      return { kind: 'system-event', reason, type: s.type, data: s.data.slice(0, Math.min(s.ndata, 16)) };
    }
    default:
      return { kind: 'unsupported', reason };
  }
}

/** A copy of `exit` whose data no longer aliases the kvm_run page. */
export function detachExit(exit: VcpuExit): VcpuExit {
  if (exit.kind === 'io' || exit.kind === 'mmio') return { ...exit, data: exit.data.slice() };
  return exit;
}
