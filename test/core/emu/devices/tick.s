	.intel_syntax noprefix
	.code64
	# Assembled with GNU as (as --64, objcopy -O binary -j .text) into TICK_GUEST in irqchip.test.ts,
	# which checks the bytes still match when `as` is installed.
	# r12d = 0: wait for ticks in HLT; else spin. Ticks counted in ebx; the handler stores
	# the low TSC word of each tick at 0x200000 + 4*n. Done: OUT 0xE9 (not an in-kernel port).
start:
	lea rax, [rip + handler]
	mov word ptr ds:[0x6200], ax          # IDT[0x20]: offset 15:0
	mov word ptr ds:[0x6202], 0x08        # selector: kernel code
	mov word ptr ds:[0x6204], 0x8e00      # present, DPL 0, 64-bit interrupt gate
	shr rax, 16
	mov word ptr ds:[0x6206], ax          # offset 31:16
	shr rax, 16
	mov dword ptr ds:[0x6208], eax        # offset 63:32
	mov dword ptr ds:[0x620c], 0
	mov al, 0x11                          # ICW1: edge, cascade, ICW4
	out 0x20, al
	out 0xa0, al
	mov al, 0x20                          # ICW2: master vectors 0x20-0x27
	out 0x21, al
	mov al, 0x28                          # slave vectors 0x28-0x2f
	out 0xa1, al
	mov al, 0x04                          # ICW3: slave on IRQ 2
	out 0x21, al
	mov al, 0x02
	out 0xa1, al
	mov al, 0x01                          # ICW4: 8086 mode, normal EOI
	out 0x21, al
	out 0xa1, al
	mov al, 0xfe                          # OCW1: only IRQ 0
	out 0x21, al
	mov al, 0xff
	out 0xa1, al
	mov al, 0x34                          # PIT channel 0, LSB/MSB, mode 2
	out 0x43, al
	mov al, 0xa9                          # divisor 1193 = 0x04a9 (1000 Hz)
	out 0x40, al
	mov al, 0x04
	out 0x40, al
	xor ebx, ebx
	sti
	test r12d, r12d
	jnz spin
idle:
	hlt
	cmp ebx, 10
	jb idle
	jmp done
spin:
	cmp ebx, 10
	jb spin
done:
	cli
	mov al, 0x42
	out 0xe9, al
	hlt
handler:
	push rax
	push rdx
	rdtsc
	mov dword ptr [rbx*4 + 0x200000], eax
	inc ebx
	mov al, 0x20                          # non-specific EOI
	out 0x20, al
	pop rdx
	pop rax
	iretq
