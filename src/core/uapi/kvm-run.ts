/**
 * struct kvm_run (include/uapi/linux/kvm.h), x86: the page shared between
 * KVM_RUN and userspace, mmap'ed from the vCPU fd (or an ArrayBuffer of the
 * same bytes in the emulated backend).
 *
 * The exit union sits at offset 32 (`KVM_RUN_EXIT_OFFSET`). Each variant is
 * its own layout with offsets relative to the union, so
 * `kvmRunIo.get(page, 'port', KVM_RUN_EXIT_OFFSET)` reads run->io.port.
 */
import { array, at, bytes, struct, toDataView, u16, u32, u64, u8, type ByteSource, type LayoutValue } from './layout.ts';
import { kvmRegs, kvmSregs, kvmVcpuEvents } from './structs.ts';

export const KVM_RUN_EXIT_OFFSET = 32;
export const KVM_RUN_EXIT_SIZE = 256;
/** SYNC_REGS_SIZE_BYTES (linux/kvm.h). */
export const KVM_SYNC_REGS_SIZE = 2048;

export const kvmRun = struct('kvm_run', 2352, {
  request_interrupt_window: at(0, u8),
  immediate_exit: at(1, u8),
  exit_reason: at(8, u32),
  ready_for_interrupt_injection: at(12, u8),
  if_flag: at(13, u8),
  flags: at(14, u16),
  cr8: at(16, u64),
  apic_base: at(24, u64),
  exit: at(KVM_RUN_EXIT_OFFSET, bytes(KVM_RUN_EXIT_SIZE)),
  kvm_valid_regs: at(288, u64),
  kvm_dirty_regs: at(296, u64),
  s: at(304, bytes(KVM_SYNC_REGS_SIZE)),
});
export type KvmRun = LayoutValue<typeof kvmRun>;

/** run->hw, KVM_EXIT_UNKNOWN. */
export const kvmRunHw = struct('kvm_run.hw', KVM_RUN_EXIT_SIZE, {
  hardware_exit_reason: at(0, u64),
});

/** run->fail_entry, KVM_EXIT_FAIL_ENTRY. */
export const kvmRunFailEntry = struct('kvm_run.fail_entry', KVM_RUN_EXIT_SIZE, {
  hardware_entry_failure_reason: at(0, u64),
  cpu: at(8, u32),
});

/** run->ex, KVM_EXIT_EXCEPTION. */
export const kvmRunEx = struct('kvm_run.ex', KVM_RUN_EXIT_SIZE, {
  exception: at(0, u32),
  error_code: at(4, u32),
});

/** run->io, KVM_EXIT_IO. Data lives at run + data_offset (size × count bytes). */
export const kvmRunIo = struct('kvm_run.io', KVM_RUN_EXIT_SIZE, {
  direction: at(0, u8),
  size: at(1, u8),
  port: at(2, u16),
  count: at(4, u32),
  data_offset: at(8, u64),
});
export type KvmRunIo = LayoutValue<typeof kvmRunIo>;
export const KVM_EXIT_IO_IN = 0;
export const KVM_EXIT_IO_OUT = 1;

/** run->debug.arch (struct kvm_debug_exit_arch, asm/kvm.h), KVM_EXIT_DEBUG; bytes 4..7 are `pad`. Linux's struct ends at dr7. */
export const kvmRunDebug = struct('kvm_run.debug', KVM_RUN_EXIT_SIZE, {
  exception: at(0, u32),
  pc: at(8, u64),
  dr6: at(16, u64),
  dr7: at(24, u64),
});

/**
 * The vdbg extension KVM_CAP_X86_GUEST_DEBUG_CR3 (Yosry Ahmed's unmerged
 * proposal, uapi.md §5; docs/uapi-extensions.md): `__u64 cr3` appended to
 * kvm_debug_exit_arch, i.e. at run+64. Written with `set` on every
 * KVM_EXIT_DEBUG while the VM has the cap enabled, never otherwise (so it is
 * stale union bytes on real KVM and on emu without the cap).
 */
export const kvmRunDebugCr3 = struct('kvm_run.debug (cr3 extension)', KVM_RUN_EXIT_SIZE, {
  cr3: at(32, u64),
});
/** Absolute offset of the CR3 extension field in kvm_run (run+64). */
export const KVM_RUN_DEBUG_CR3_OFFSET = KVM_RUN_EXIT_OFFSET + 32;

/** run->mmio, KVM_EXIT_MMIO. */
export const kvmRunMmio = struct('kvm_run.mmio', KVM_RUN_EXIT_SIZE, {
  phys_addr: at(0, u64),
  data: at(8, bytes(8)),
  len: at(16, u32),
  is_write: at(20, u8),
});

/** run->internal, KVM_EXIT_INTERNAL_ERROR (data valid up to ndata). */
export const kvmRunInternal = struct('kvm_run.internal', KVM_RUN_EXIT_SIZE, {
  suberror: at(0, u32),
  ndata: at(4, u32),
  data: at(8, array(u64, 16)),
});

/** run->emulation_failure: overlay of `internal` for suberror KVM_INTERNAL_ERROR_EMULATION. */
export const kvmRunEmulationFailure = struct('kvm_run.emulation_failure', KVM_RUN_EXIT_SIZE, {
  suberror: at(0, u32),
  ndata: at(4, u32),
  flags: at(8, u64),
  insn_size: at(16, u8),
  insn_bytes: at(17, bytes(15)),
});
/** KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES. */
export const KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES = 1n;

/** run->system_event, KVM_EXIT_SYSTEM_EVENT. */
export const kvmRunSystemEvent = struct('kvm_run.system_event', KVM_RUN_EXIT_SIZE, {
  type: at(0, u32),
  ndata: at(4, u32),
  data: at(8, array(u64, 16)),
});

/** KVM_EXIT_* (include/uapi/linux/kvm.h). */
export const KvmExitReason = {
  UNKNOWN: 0,
  EXCEPTION: 1,
  IO: 2,
  HYPERCALL: 3,
  DEBUG: 4,
  HLT: 5,
  MMIO: 6,
  IRQ_WINDOW_OPEN: 7,
  SHUTDOWN: 8,
  FAIL_ENTRY: 9,
  INTR: 10,
  SET_TPR: 11,
  TPR_ACCESS: 12,
  NMI: 16,
  INTERNAL_ERROR: 17,
  SYSTEM_EVENT: 24,
  IOAPIC_EOI: 26,
  HYPERV: 27,
  X86_RDMSR: 29,
  X86_WRMSR: 30,
  DIRTY_RING_FULL: 31,
  AP_RESET_HOLD: 32,
  X86_BUS_LOCK: 33,
  XEN: 34,
  NOTIFY: 37,
  LOONGARCH_IOCSR: 38,
  MEMORY_FAULT: 39,
} as const;
export type KvmExitReason = (typeof KvmExitReason)[keyof typeof KvmExitReason];

const exitNames = new Map<number, string>(Object.entries(KvmExitReason).map(([k, v]) => [v, `KVM_EXIT_${k}`]));

/** "KVM_EXIT_HLT" for 5; "KVM_EXIT_<n>" for a number this table does not know. */
export function exitReasonName(reason: number): string {
  return exitNames.get(reason) ?? `KVM_EXIT_${reason}`;
}

/** The counter name of a KVM exit reason returned to userspace: `exit.hlt`, `exit.internal_error`, `exit.<n>` if unnamed. */
export function exitCounterName(reason: number): string {
  const name = exitNames.get(reason);
  return name ? `exit.${name.slice('KVM_EXIT_'.length).toLowerCase()}` : `exit.${reason}`;
}

/** KVM_INTERNAL_ERROR_* suberrors (linux/kvm.h). */
export const KvmInternalError = {
  EMULATION: 1,
  SIMUL_EX: 2,
  DELIVERY_EV: 3,
  UNEXPECTED_EXIT_REASON: 4,
} as const;

/** KVM_SYNC_X86_* bits of kvm_valid_regs / kvm_dirty_regs (asm/kvm.h; uapi.md §1.5). */
export const KvmSyncX86 = {
  REGS: 1 << 0,
  SREGS: 1 << 1,
  EVENTS: 1 << 2,
} as const;
/** KVM_SYNC_X86_VALID_FIELDS: any other bit makes KVM_RUN fail with EINVAL. */
export const KVM_SYNC_X86_VALID_FIELDS = 0x7;

/**
 * struct kvm_sync_regs (asm/kvm.h): the `s.regs` member of kvm_run's sync
 * union, at run+304 (`KVM_SYNC_REGS_OFFSET`): regs at run+304, sregs at
 * run+448 (cr3 at run+688), events at run+760.
 */
export const kvmSyncRegs = struct('kvm_sync_regs', 520, {
  regs: at(0, kvmRegs),
  sregs: at(144, kvmSregs),
  events: at(456, kvmVcpuEvents),
});
export type KvmSyncRegs = LayoutValue<typeof kvmSyncRegs>;
/** Offset of kvm_run.s (and of s.regs). */
export const KVM_SYNC_REGS_OFFSET = 304;
/** Absolute kvm_run offsets of the three synced structs. */
export const KVM_SYNC_REGS_REGS_OFFSET = KVM_SYNC_REGS_OFFSET;
export const KVM_SYNC_REGS_SREGS_OFFSET = KVM_SYNC_REGS_OFFSET + 144;
export const KVM_SYNC_REGS_EVENTS_OFFSET = KVM_SYNC_REGS_OFFSET + 456;

/**
 * vdbg extension KVM_CAP_SYNC_REGS_CONDITIONAL (Sean Christopherson's
 * counter-proposal, uapi.md §5; docs/uapi-extensions.md): this flag in
 * kvm_valid_regs makes the store of the requested classes conditional on
 * the exit reason's bit in `kvm_save_regs_on_exit`. Accepted by KVM_RUN only
 * when the VM enabled the cap; otherwise EINVAL like any bit outside 0x7.
 */
export const KVM_SYNC_REGS_CONDITIONAL = 1n << 63n;

/**
 * `__u64 kvm_save_regs_on_exit[16]` (1024 bits, bit n = exit reason n),
 * appended right after the `s` union at run+2352 (vdbg extension; the
 * emulated kvm_run is 4096 bytes, KVM_GET_VCPU_MMAP_SIZE).
 */
export const KVM_SAVE_REGS_ON_EXIT_OFFSET = 2352;
export const KVM_SAVE_REGS_ON_EXIT_WORDS = 16;
export const kvmSaveRegsOnExit = struct('kvm_run.kvm_save_regs_on_exit', 128, {
  bits: at(0, array(u64, KVM_SAVE_REGS_ON_EXIT_WORDS)),
});

/** Whether exit reason `reason`'s bit is set in the kvm_save_regs_on_exit bitmap of a kvm_run page. */
export function saveRegsOnExitBit(page: ByteSource, reason: number): boolean {
  if (reason < 0 || reason >= KVM_SAVE_REGS_ON_EXIT_WORDS * 64) return false;
  const word = toDataView(page).getBigUint64(KVM_SAVE_REGS_ON_EXIT_OFFSET + 8 * (reason >>> 6), true);
  return ((word >> BigInt(reason & 63)) & 1n) === 1n;
}

/** Sets or clears exit reason `reason`'s bit in the kvm_save_regs_on_exit bitmap of a kvm_run page. */
export function setSaveRegsOnExitBit(page: ByteSource, reason: number, on: boolean): void {
  if (reason < 0 || reason >= KVM_SAVE_REGS_ON_EXIT_WORDS * 64) throw new RangeError(`exit reason ${reason} outside the 1024-bit bitmap`);
  const v = toDataView(page);
  const off = KVM_SAVE_REGS_ON_EXIT_OFFSET + 8 * (reason >>> 6);
  const bit = 1n << BigInt(reason & 63);
  const word = v.getBigUint64(off, true);
  v.setBigUint64(off, on ? word | bit : word & ~bit, true);
}

/**
 * vdbg extension KVM_CAP_VDBG_INSN_BUDGET (docs/uapi-extensions.md §3):
 * `__u64 insn_budget` right after kvm_save_regs_on_exit, at run+2480. With the
 * cap enabled on the VM and the field non-zero at KVM_RUN, the vCPU retires at
 * most that many guest instructions; the field is decremented by the
 * instructions retired in this KVM_RUN (written back at every return). When it
 * reaches 0 KVM_RUN returns EINTR with exit_reason KVM_EXIT_INTR, as for a
 * kick: userspace tells the two apart by the field (0: the budget ran out).
 * 0 at entry means no budget.
 */
export const KVM_RUN_INSN_BUDGET_OFFSET = KVM_SAVE_REGS_ON_EXIT_OFFSET + 128;
export const kvmRunInsnBudget = struct('kvm_run.insn_budget', 8, {
  insn_budget: at(0, u64),
});
