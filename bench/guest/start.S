/*
 * Entry points of the benchmark guest, entered in long mode at CPL0 with
 * the tables of the boot builder (src/core/boot/longmode.ts). Both zero
 * .bss, run main() on the guest's own stack (in .bss), store the 64-bit
 * checksum at bench_result, and halt with the checksum in rax.
 *
 *   _start       0x100000  main() at CPL0.
 *   _start_user  0x100040  main() at CPL3: needs `user: true` page tables.
 *                          Installs a #UD gate in the IDT (found with SIDT),
 *                          IRETQs to CPL3, and comes back with UD2. Under
 *                          kvm_pvm only CPL3 code runs natively (ring 0 is
 *                          emulated), so this is the native reference there.
 *
 * Selectors are the boot GDT's: 0x08 kernel code, 0x1b user data, 0x23 user code.
 */
	.macro ZERO_BSS
	lea	__bss_start(%rip), %rdi
	lea	__bss_end(%rip), %rcx
	sub	%rdi, %rcx
	shr	$3, %rcx		/* .bss is 16-byte aligned and sized (link.ld) */
	xor	%eax, %eax
	rep stosq
	.endm

	.section .text.start, "ax"
	.globl _start, _start_user
_start:
	ZERO_BSS
	lea	stack_top(%rip), %rsp
	call	main
	movabs	%rax, bench_result
1:	hlt
	jmp	1b

	.balign 64
_start_user:
	sidt	idtr(%rip)
	mov	idtr+2(%rip), %rdi	/* IDT base */
	lea	user_done(%rip), %rax	/* 64-bit interrupt gate, vector 6 (#UD) */
	mov	%ax, 6*16+0(%rdi)	/* offset 15:0 */
	movw	$0x08, 6*16+2(%rdi)	/* kernel code selector */
	movw	$0x8e00, 6*16+4(%rdi)	/* IST 0, P=1 DPL=0 type=0xE */
	shr	$16, %rax
	mov	%ax, 6*16+6(%rdi)	/* offset 31:16 */
	shr	$16, %rax
	mov	%eax, 6*16+8(%rdi)	/* offset 63:32 */
	movl	$0, 6*16+12(%rdi)
	lea	stack_top(%rip), %rax
	push	$0x1b			/* SS */
	push	%rax			/* RSP */
	push	$0x2			/* RFLAGS */
	push	$0x23			/* CS */
	lea	user_main(%rip), %rax
	push	%rax			/* RIP */
	iretq
user_main:				/* CPL3 from here; zeroing .bss at CPL0 would be emulated under kvm_pvm */
	ZERO_BSS
	call	main
	movabs	%rax, bench_result
	ud2
user_done:				/* CPL0 on TSS.RSP0; rax still holds the checksum */
	hlt
	jmp	user_done

	.section .bss
	.balign 16
idtr:	.space 16
	.space 65536
stack_top:

	.section .note.GNU-stack, "", @progbits
