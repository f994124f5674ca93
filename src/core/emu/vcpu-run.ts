/**
 * The vocabulary of an emulated vCPU's KVM_RUN loop (vcpu.ts `runLoop`):
 * where the run stands, and how it shares the host thread.
 *
 * The run state is firecracker's `VcpuRunState` (vstate/vcpu.rs): Running
 * (entering and running the guest), Paused (the host thread handed back to
 * the event loop, only in runAsync) or Finished (KVM_RUN returns, with the
 * errno it fails with, 0 for an exit to userspace). The exit handlers
 * (vcpu-exits.ts) return the state the run goes on in.
 *
 * One loop serves both drivers: runSync holds the thread until KVM_RUN
 * returns (`SYNC_PACING`), runAsync lets timers, input and signals (a TUI's
 * key, Ctrl-C) in between VM-exits and inside long slices (`ASYNC_PACING`).
 */

export interface Running {
  readonly kind: 'running';
}

/**
 * Why a runAsync KVM_RUN handed the host thread back:
 * - 'preempted': inside a slice, in guest mode, without a VM-exit, after
 *   holding the event loop YIELD_MS;
 * - 'exited': between a VM-exit handled inside and the next entry;
 * - 'halted': HLT with nothing that can wake the vCPU (in-kernel irqchip):
 *   blocked as by kvm_vcpu_block until a kick or KVM_IRQ_LINE.
 */
export type PauseReason = 'preempted' | 'exited' | 'halted';

export interface Paused {
  readonly kind: 'paused';
  readonly why: PauseReason;
}

export interface Finished {
  readonly kind: 'finished';
  /** What KVM_RUN fails with (EINTR…); 0: it returns to userspace with kvm_run filled. */
  readonly errno: number;
}

export type VcpuRunState = Running | Paused | Finished;

export const RUNNING: Running = { kind: 'running' };
export const PREEMPTED: Paused = { kind: 'paused', why: 'preempted' };
export const EXITED: Paused = { kind: 'paused', why: 'exited' };
export const HALTED: Paused = { kind: 'paused', why: 'halted' };
/** KVM_RUN returns 0: the exit is in kvm_run (also the state of a vCPU no KVM_RUN is in). */
export const TO_USER: Finished = { kind: 'finished', errno: 0 };

export function failed(errno: number): Finished {
  return { kind: 'finished', errno };
}

/** How a KVM_RUN shares the host thread. */
export interface Pacing {
  /** Instructions of guest time per guest entry: the VM-exit the emulator takes to breathe (preemption-timer-like). */
  readonly slice: number;
  /** Instructions between looks at the host clock inside a slice (a chunk as large as the slice: never). */
  readonly chunk: number;
  /** Pauses between VM-exits and while halted; false: KVM_RUN holds the thread until it returns. */
  readonly pauses: boolean;
}

export const SYNC_PACING: Pacing = { slice: 1 << 22, chunk: 1 << 22, pauses: false };
/**
 * runAsync pauses inside a slice, in guest mode, without a VM-exit — the
 * guest and every counter see the same run whatever the host's speed (a
 * slice of 1M instructions takes ~20 ms here). Guest time is looked at
 * every 32K instructions (the chunk).
 */
export const ASYNC_PACING: Pacing = { slice: 1 << 20, chunk: 1 << 15, pauses: true };

/** Longest runAsync holds the event loop (ms of wall clock) before pausing inside a slice. */
const YIELD_MS = 4;

/** When the run last handed the host thread back. */
export class HostClock {
  private last = performance.now();

  /** The run has held the event loop YIELD_MS since its last pause. */
  due(): boolean {
    return performance.now() - this.last >= YIELD_MS;
  }

  /** The run got the thread back. */
  resumed(): void {
    this.last = performance.now();
  }
}

/** Resolves after one turn of the event loop (timers, I/O, signals). */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
