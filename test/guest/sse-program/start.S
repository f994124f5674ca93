/*
 * Entry of the SSE program image (test/guest/sse-program.test.ts): entered in
 * long mode at CPL0 with the boot builder's tables (user: true). Installs a
 * #UD gate, IRETQs to CPL3, runs prog_main(out_buf) there, stores its length
 * at out_len and comes back with UD2; the #UD handler halts. Under kvm_pvm
 * only CPL3 code runs natively on the CPU, which is why the program runs there.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	sidt	idtr(%rip)
	mov	idtr+2(%rip), %rdi
	lea	user_done(%rip), %rax
	mov	%ax, 6*16+0(%rdi)
	movw	$0x08, 6*16+2(%rdi)
	movw	$0x8e00, 6*16+4(%rdi)
	shr	$16, %rax
	mov	%ax, 6*16+6(%rdi)
	shr	$16, %rax
	mov	%eax, 6*16+8(%rdi)
	movl	$0, 6*16+12(%rdi)
	lea	stack_top(%rip), %rax
	push	$0x1b
	push	%rax
	push	$0x2
	push	$0x23
	lea	user_main(%rip), %rax
	push	%rax
	iretq
user_main:
	lea	out_buf(%rip), %rdi
	call	prog_main
	mov	%eax, out_len(%rip)
	ud2
user_done:
	hlt
	jmp	user_done

	.section .bss
	.balign 16
idtr:	.space 16
	.space 65536
stack_top:

	.section .note.GNU-stack, "", @progbits
