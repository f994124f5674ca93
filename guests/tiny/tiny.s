# tiny: a flat 64-bit binary for `load raw tiny.bin at 0x10000` (docs/guest.md).
# The loader gives 64-bit mode at CPL 0, the first 1 GiB identity-mapped,
# RIP = 0x10000 and every other register 0. It prints a line on the serial
# console (0x3F8), sums 1..10 in a function (for stepi/nexti/finish), stores
# the running total to `total` (for watch), then halts (KVM_EXIT_HLT).
	.intel_syntax noprefix
	.code64
	.text
start:
	lea rsp, [rip + stack_top]
	lea rsi, [rip + hello]
	call print
	mov edi, 10
	call sum               # rax = 1 + 2 + ... + 10 = 55
	mov [rip + result], rax
	cmp rax, 55
	jne fail
	lea rsi, [rip + ok]
	call print
	mov rax, [rip + result]  # rax = 55 at the HLT
	hlt
fail:
	mov al, 1
	mov dx, 0x501
	out dx, al             # exit port: status 1
	hlt

# rax = sum of 1..rdi, stored to `total` after each step
sum:
	xor eax, eax
1:	add rax, rdi
	mov [rip + total], rax
	dec rdi
	jnz 1b
	ret

# print the NUL-terminated string at rsi on the serial console
print:
	mov dx, 0x3f8
2:	lodsb
	test al, al
	jz 3f
	out dx, al
	jmp 2b
3:	ret

hello:	.asciz "tiny: hello\n"
ok:	.asciz "tiny: sum 1..10 = 55\n"
	.p2align 3
total:	.quad 0
result:	.quad 0
	.p2align 4
	.skip 256
stack_top:
