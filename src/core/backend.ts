/**
 * A hypervisor backend: KVM's file-descriptor and ioctl surface, byte for
 * byte (style.md, src/core §1). The uAPI classes (src/core/api: Kvm, VmFd,
 * VcpuFd — one method per ioctl) are written once over this interface, so
 * both backends receive exactly the same request numbers and struct bytes:
 *
 * - `kvm` (src/core/kvm): the machine's /dev/kvm through koffi;
 * - `emu` (src/core/emu): the emulated hypervisor over src/emu, which decodes
 *   the same bytes with the same layouts (src/core/uapi) and answers with the
 *   errno the kernel gives for the same misuse.
 *
 * Every failure throws `KvmError` (src/core/uapi/errors.ts) with the errno.
 */
import type { MachineHistory } from './time-travel/history.ts';

export type BackendName = 'emu' | 'kvm';

/** Guest RAM as userspace sees it: the address that goes into kvm_userspace_memory_region, and a zero-copy view. */
export interface GuestMemory {
  readonly addr: bigint;
  readonly bytes: Uint8Array;
}

export interface Backend {
  readonly name: BackendName;
  /** open("/dev/kvm"): the system fd. */
  openSystem(): number;
  /**
   * ioctl(fd, request, arg). `arg` is the struct buffer the request reads
   * and/or fills (its length is the struct size in the request number, or the
   * flexible-array size for kvm_cpuid2/kvm_msrs), an integer argument, or
   * nothing. Returns the ioctl's non-negative result.
   */
  ioctl(fd: number, request: number, arg?: Uint8Array | number | bigint | null): number;
  /**
   * The same for a request that may block for long (KVM_RUN): the caller's
   * event loop keeps running meanwhile (a worker thread on kvm; slices of
   * emulation between event-loop turns on emu).
   */
  ioctlAsync(fd: number, request: number, arg?: Uint8Array | number | bigint | null): Promise<number>;
  /** mmap(vcpu fd): the kvm_run page(s), KVM_GET_VCPU_MMAP_SIZE bytes, shared with the backend. */
  mapRun(vcpuFd: number, size: number): DataView;
  /** Anonymous, zeroed memory for guest RAM (mmap MAP_ANONYMOUS on kvm, an ArrayBuffer on emu). */
  allocMemory(size: number): GuestMemory;
  /** Release memory from allocMemory (after the VM that used it is closed). */
  freeMemory(mem: GuestMemory): void;
  /**
   * Interrupt a KVM_RUN in progress on `vcpuFd` (a signal to the thread in
   * KVM_RUN on kvm; a stop request to the emulated CPU on emu), so that it
   * returns EINTR / KVM_EXIT_INTR. Userspace sets kvm_run.immediate_exit
   * first, so a KVM_RUN about to start returns at once too.
   */
  kick(vcpuFd: number): void;
  /**
   * The backend's own counters for an fd (see counters.ts): on emu every
   * decision the hypervisor makes (exits by reason, DR intercepts, lazy DR
   * loads/saves, XCR0 writes, R16–R31 swaps, registers synced…); on kvm what
   * userspace can observe. Ioctls by kind are counted by the uAPI classes.
   */
  counters(fd: number): Readonly<Record<string, number>>;
  /**
   * Snapshots and restores of the whole machine a vCPU fd runs in (time
   * travel, issue 15). Only emu has it: on kvm it is absent, and callers say
   * that time travel needs emu (TIME_TRAVEL_NEEDS_EMU).
   */
  timeTravel?(vcpuFd: number): MachineHistory;
  /** Turn the emulator's JIT on or off for a vCPU fd (`set jit`); only emu has one. */
  setJit?(vcpuFd: number, on: boolean): void;
  /**
   * The JIT's counters for a vCPU fd (jit.*, src/emu/jit/stats.ts). Kept apart
   * from `counters`: they are the host's performance figures, not decisions of
   * the hypervisor, and differ with the JIT on and off while everything else
   * must not.
   */
  jitCounters?(vcpuFd: number): Readonly<Record<string, number>>;
  close(fd: number): void;
}
