/*
 * vmos kernel entry points: boot, the IDT stubs, the SYSCALL entry, the
 * return to a trap frame, the idle loop and the APX register save/restore.
 * Intel SDM references are to the combined volumes (Order No. 325462).
 */
	.intel_syntax noprefix

#define SYSCALL_FRAME 0x100  /* trapframe.vector of a frame built by syscall_entry */

/* ------------------------------------------------------------------ boot */
/* The loader enters here in 64-bit mode at CPL 0 with interrupts off,
 * RSP = top of the boot stack and RDI = the boot-info block (docs/guest.md). */
	.section .text.entry, "ax"
	.globl _start
_start:
	xor ebp, ebp
	call kmain            /* does not return */
1:	hlt
	jmp 1b

	.text
/* ----------------------------------------------------------- IDT stubs */
/* One stub per vector: push a zero error code where the CPU pushes none
 * (SDM vol. 3 §6.13, table 6-1: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP push
 * one), push the vector, then build the rest of struct trapframe. */
.macro STUB vec
	.p2align 4
vec_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21)
	.else
	push 0
	.endif
	push \vec
	jmp trap_common
.endm

	.p2align 4
	.globl vmos_vectors
vmos_vectors:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39
	STUB \v
	.endr

/* Table of the stub addresses, read by the IDT setup in kernel.c. */
	.section .rodata
	.p2align 3
	.globl vmos_vector_table
vmos_vector_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39
	.quad vec_\v
	.endr
	.text

.macro PUSH_GPRS
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
.endm

.macro POP_GPRS
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
.endm

/* Interrupt/exception gates clear IF (SDM vol. 3 §6.12.1.3), so the kernel
 * always runs with interrupts off. trap() returns the frame to resume,
 * the current task's or another's (a context switch is a change of frame). */
trap_common:
	PUSH_GPRS
	cld
	mov rdi, rsp
	call trap
	jmp trap_return

/* ------------------------------------------------------------- SYSCALL */
/* SYSCALL (SDM vol. 2B, SYSCALL): RCX = return RIP, R11 = RFLAGS, CS/SS
 * from IA32_STAR, RFLAGS &= ~IA32_FMASK; RSP is still the user's. Build
 * the same trapframe an interrupt from CPL 3 would, on the task's kernel
 * stack, marked SYSCALL_FRAME so that trap_return may use SYSRET. */
	.p2align 4
	.globl syscall_entry
syscall_entry:
	mov [rip + syscall_user_rsp], rsp
	mov rsp, [rip + kernel_rsp]
	push 0x1b                         /* SS: user data */
	push [rip + syscall_user_rsp]     /* RSP */
	push r11                          /* RFLAGS */
	push 0x23                         /* CS: user code */
	push rcx                          /* RIP */
	push 0                            /* error code */
	push SYSCALL_FRAME
	PUSH_GPRS
	cld
	mov rdi, rsp
	call trap
	/* fall through */

/* Resume the frame at RAX (trap's result). A frame made by SYSCALL returns
 * with SYSRETQ (RIP = RCX, RFLAGS = R11, CS/SS from STAR[63:48], SDM vol. 2B
 * SYSRET); every other frame with IRETQ (SDM vol. 2A, IRET, 64-bit mode). */
	.globl trap_return
trap_return:
	mov rsp, rax
	cmp qword ptr [rsp + 15*8], SYSCALL_FRAME
	je 1f
	POP_GPRS
	add rsp, 16                       /* vector, error code */
	iretq
1:	POP_GPRS
	mov rcx, [rsp + 16]               /* RIP */
	mov r11, [rsp + 32]               /* RFLAGS */
	mov rsp, [rsp + 40]               /* user RSP; no interrupt can come (IF = 0) */
	sysretq

/* ----------------------------------------------------------- idle task */
/* Task 0 runs here at CPL 0 when nothing is runnable: STI's interrupt
 * shadow covers the HLT, so a tick cannot slip in between (SDM vol. 2B, STI). */
	.globl idle_loop
idle_loop:
	sti
	hlt
	jmp idle_loop

/* ------------------------------------------------------- APX R16-R31 */
/* apx_save(u64 regs[16]) / apx_restore(const u64 regs[16]), called only
 * with XCR0.APX = 1. binutils 2.40 does not know APX: the REX2 prefix
 * (0xD5, payload M0 R4 X4 B4 W R3 X3 B3; SDM vol. 2A §2.2.1.2 "REX2")
 * is written with .byte. MOV [RDI+8*i], R(16+i) = D5 {48|4C} 89 /r disp8
 * and MOV R(16+i), [RDI+8*i] = D5 {48|4C} 8B /r disp8 (checked with
 * llvm-mc-19 --disassemble by the build script). */
.macro APX_MOV op, i
	.byte 0xd5, 0x48 | (((\i) & 8) >> 1), \op, 0x47 | (((\i) & 7) << 3), 8*(\i)
.endm

	.globl apx_save
apx_save:
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	APX_MOV 0x89, \i
	.endr
	ret

	.globl apx_restore
apx_restore:
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	APX_MOV 0x8b, \i
	.endr
	ret

	.bss
	.p2align 3
	.globl kernel_rsp
kernel_rsp:        .quad 0   /* the current task's kernel stack top (= TSS.RSP0) */
syscall_user_rsp:  .quad 0

	.section .note.GNU-stack, "", @progbits
