/**
 * Fixed-size x86 KVM uAPI structs, byte-exact with Linux
 * (arch/x86/include/uapi/asm/kvm.h, include/uapi/linux/kvm.h).
 * Field names are the C names so they can be grepped against the headers.
 * Shared by the /dev/kvm backend and the emulated one.
 */
import { array, at, struct, u16, u32, u64, u8, type LayoutValue } from './layout.ts';

/** struct kvm_regs (asm/kvm.h): 18 × __u64, note the order is not VCPU_REGS_* order. */
export const kvmRegs = struct('kvm_regs', 144, {
  rax: at(0, u64),
  rbx: at(8, u64),
  rcx: at(16, u64),
  rdx: at(24, u64),
  rsi: at(32, u64),
  rdi: at(40, u64),
  rsp: at(48, u64),
  rbp: at(56, u64),
  r8: at(64, u64),
  r9: at(72, u64),
  r10: at(80, u64),
  r11: at(88, u64),
  r12: at(96, u64),
  r13: at(104, u64),
  r14: at(112, u64),
  r15: at(120, u64),
  rip: at(128, u64),
  rflags: at(136, u64),
});
export type KvmRegs = LayoutValue<typeof kvmRegs>;

/** struct kvm_segment (asm/kvm.h); byte 23 is `padding`. */
export const kvmSegment = struct('kvm_segment', 24, {
  base: at(0, u64),
  limit: at(8, u32),
  selector: at(12, u16),
  type: at(14, u8),
  present: at(15, u8),
  dpl: at(16, u8),
  db: at(17, u8),
  s: at(18, u8),
  l: at(19, u8),
  g: at(20, u8),
  avl: at(21, u8),
  unusable: at(22, u8),
});
export type KvmSegment = LayoutValue<typeof kvmSegment>;

/** struct kvm_dtable (asm/kvm.h); bytes 10..15 are `padding[3]`. */
export const kvmDtable = struct('kvm_dtable', 16, {
  base: at(0, u64),
  limit: at(8, u16),
});
export type KvmDtable = LayoutValue<typeof kvmDtable>;

/** struct kvm_sregs (asm/kvm.h). interrupt_bitmap is `__u64[(KVM_NR_INTERRUPTS + 63) / 64]` = 4. */
export const kvmSregs = struct('kvm_sregs', 312, {
  cs: at(0, kvmSegment),
  ds: at(24, kvmSegment),
  es: at(48, kvmSegment),
  fs: at(72, kvmSegment),
  gs: at(96, kvmSegment),
  ss: at(120, kvmSegment),
  tr: at(144, kvmSegment),
  ldt: at(168, kvmSegment),
  gdt: at(192, kvmDtable),
  idt: at(208, kvmDtable),
  cr0: at(224, u64),
  cr2: at(232, u64),
  cr3: at(240, u64),
  cr4: at(248, u64),
  cr8: at(256, u64),
  efer: at(264, u64),
  apic_base: at(272, u64),
  interrupt_bitmap: at(280, array(u64, 4)),
});
export type KvmSregs = LayoutValue<typeof kvmSregs>;

/** struct kvm_userspace_memory_region (linux/kvm.h), argument of KVM_SET_USER_MEMORY_REGION. */
export const kvmUserspaceMemoryRegion = struct('kvm_userspace_memory_region', 32, {
  slot: at(0, u32),
  flags: at(4, u32),
  guest_phys_addr: at(8, u64),
  memory_size: at(16, u64),
  userspace_addr: at(24, u64),
});
export type KvmUserspaceMemoryRegion = LayoutValue<typeof kvmUserspaceMemoryRegion>;

/** struct kvm_guest_debug (linux/kvm.h + asm/kvm.h kvm_guest_debug_arch); bytes 4..7 are `pad`. */
export const kvmGuestDebug = struct('kvm_guest_debug', 72, {
  control: at(0, u32),
  debugreg: at(8, array(u64, 8)),
});
export type KvmGuestDebug = LayoutValue<typeof kvmGuestDebug>;

/** KVM_GUESTDBG_* control flags of kvm_guest_debug (linux/kvm.h + asm/kvm.h; uapi.md §1.2). */
export const KvmGuestDbg = {
  ENABLE: 0x00000001,
  SINGLESTEP: 0x00000002,
  USE_SW_BP: 0x00010000,
  USE_HW_BP: 0x00020000,
  INJECT_DB: 0x00040000,
  INJECT_BP: 0x00080000,
  BLOCKIRQ: 0x00100000,
} as const;
/** KVM_GUESTDBG_VALID_MASK on x86 (what KVM_CAP_SET_GUEST_DEBUG2 returns). */
export const KVM_GUESTDBG_VALID_MASK = 0x001f0003;

/** struct kvm_debugregs (asm/kvm.h; uapi.md §1.4): guest DR0–3, DR6, DR7; flags must be 0; bytes 56..127 are `reserved[9]`. */
export const kvmDebugregs = struct('kvm_debugregs', 128, {
  db: at(0, array(u64, 4)),
  dr6: at(32, u64),
  dr7: at(40, u64),
  flags: at(48, u64),
});
export type KvmDebugregs = LayoutValue<typeof kvmDebugregs>;

/** struct kvm_xcr (asm/kvm.h); bytes 4..7 are `reserved`. */
export const kvmXcr = struct('kvm_xcr', 16, {
  xcr: at(0, u32),
  value: at(8, u64),
});
export type KvmXcr = LayoutValue<typeof kvmXcr>;

/** KVM_MAX_XCRS (asm/kvm.h). */
export const KVM_MAX_XCRS = 16;

/** struct kvm_xcrs (asm/kvm.h; uapi.md §1.7); bytes 264..391 are `padding[16]`. */
export const kvmXcrs = struct('kvm_xcrs', 392, {
  nr_xcrs: at(0, u32),
  flags: at(4, u32),
  xcrs: at(8, array(kvmXcr, KVM_MAX_XCRS)),
});
export type KvmXcrs = LayoutValue<typeof kvmXcrs>;

/** kvm_vcpu_events.exception. */
export const kvmVcpuEventsException = struct('kvm_vcpu_events.exception', 8, {
  injected: at(0, u8),
  nr: at(1, u8),
  has_error_code: at(2, u8),
  pending: at(3, u8),
  error_code: at(4, u32),
});
/** kvm_vcpu_events.interrupt. */
export const kvmVcpuEventsInterrupt = struct('kvm_vcpu_events.interrupt', 4, {
  injected: at(0, u8),
  nr: at(1, u8),
  soft: at(2, u8),
  shadow: at(3, u8),
});
/** kvm_vcpu_events.nmi; byte 3 is `pad`. */
export const kvmVcpuEventsNmi = struct('kvm_vcpu_events.nmi', 4, {
  injected: at(0, u8),
  pending: at(1, u8),
  masked: at(2, u8),
});
/** kvm_vcpu_events.smi. */
export const kvmVcpuEventsSmi = struct('kvm_vcpu_events.smi', 4, {
  smm: at(0, u8),
  pending: at(1, u8),
  smm_inside_nmi: at(2, u8),
  latched_init: at(3, u8),
});

/** kvm_vcpu_events.triple_fault (KVM_CAP_X86_TRIPLE_FAULT_EVENT). */
export const kvmVcpuEventsTripleFault = struct('kvm_vcpu_events.triple_fault', 1, {
  pending: at(0, u8),
});

/**
 * struct kvm_vcpu_events (arch/x86/include/uapi/asm/kvm.h), 64 bytes. Bytes
 * 29..54 are `reserved[26]`; `triple_fault.pending` is byte 28.
 */
export const kvmVcpuEvents = struct('kvm_vcpu_events', 64, {
  exception: at(0, kvmVcpuEventsException),
  interrupt: at(8, kvmVcpuEventsInterrupt),
  nmi: at(12, kvmVcpuEventsNmi),
  sipi_vector: at(16, u32),
  flags: at(20, u32),
  smi: at(24, kvmVcpuEventsSmi),
  triple_fault: at(28, kvmVcpuEventsTripleFault),
  exception_has_payload: at(55, u8),
  exception_payload: at(56, u64),
});
export type KvmVcpuEvents = LayoutValue<typeof kvmVcpuEvents>;

/** KVM_VCPUEVENT_VALID_* bits of kvm_vcpu_events.flags (asm/kvm.h). */
export const KvmVcpuEventValid = {
  NMI_PENDING: 0x01,
  SIPI_VECTOR: 0x02,
  SHADOW: 0x04,
  SMM: 0x08,
  PAYLOAD: 0x10,
  TRIPLE_FAULT: 0x20,
} as const;

/** struct kvm_enable_cap (linux/kvm.h), argument of KVM_ENABLE_CAP; bytes 40..103 are `pad[64]`. */
export const kvmEnableCap = struct('kvm_enable_cap', 104, {
  cap: at(0, u32),
  flags: at(4, u32),
  args: at(8, array(u64, 4)),
});
export type KvmEnableCap = LayoutValue<typeof kvmEnableCap>;

/**
 * struct kvm_lapic_state (arch/x86/include/uapi/asm/kvm.h), KVM_GET/SET_LAPIC:
 * `char regs[KVM_APIC_REG_SIZE]`, the first 1 KiB of the xAPIC register page
 * (register at offset R: the little-endian u32 at R; src/core/emu/devices/lapic.ts).
 */
export const KVM_LAPIC_STATE_SIZE = 0x400;

/** struct kvm_pit_config (linux/kvm.h), argument of KVM_CREATE_PIT2; bytes 4..63 are `pad[15]`. */
export const kvmPitConfig = struct('kvm_pit_config', 64, {
  flags: at(0, u32),
});
export type KvmPitConfig = LayoutValue<typeof kvmPitConfig>;
/** KVM_PIT_SPEAKER_DUMMY: kvm_pit_config.flags bit, a dummy speaker port 0x61. */
export const KVM_PIT_SPEAKER_DUMMY = 1;

/** struct kvm_irq_level (linux/kvm.h), argument of KVM_IRQ_LINE: `irq` (a union with `__s32 status`), `level`. */
export const kvmIrqLevel = struct('kvm_irq_level', 8, {
  irq: at(0, u32),
  level: at(4, u32),
});
export type KvmIrqLevel = LayoutValue<typeof kvmIrqLevel>;

/** struct kvm_interrupt (linux/kvm.h), argument of KVM_INTERRUPT (userspace irqchip only). */
export const kvmInterrupt = struct('kvm_interrupt', 4, {
  irq: at(0, u32),
});
export type KvmInterrupt = LayoutValue<typeof kvmInterrupt>;

/** struct kvm_mp_state (KVM_GET_MP_STATE, KVM_CAP_MP_STATE). */
export const kvmMpState = struct('kvm_mp_state', 4, {
  mp_state: at(0, u32),
});

/** KVM_MP_STATE_* (linux/kvm.h): RUNNABLE, or HALTED after HLT until an event wakes the vCPU. */
export const KvmMpState = { RUNNABLE: 0, UNINITIALIZED: 1, INIT_RECEIVED: 2, HALTED: 3, SIPI_RECEIVED: 4 } as const;
