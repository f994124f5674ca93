/**
 * The guest of lapic-e2e.test.ts: a long-mode program (GNU as, AT&T) that
 * drives the local APIC the way a kernel does, through its MMIO page at
 * 0xFEE00000, and leaves what it saw at DATA for the test:
 *
 *  1. maps the APIC page (a 2 MiB page in a page directory for 3–4 GiB);
 *     IDT gates 0x40 (APIC timer), 0x41 (self-IPI), 0x20 (PIC
 *     IRQ 0), 0xFF (spurious);
 *  2. reads IA32_APIC_BASE and the version register, software-enables the
 *     APIC (SVR = 0x1FF);
 *  3. one-shot timer, divide by 1, 50000 clocks: two reads of the current
 *     count five instructions apart, HLT until the interrupt, the count
 *     read again (0);
 *  4. periodic timer, divide by 16, initial count 0x800: HLT until five
 *     more ticks (each handler stamps the TSC), then stopped (TMICT = 0);
 *  5. TPR: CR8 = 5 (TPR reads 0x50), a self-IPI on vector 0x41 (class 4)
 *     stays in IRR with interrupts on; CR8 = 0 lets it in;
 *  6. virtual wire: the PIC initialised as Linux does, LVT0 = ExtINT, the
 *     PIT periodic at 1 kHz: three IRQ 0 interrupts through the PIC; then
 *     LVT0 masked: a busy loop of ~6 PIT periods takes none;
 *  7. OUT 0x501.
 *
 * The timer handler reads ISR (vectors 64–95) before and after its EOI.
 */
import { BOOT_IDT_ADDR, BOOT_PDPT_ADDR, SEL_KERNEL_CODE } from '../../../src/core/boot/longmode.ts';

export const LOAD = 0x100000;
export const DATA = 0x30000;
/** The page directory for 3–4 GiB the guest builds (zeroed RAM below the image). */
const APIC_PD = 0x40000;
/** Offsets in DATA. */
export const D = {
  apicBase: 0x00, version: 0x04, count1: 0x08, count2: 0x0c, countAfter: 0x10, tprViaCr8: 0x14, tscAtPeriodicLoad: 0x18,
  ipiWhileMasked: 0x20, irrWhileMasked: 0x24, ipiAfter: 0x28, picBeforeMask: 0x2c, picAfterMask: 0x30,
  isrInHandler: 0x34, isrAfterEoi: 0x38,
  timerTicks: 0x40, ipis: 0x44, picTicks: 0x48, spurious: 0x4c,
  /** TSC of timer tick n at 0x100 + 8n. */
  tscTicks: 0x100,
} as const;
export const ONE_SHOT_COUNT = 50000;
export const PERIODIC_COUNT = 0x800;
export const PERIODIC_DIVIDE = 16;
export const PERIODIC_TICKS = 5;
export const PIC_TICKS = 3;

export const LAPIC_GUEST_SOURCE = `
  .code64
  .globl start
  .text
  .set DATA, ${DATA}
start:
  mov $0x80000, %rsp
  # The APIC page: PDPT[3] -> a page directory at APIC_PD whose entry for 0xFEE00000 is a 2 MiB
  # page, uncached (PCD|PWT). (kvm_pvm triple-faults on a 1 GiB page there.)
  mov $0xfee0009b, %eax
  mov %rax, ${APIC_PD + ((0xfee00000 - 0xc0000000) >> 21) * 8}
  mov $${APIC_PD | 3}, %eax
  mov %rax, ${BOOT_PDPT_ADDR + 3 * 8}
  mov %cr3, %rax
  mov %rax, %cr3
  mov $0xfee00000, %esi                          # rsi = the APIC page for the whole program
  lea timer_isr(%rip), %rax
  mov $0x40, %edi
  call set_gate
  lea ipi_isr(%rip), %rax
  mov $0x41, %edi
  call set_gate
  lea pic_isr(%rip), %rax
  mov $0x20, %edi
  call set_gate
  lea spurious_isr(%rip), %rax
  mov $0xff, %edi
  call set_gate

  mov $0x1b, %ecx                                # IA32_APIC_BASE
  rdmsr
  mov %eax, DATA+${D.apicBase}
  mov 0x30(%rsi), %eax                           # version
  mov %eax, DATA+${D.version}
  movl $0x1ff, 0xf0(%rsi)                        # SVR: software enable, spurious vector 0xff

  # One-shot, divide by 1.
  movl $0xb, 0x3e0(%rsi)
  movl $0x40, 0x320(%rsi)
  movl $${ONE_SHOT_COUNT}, 0x380(%rsi)
  mov 0x390(%rsi), %eax
  mov %eax, DATA+${D.count1}
  nop
  nop
  nop
  mov 0x390(%rsi), %eax
  mov %eax, DATA+${D.count2}
  sti
1:
  hlt
  cmpl $1, DATA+${D.timerTicks}
  jb 1b
  cli
  mov 0x390(%rsi), %eax
  mov %eax, DATA+${D.countAfter}

  # Periodic, divide by 16.
  movl $0x3, 0x3e0(%rsi)
  movl $0x20040, 0x320(%rsi)
  movl $${PERIODIC_COUNT}, 0x380(%rsi)
  rdtsc
  shl $32, %rdx
  or %rdx, %rax
  mov %rax, DATA+${D.tscAtPeriodicLoad}
  sti
2:
  hlt
  cmpl $${1 + PERIODIC_TICKS}, DATA+${D.timerTicks}
  jb 2b
  cli
  movl $0, 0x380(%rsi)                           # stop the timer

  # TPR through CR8: class 5 holds back vector 0x41 (class 4).
  mov $5, %eax
  mov %rax, %cr8
  mov 0x80(%rsi), %eax
  mov %eax, DATA+${D.tprViaCr8}
  movl $0x40041, 0x300(%rsi)                     # ICR: shorthand self, fixed, vector 0x41
  sti
  nop
  nop
  cli
  mov DATA+${D.ipis}, %eax
  mov %eax, DATA+${D.ipiWhileMasked}
  mov 0x220(%rsi), %eax                          # IRR, vectors 64-95
  mov %eax, DATA+${D.irrWhileMasked}
  xor %eax, %eax
  mov %rax, %cr8
  sti
  nop
  cli
  mov DATA+${D.ipis}, %eax
  mov %eax, DATA+${D.ipiAfter}

  # Virtual wire: Linux's init_8259A, IRQ 0 unmasked, LVT0 ExtINT, PIT mode 2 at 1 kHz.
  mov $0xff, %al
  out %al, $0x21
  out %al, $0xa1
  mov $0x11, %al
  out %al, $0x20
  mov $0x20, %al
  out %al, $0x21
  mov $0x04, %al
  out %al, $0x21
  mov $0x01, %al
  out %al, $0x21
  mov $0x11, %al
  out %al, $0xa0
  mov $0x28, %al
  out %al, $0xa1
  mov $0x02, %al
  out %al, $0xa1
  mov $0x01, %al
  out %al, $0xa1
  mov $0xfe, %al
  out %al, $0x21
  movl $0x700, 0x350(%rsi)                       # LVT0: ExtINT, unmasked
  mov $0x34, %al
  out %al, $0x43
  mov $0xa9, %al
  out %al, $0x40
  mov $0x04, %al
  out %al, $0x40
  sti
3:
  hlt
  cmpl $${PIC_TICKS}, DATA+${D.picTicks}
  jb 3b
  cli
  movl $0x10700, 0x350(%rsi)                     # LVT0 masked: the PIC no longer reaches the CPU
  mov DATA+${D.picTicks}, %eax
  mov %eax, DATA+${D.picBeforeMask}
  sti
  mov $300000, %ecx
4:
  dec %ecx
  jnz 4b
  cli
  mov DATA+${D.picTicks}, %eax
  mov %eax, DATA+${D.picAfterMask}
  mov $0x501, %dx
  xor %eax, %eax
  out %al, %dx
  hlt

timer_isr:
  push %rax
  push %rdx
  push %rbx
  rdtsc
  shl $32, %rdx
  or %rdx, %rax
  mov DATA+${D.timerTicks}, %ebx
  mov %rax, DATA+${D.tscTicks}(,%rbx,8)
  incl DATA+${D.timerTicks}
  mov 0x120(%rsi), %eax                          # ISR, vectors 64-95
  mov %eax, DATA+${D.isrInHandler}
  movl $0, 0xb0(%rsi)                            # EOI
  mov 0x120(%rsi), %eax
  mov %eax, DATA+${D.isrAfterEoi}
  pop %rbx
  pop %rdx
  pop %rax
  iretq

ipi_isr:
  incl DATA+${D.ipis}
  movl $0, 0xb0(%rsi)
  iretq

pic_isr:
  push %rax
  incl DATA+${D.picTicks}
  mov $0x20, %al
  out %al, $0x20
  pop %rax
  iretq

spurious_isr:
  incl DATA+${D.spurious}
  iretq

# IDT gate for vector edi: handler rax, 64-bit interrupt gate, kernel CS.
set_gate:
  shl $4, %edi
  add $${BOOT_IDT_ADDR}, %edi
  mov %ax, (%rdi)
  movw $${SEL_KERNEL_CODE}, 2(%rdi)
  movw $0x8e00, 4(%rdi)
  shr $16, %rax
  mov %ax, 6(%rdi)
  shr $16, %rax
  mov %eax, 8(%rdi)
  movl $0, 12(%rdi)
  ret
`;

/** A u32 / u64 the guest left at DATA + off. */
export function u32(mem: Uint8Array, off: number): number {
  return new DataView(mem.buffer, mem.byteOffset).getUint32(DATA + off, true);
}
export function u64(mem: Uint8Array, off: number): bigint {
  return new DataView(mem.buffer, mem.byteOffset).getBigUint64(DATA + off, true);
}
