/**
 * Time travel's view of a whole machine (issue 15): snapshots of everything
 * the guest's future depends on, restorable in any order. A backend that
 * can do it (emu: src/core/emu/machine-history.ts) offers it through
 * `Backend.timeTravel`; real KVM cannot (its vCPU state is the kernel's and
 * its clock is the host's), so time travel needs emu.
 */

/** One snapshot, held by whoever took it; `bytes` is what it costs on top of the others. */
export interface MachineSnapshot {
  /** Retired instructions (the machine's time) when it was taken. */
  readonly icount: number;
  readonly bytes: number;
}

export interface MachineHistory {
  /** Retired instructions since reset. */
  icount(): number;
  /**
   * Take a snapshot of the current state. Snapshots form one line in time:
   * after a restore, the snapshots later than the restored one must be
   * discarded before a new one is taken (the future forked).
   */
  snapshot(): MachineSnapshot;
  /** Bring the machine back to `s` exactly (between KVM_RUNs). */
  restore(s: MachineSnapshot): void;
  /** Forget `s` (its RAM pages still needed by the snapshots after it are kept for them). */
  discard(s: MachineSnapshot): void;
  /** The host wrote guest RAM directly (the emulated MMU never sees it): those pages belong to the next snapshot. */
  hostWrote(pa: number, len: number): void;
  /** Bytes held by all snapshots (RAM base copy included). */
  memoryBytes(): number;
}

/** The error for backends without time travel (said, never silently degraded). */
export const TIME_TRAVEL_NEEDS_EMU = 'time travel needs the emu backend (the kvm backend cannot snapshot or replay the machine exactly); switch with `backend emu` or start with --backend emu';
