/**
 * The architectural state a test or the boot builder hands to a backend,
 * independent of both: the emulator loads it into its CPU, the kvm backend
 * into KVM_SET_REGS / KVM_SET_SREGS. Field names and types match the uAPI
 * structs (kvm_regs, kvm_segment, kvm_dtable, kvm_sregs) so a value converts
 * to them without renaming.
 */

/** A segment register with its hidden part, as struct kvm_segment holds it. */
export interface Segment {
  base: bigint;
  limit: number;
  selector: number;
  /** descriptor type nibble (e.g. 0xB = code execute/read accessed, 0x3 = data read/write accessed, 0xB busy 64-bit TSS when s=0) */
  type: number;
  present: number;
  dpl: number;
  /** D/B: default operand size (must be 0 for a 64-bit code segment) */
  db: number;
  /** 1 = code/data, 0 = system (TSS, LDT) */
  s: number;
  /** 64-bit code segment */
  l: number;
  /** granularity: limit in 4 KiB units */
  g: number;
  avl: number;
  unusable: number;
}

/** GDTR / IDTR. */
export interface DescriptorTable {
  base: bigint;
  limit: number;
}

/** General registers in struct kvm_regs order. */
export interface Regs {
  rax: bigint;
  rbx: bigint;
  rcx: bigint;
  rdx: bigint;
  rsi: bigint;
  rdi: bigint;
  rsp: bigint;
  rbp: bigint;
  r8: bigint;
  r9: bigint;
  r10: bigint;
  r11: bigint;
  r12: bigint;
  r13: bigint;
  r14: bigint;
  r15: bigint;
  rip: bigint;
  rflags: bigint;
}

export const REG_NAMES = [
  'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rsp', 'rbp',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
  'rip', 'rflags',
] as const satisfies readonly (keyof Regs)[];

export interface SRegs {
  cs: Segment;
  ds: Segment;
  es: Segment;
  fs: Segment;
  gs: Segment;
  ss: Segment;
  tr: Segment;
  ldt: Segment;
  gdt: DescriptorTable;
  idt: DescriptorTable;
  cr0: bigint;
  cr2: bigint;
  cr3: bigint;
  cr4: bigint;
  cr8: bigint;
  efer: bigint;
}

export const SEGMENT_NAMES = ['cs', 'ds', 'es', 'fs', 'gs', 'ss', 'tr', 'ldt'] as const satisfies readonly (keyof SRegs)[];

export interface MachineState {
  regs: Regs;
  sregs: SRegs;
  /** x87 and XMM state as struct kvm_fpu (KVM_SET_FPU); absent: left as the vCPU has it (its reset state). */
  fpu?: Uint8Array;
}
