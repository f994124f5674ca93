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
