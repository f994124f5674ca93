/**
 * Synthetic Linux kernels for loader tests: a bzImage (boot sector + setup
 * header + protected-mode code) and a vmlinux ELF, both built here from
 * assembly with GNU as/ld, so the header fields are the test's and nothing
 * is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BzOptions {
  /** Bytes of the protected-mode kernel (the 64-bit entry is at +0x200). */
  kernel: Uint8Array;
  setupSects?: number;
  version?: number;
  xloadflags?: number;
  loadflags?: number;
  cmdlineSize?: number;
  initrdAddrMax?: number;
  initSize?: number;
  magic?: number;
  bootFlag?: number;
}

/** A bzImage: setup_sects sectors of setup after the boot sector, then the kernel. */
export function makeBzImage(o: BzOptions): Uint8Array {
  const sects = o.setupSects || 4;
  const setup = new Uint8Array((sects + 1) * 512);
  const v = new DataView(setup.buffer);
  v.setUint8(0x1f1, o.setupSects ?? 4);
  v.setUint16(0x1fe, o.bootFlag ?? 0xaa55, true);
  v.setUint8(0x200, 0xeb); // jmp short over the header: the byte at 0x201 gives its end
  v.setUint8(0x201, 0x6a); // header ends at 0x26c
  v.setUint32(0x202, o.magic ?? 0x53726448, true);
  v.setUint16(0x206, o.version ?? 0x020f, true);
  v.setUint8(0x211, o.loadflags ?? 1);
  v.setUint32(0x214, 0x100000, true);
  v.setUint32(0x22c, o.initrdAddrMax ?? 0x7fffffff, true);
  v.setUint32(0x230, 0x200000, true);
  v.setUint8(0x234, 1);
  v.setUint16(0x236, o.xloadflags ?? 0x3, true);
  v.setUint32(0x238, o.cmdlineSize ?? 2047, true);
  v.setBigUint64(0x258, 0x1000000n, true);
  v.setUint32(0x260, o.initSize ?? o.kernel.length, true);
  const out = new Uint8Array(setup.length + o.kernel.length);
  out.set(setup);
  out.set(o.kernel, setup.length);
  return out;
}

/** Why GNU as/ld cannot be used here, or undefined. */
export function binutilsMissing(): string | undefined {
  try {
    execFileSync('as', ['--version'], { stdio: 'ignore' });
    execFileSync('ld', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch (e) {
    return `GNU as/ld not available (${(e as Error).message})`;
  }
}

/** Assembles `source` (AT&T syntax, .code64) with the text at `base`: the ELF and its flat binary. */
export function assemble(source: string, base: number): { elf: Uint8Array; flat: Uint8Array } {
  const dir = mkdtempSync(join(tmpdir(), 'vdbg-linux-'));
  try {
    writeFileSync(join(dir, 'k.s'), source);
    execFileSync('as', ['--64', '-o', join(dir, 'k.o'), join(dir, 'k.s')]);
    execFileSync('ld', ['-m', 'elf_x86_64', '-static', '-nostdlib', `-Ttext=0x${base.toString(16)}`, '-e', 'start', '-o', join(dir, 'k.elf'), join(dir, 'k.o')]);
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'k.elf'), join(dir, 'k.bin')]);
    return { elf: new Uint8Array(readFileSync(join(dir, 'k.elf'))), flat: new Uint8Array(readFileSync(join(dir, 'k.bin'))) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every test kernel starts so: `start` at the text base, PAD bytes of NOPs (0x200 for a bzImage's 64-bit entry, 0 for a vmlinux). */
const PREAMBLE = `
  .code64
  .globl start
  .text
start:
  .fill PAD, 1, 0x90`;

/**
 * A "kernel" that checks the 64-bit boot protocol's entry state and reports
 * over the serial port: the command line (read through boot_params.cmd_line_ptr),
 * then '|', the initrd's first byte, then "OK" or a letter naming the failed check;
 * then it writes boot_params.e820_entries to the exit port 0x501.
 */
export const CHECKER_SOURCE = PREAMBLE + `
  mov $0x3f8, %dx
  mov %cs, %ax
  cmp $0x10, %ax
  mov $'C', %cl
  jne fail
  mov %ss, %ax
  cmp $0x18, %ax
  mov $'S', %cl
  jne fail
  mov %ds, %ax
  cmp $0x18, %ax
  mov $'D', %cl
  jne fail
  cmpb $0xff, 0x210(%rsi)
  mov $'L', %cl
  jne fail
  cmpl $0x53726448, 0x202(%rsi)
  mov $'H', %cl
  jne fail
  pushf
  pop %rax
  test $0x200, %eax
  mov $'I', %cl
  jnz fail
  mov 0x228(%rsi), %ebx
1:
  mov (%rbx), %al
  test %al, %al
  jz 2f
  out %al, %dx
  inc %rbx
  jmp 1b
2:
  mov $'|', %al
  out %al, %dx
  mov 0x218(%rsi), %ebx
  mov (%rbx), %al
  out %al, %dx
  mov $'O', %al
  out %al, %dx
  mov $'K', %al
  out %al, %dx
  jmp done
fail:
  mov %cl, %al
  out %al, %dx
done:
  mov 0x1e8(%rsi), %al
  mov $0x501, %dx
  out %al, %dx
  hlt
`;

/**
 * A "kernel" that reads the console by interrupt: IDT gate 0x24 (IRQ 4 at
 * the PIC base 0x20), PIC initialised with only IRQ 4 unmasked, UART
 * IER = received data, MCR = OUT2, STI and HLT. The handler drains the
 * receiver while LSR.DR (the line is edge-triggered at the PIC, as Linux's
 * 8250 driver loops too), echoes each byte and, on a newline, writes the
 * count of interrupts taken to the exit port.
 */
export const ECHO_SOURCE = PREAMBLE + `
  lea idt(%rip), %rdi
  lea isr(%rip), %rax
  mov %ax, 0x240(%rdi)
  movw $0x10, 0x242(%rdi)
  movw $0x8e00, 0x244(%rdi)
  shr $16, %rax
  mov %ax, 0x246(%rdi)
  shr $16, %rax
  mov %eax, 0x248(%rdi)
  lidt idtr(%rip)
  mov $0x11, %al; out %al, $0x20
  mov $0x20, %al; out %al, $0x21
  mov $0x04, %al; out %al, $0x21
  mov $0x01, %al; out %al, $0x21
  mov $0xef, %al; out %al, $0x21
  mov $0x11, %al; out %al, $0xa0
  mov $0x28, %al; out %al, $0xa1
  mov $0x02, %al; out %al, $0xa1
  mov $0x01, %al; out %al, $0xa1
  mov $0xff, %al; out %al, $0xa1
  xor %ebx, %ebx
  mov $0x3f9, %dx; mov $0x01, %al; out %al, %dx
  mov $0x3fc, %dx; mov $0x08, %al; out %al, %dx
  sti
1:
  hlt
  jmp 1b
isr:
  inc %ebx
2:
  mov $0x3fd, %dx
  in %dx, %al
  test $1, %al
  jz 3f
  mov $0x3f8, %dx
  in %dx, %al
  cmp $10, %al
  je finish
  out %al, %dx
  jmp 2b
3:
  mov $0x20, %al
  out %al, $0x20
  iretq
finish:
  mov %bl, %al
  mov $0x501, %dx
  out %al, %dx
  hlt
  .balign 16
idtr:
  .word 4095
  .quad idt
  .balign 16
idt:
  .fill 4096, 1, 0
`;

/** A "kernel" that reads CMOS registers D, A, the year and the century (NMI masked) and prints each byte to the console. */
export const RTC_SOURCE = PREAMBLE + `
  mov $0x3f8, %dx
  .irp reg, 0x8d, 0x8a, 0x89, 0xb2
  mov $\\reg, %al
  out %al, $0x70
  in $0x71, %al
  out %al, %dx
  .endr
  mov $0x501, %dx
  out %al, %dx
  hlt
`;
