/**
 * A 64-bit long-mode machine, ready to run at CPL0 from its first
 * instruction, for both backends: this writes the GDT, TSS and page tables
 * into guest memory and returns the register state that goes with them.
 *
 * Guest-physical map (everything the builder owns is below 0x10000):
 *
 *   0x0000-0x0fff  untouched by the CPU (zeroed)
 *   0x1000         GDT, 7 slots (BOOT_GDT_ADDR)
 *   0x1100         64-bit TSS, 104 bytes, no I/O bitmap (BOOT_TSS_ADDR)
 *   0x2000-0x2fff  IDT, 256 × 16-byte gates, left zeroed for tests to fill (BOOT_IDT_ADDR)
 *   0x3000         PML4    0x4000 PDPT    0x5000 PD (1 GiB in 2 MiB pages)
 *   0x6000         PT for the low 2 MiB in 4 KiB pages (so tests can unmap one page)
 *   0x7000-0x7fff  ring-0 stack for CPL3 → CPL0 events, TSS.RSP0 = 0x8000 (BOOT_RSP0)
 *   0x8000-0xffff  initial stack, RSP = 0x10000 (BOOT_STACK_TOP)
 *   0x10000        default entry point (BOOT_CODE_ADDR)
 *
 * The first 1 GiB of linear addresses is identity-mapped, present + writable,
 * executable, and user-accessible only with `user: true`. Accessed and Dirty
 * bits are preset in every entry so neither CPU writes to the page tables
 * while running (keeps guest memory comparable between emu and KVM).
 * GDT descriptors are preset Accessed for the same reason.
 */
import type { MachineState, Segment } from './state.ts';

export const BOOT_GDT_ADDR = 0x1000;
export const BOOT_TSS_ADDR = 0x1100;
export const BOOT_TSS_SIZE = 104;
export const BOOT_IDT_ADDR = 0x2000;
export const BOOT_IDT_LIMIT = 256 * 16 - 1;
export const BOOT_PML4_ADDR = 0x3000;
export const BOOT_PDPT_ADDR = 0x4000;
export const BOOT_PD_ADDR = 0x5000;
export const BOOT_PT_ADDR = 0x6000;
export const BOOT_RSP0 = 0x8000;
export const BOOT_STACK_TOP = 0x10000;
/** End of the builder's area; `writeLongModeTables` zeroes [0, BOOT_TABLES_END). */
export const BOOT_TABLES_END = 0x10000;
export const BOOT_CODE_ADDR = 0x10000;
export const BOOT_MAPPED_BYTES = 1 << 30;
export const BOOT_DEFAULT_MEM_SIZE = 16 << 20;

/**
 * GDT selectors. The order (kernel code, kernel data, user data, user code)
 * is what SYSCALL/SYSRET need, see BOOT_STAR.
 */
export const SEL_KERNEL_CODE = 0x08;
export const SEL_KERNEL_DATA = 0x10;
export const SEL_USER_DATA = 0x18 | 3;
export const SEL_USER_CODE = 0x20 | 3;
export const SEL_TSS = 0x28;
export const BOOT_GDT_LIMIT = 7 * 8 - 1;

/**
 * IA32_STAR (MSR 0xC0000081) matching this GDT, for tests that use
 * SYSCALL/SYSRET (the guest or runOnKvm's `msrs` must write it):
 *   bits 47:32 = 0x08: SYSCALL loads CS = 0x08, SS = 0x08 + 8 = 0x10;
 *   bits 63:48 = 0x10: 64-bit SYSRET loads CS = (0x10 + 16) | 3 = 0x23,
 *                      SS = (0x10 + 8) | 3 = 0x1b.
 * A 32-bit SYSRET would load CS = 0x10 | 3, which is not a code segment
 * here: only 64-bit SYSRET (REX.W) is supported by this layout.
 */
export const BOOT_STAR = (0x10n << 48n) | (0x08n << 32n);
export const MSR_STAR = 0xc0000081;
export const MSR_LSTAR = 0xc0000082;
export const MSR_FMASK = 0xc0000084;

/** PE | MP | ET | NE | WP | AM | PG */
export const BOOT_CR0 = 0x80050033n;
/** PAE | OSFXSR | OSXMMEXCPT | OSXSAVE */
export const BOOT_CR4 = 0x40620n;
/** SCE | LME | LMA | NXE */
export const BOOT_EFER = 0xd01n;
/** Bit 1 of RFLAGS reads as 1. */
export const BOOT_RFLAGS = 0x2n;

export interface LongModeOptions {
  /** Set U/S in every paging level so CPL3 code can use all mapped memory. Default false. */
  user?: boolean;
  /** Initial RIP. Default BOOT_CODE_ADDR. */
  entry?: bigint;
  /** Initial RSP. Default BOOT_STACK_TOP. */
  stackTop?: bigint;
}

// Page-table entry bits (Intel SDM vol. 3 §4.5).
const PTE_P = 0x1n;
const PTE_RW = 0x2n;
const PTE_US = 0x4n;
const PTE_A = 0x20n;
const PTE_D = 0x40n;
const PTE_PS = 0x80n;

export interface Descriptor {
  selector: number;
  access: number; // P | DPL | S | type
  flags: number; // G | D/B | L | AVL
}
const DESC_KERNEL_CODE: Descriptor = { selector: SEL_KERNEL_CODE, access: 0x9b, flags: 0xa };
const DESC_KERNEL_DATA: Descriptor = { selector: SEL_KERNEL_DATA, access: 0x93, flags: 0xc };
const DESC_USER_DATA: Descriptor = { selector: SEL_USER_DATA, access: 0xf3, flags: 0xc };
const DESC_USER_CODE: Descriptor = { selector: SEL_USER_CODE, access: 0xfb, flags: 0xa };
/** 64-bit TSS, busy (type 0xB): TR is loaded with it, as after LTR. */
export const TSS_ACCESS = 0x8b;

/** The hidden segment state a CPU caches after loading one of the flat descriptors. */
export function flatSegment(d: Descriptor): Segment {
  return {
    base: 0n,
    limit: 0xffffffff,
    selector: d.selector,
    type: d.access & 0xf,
    present: (d.access >> 7) & 1,
    dpl: (d.access >> 5) & 3,
    db: (d.flags >> 2) & 1,
    s: (d.access >> 4) & 1,
    l: (d.flags >> 1) & 1,
    g: (d.flags >> 3) & 1,
    avl: d.flags & 1,
    unusable: 0,
  };
}

/** Fresh copies of the segment states that go with the boot GDT (for CPL3 tests or MOV SS checks). */
export function bootSegments(): Record<'kernelCode' | 'kernelData' | 'userCode' | 'userData' | 'tss' | 'ldt', Segment> {
  return {
    kernelCode: flatSegment(DESC_KERNEL_CODE),
    kernelData: flatSegment(DESC_KERNEL_DATA),
    userCode: flatSegment(DESC_USER_CODE),
    userData: flatSegment(DESC_USER_DATA),
    tss: {
      base: BigInt(BOOT_TSS_ADDR), limit: BOOT_TSS_SIZE - 1, selector: SEL_TSS, type: TSS_ACCESS & 0xf,
      present: 1, dpl: 0, db: 0, s: 0, l: 0, g: 0, avl: 0, unusable: 0,
    },
    // No LDT: selector 0, marked unusable (as KVM's selftests set it up).
    ldt: { base: 0n, limit: 0, selector: 0, type: 0, present: 0, dpl: 0, db: 0, s: 0, l: 0, g: 0, avl: 0, unusable: 1 },
  };
}

/** The register state that goes with the tables `writeLongModeTables` writes. */
export function longModeState(opts: LongModeOptions = {}): MachineState {
  const seg = bootSegments();
  const zero = 0n;
  return {
    regs: {
      rax: zero, rbx: zero, rcx: zero, rdx: zero, rsi: zero, rdi: zero,
      rsp: opts.stackTop ?? BigInt(BOOT_STACK_TOP), rbp: zero,
      r8: zero, r9: zero, r10: zero, r11: zero, r12: zero, r13: zero, r14: zero, r15: zero,
      rip: opts.entry ?? BigInt(BOOT_CODE_ADDR),
      rflags: BOOT_RFLAGS,
    },
    sregs: {
      cs: seg.kernelCode,
      ds: seg.kernelData,
      es: { ...seg.kernelData },
      fs: { ...seg.kernelData },
      gs: { ...seg.kernelData },
      ss: { ...seg.kernelData },
      tr: seg.tss,
      ldt: seg.ldt,
      gdt: { base: BigInt(BOOT_GDT_ADDR), limit: BOOT_GDT_LIMIT },
      idt: { base: BigInt(BOOT_IDT_ADDR), limit: BOOT_IDT_LIMIT },
      cr0: BOOT_CR0,
      cr2: zero,
      cr3: BigInt(BOOT_PML4_ADDR),
      cr4: BOOT_CR4,
      cr8: zero,
      efer: BOOT_EFER,
    },
  };
}

/**
 * Zeroes [0, BOOT_TABLES_END) of `memory` and writes the GDT, TSS and page
 * tables there; the rest of `memory` is left as it is. Returns the matching state.
 */
export function writeLongModeTables(memory: Uint8Array, opts: LongModeOptions = {}): MachineState {
  if (memory.length < BOOT_TABLES_END) {
    throw new RangeError(`guest memory of ${memory.length} bytes is smaller than the boot tables (0x${BOOT_TABLES_END.toString(16)})`);
  }
  memory.fill(0, 0, BOOT_TABLES_END);
  const v = new DataView(memory.buffer, memory.byteOffset, BOOT_TABLES_END);
  writeGdt(v);
  writeTss(v);
  writePageTables(v, opts.user ?? false);
  return longModeState(opts);
}

/** Allocates `memSize` bytes of guest memory (default 16 MiB) and writes the tables into it. */
export function buildLongMode(opts: LongModeOptions & { memSize?: number } = {}): { memory: Uint8Array; state: MachineState } {
  const memory = new Uint8Array(opts.memSize ?? BOOT_DEFAULT_MEM_SIZE);
  return { memory, state: writeLongModeTables(memory, opts) };
}

export function descriptorBits(base: number, limit: number, access: number, flags: number): bigint {
  const b = BigInt(base);
  const l = BigInt(limit);
  return (
    (l & 0xffffn) |
    ((b & 0xffffffn) << 16n) |
    (BigInt(access) << 40n) |
    (((l >> 16n) & 0xfn) << 48n) |
    (BigInt(flags) << 52n) |
    (((b >> 24n) & 0xffn) << 56n)
  );
}

function writeGdt(v: DataView): void {
  for (const d of [DESC_KERNEL_CODE, DESC_KERNEL_DATA, DESC_USER_DATA, DESC_USER_CODE]) {
    v.setBigUint64(BOOT_GDT_ADDR + (d.selector & ~7), descriptorBits(0, 0xfffff, d.access, d.flags), true);
  }
  // A 64-bit TSS descriptor takes two slots; the second holds base 63:32.
  v.setBigUint64(BOOT_GDT_ADDR + SEL_TSS, descriptorBits(BOOT_TSS_ADDR, BOOT_TSS_SIZE - 1, TSS_ACCESS, 0), true);
  v.setBigUint64(BOOT_GDT_ADDR + SEL_TSS + 8, 0n, true);
}

function writeTss(v: DataView): void {
  v.setBigUint64(BOOT_TSS_ADDR + 4, BigInt(BOOT_RSP0), true); // RSP0
  v.setUint16(BOOT_TSS_ADDR + 102, BOOT_TSS_SIZE, true); // I/O map base beyond the limit: no bitmap
}

function writePageTables(v: DataView, user: boolean): void {
  const table = PTE_P | PTE_RW | PTE_A | (user ? PTE_US : 0n);
  const leaf = table | PTE_D;
  v.setBigUint64(BOOT_PML4_ADDR, BigInt(BOOT_PDPT_ADDR) | table, true);
  v.setBigUint64(BOOT_PDPT_ADDR, BigInt(BOOT_PD_ADDR) | table, true);
  v.setBigUint64(BOOT_PD_ADDR, BigInt(BOOT_PT_ADDR) | table, true);
  for (let i = 1; i < 512; i++) {
    v.setBigUint64(BOOT_PD_ADDR + i * 8, (BigInt(i) << 21n) | leaf | PTE_PS, true);
  }
  for (let i = 0; i < 512; i++) {
    v.setBigUint64(BOOT_PT_ADDR + i * 8, (BigInt(i) << 12n) | leaf, true);
  }
}
