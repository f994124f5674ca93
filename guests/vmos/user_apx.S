/*
 * R16-R31 (APX) for the apx program: fill them from a seed and check them.
 * binutils 2.40 does not know APX: REX2 (0xD5 + payload M0 R4 X4 B4 W R3 X3 B3,
 * SDM vol. 2A §2.2.1.2) is written with .byte; the build checks the bytes
 * with llvm-mc-19 --disassemble.
 */
	.intel_syntax noprefix
	.text

/* MOV R(16+i), RAX: REX2.W, REX2.B4 (+B3 for i >= 8), 89 /r with reg = RAX, rm = low 3 bits of i. */
.macro MOV_TO i
	.byte 0xd5, 0x18 | (((\i) & 8) >> 3), 0x89, 0xc0 | ((\i) & 7)
.endm
/* CMP R(16+i), RAX: 39 /r. */
.macro CMP_WITH i
	.byte 0xd5, 0x18 | (((\i) & 8) >> 3), 0x39, 0xc0 | ((\i) & 7)
.endm

/* void apx_fill(u64 seed): R(16+i) = seed + i. */
	.globl apx_fill
apx_fill:
	mov rax, rdi
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	MOV_TO \i
	inc rax
	.endr
	ret

/* u64 apx_check(u64 seed): bit i set when R(16+i) != seed + i. */
	.globl apx_check
apx_check:
	mov rax, rdi
	xor edx, edx
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	CMP_WITH \i
	setne cl
	movzx ecx, cl
	shl rcx, \i
	or rdx, rcx
	inc rax
	.endr
	mov rax, rdx
	ret

	.section .note.GNU-stack, "", @progbits
