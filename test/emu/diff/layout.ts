/**
 * Guest layout of the differential machine (guest-physical = linear, the
 * boot builder's identity map with U/S set, see src/core/boot/longmode.ts):
 *
 *   0x0000-0xffff   boot tables (GDT, TSS, IDT, page tables); ring-0 stack
 *                   0x7000-0x7fff, TSS.RSP0 = 0x8000
 *   0x10000         the case's code, user mode (CPL 3), ends with UD2
 *   0x18000         kernel handlers: vector v at 0x18000 + 16·v, "hlt; iretq"
 *   0x20000-0x21fff data area (random bytes per case)
 *   0x2c000-0x2ffff user stack (random bytes per case), RSP starts at 0x2e000
 */
export const MEM_SIZE = 2 << 20;
export const CODE = 0x10000;
export const CODE_MAX = 0x4000;
export const HANDLERS = 0x18000;
export const HANDLER_STRIDE = 16;
export const DATA = 0x20000;
export const DATA_SIZE = 0x2000;
export const USTACK_LO = 0x2c000;
export const USTACK_HI = 0x30000;
export const USTACK_TOP = 0x2e000;
export const KSTACK_LO = 0x7000;
export const KSTACK_HI = 0x8000;

/** Memory the cases may touch: compared after every step. */
export const COMPARED_RANGES: readonly [number, number][] = [
  [DATA, DATA + DATA_SIZE],
  [USTACK_LO, USTACK_HI],
  [KSTACK_LO, KSTACK_HI],
];

/** RFLAGS bits. */
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;

/** Vectors that push an error code (SDM Vol. 3 Table 6-1). */
export const ERROR_CODE_VECTORS: ReadonlySet<number> = new Set([8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);
