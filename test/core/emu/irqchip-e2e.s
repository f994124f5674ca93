	.intel_syntax noprefix
	.code64
	# The guest of irqchip-e2e.test.ts. Assembled with GNU as (as --64, objcopy -O binary -j .text)
	# into GUEST there, which checks the bytes still match when `as` is installed.
	# Loaded at 0x10000 on the long-mode image of src/core/boot/longmode.ts (IDT at 0x2000).
	# In:  r12d = N, the ticks to take before stopping.
	# Out: ebx = ticks taken, r13d = IRQ 4 interrupts taken; TSC at the PIT load in [0x1fff8], TSC of
	#      tick n (n = 0..N-1) in [0x20000 + 8n]; OUT 0x3f8 <- n+1 from the n-th tick's handler,
	#      OUT 0x2f8 <- r13d from the IRQ 4 handler, OUT 0x501 <- ebx at the end.
start:
	lea rax, [rip + tick]
	mov edi, 0x2000 + 16 * 0x20           # IDT[0x20]: IRQ 0 (PIT)
	call set_gate
	lea rax, [rip + irq4]
	mov edi, 0x2000 + 16 * 0x24           # IDT[0x24]: IRQ 4
	call set_gate
	# Linux's init_8259A (arch/x86/kernel/i8259.c), vectors 0x20-0x2f.
	mov al, 0xff                          # mask all of both chips
	out 0x21, al
	out 0xa1, al
	mov al, 0x11                          # master ICW1: edge, cascade, ICW4 follows
	out 0x20, al
	mov al, 0x20                          # ICW2: IRQ 0-7 -> vectors 0x20-0x27
	out 0x21, al
	mov al, 0x04                          # ICW3: slave on IR2
	out 0x21, al
	mov al, 0x01                          # ICW4: 8086 mode, normal EOI
	out 0x21, al
	mov al, 0x11                          # slave ICW1
	out 0xa0, al
	mov al, 0x28                          # ICW2: IRQ 8-15 -> vectors 0x28-0x2f
	out 0xa1, al
	mov al, 0x02                          # ICW3: cascade identity 2
	out 0xa1, al
	mov al, 0x01                          # ICW4
	out 0xa1, al
	mov al, 0xee                          # OCW1: IRQ 0 and IRQ 4 unmasked
	out 0x21, al
	mov al, 0xff
	out 0xa1, al
	# Linux's PIT clockevent, periodic: channel 0, LSB/MSB, mode 2, LATCH = 1193 (HZ = 1000).
	mov al, 0x34
	out 0x43, al
	mov al, 0xa9
	out 0x40, al
	mov al, 0x04
	out 0x40, al                          # the count is loaded here
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov qword ptr ds:[0x1fff8], rax
	xor ebx, ebx
	xor r13d, r13d
	sti
idle:
	hlt
	cmp ebx, r12d
	jb idle
	cli
	mov eax, ebx
	mov dx, 0x501
	out dx, al
	hlt

# rax = handler, rdi = gate address: a present, DPL 0, 64-bit interrupt gate, selector 0x08.
set_gate:
	mov word ptr [rdi], ax
	mov word ptr [rdi + 2], 0x08
	mov word ptr [rdi + 4], 0x8e00
	shr rax, 16
	mov word ptr [rdi + 6], ax
	shr rax, 16
	mov dword ptr [rdi + 8], eax
	mov dword ptr [rdi + 12], 0
	ret

tick:
	push rax
	push rdx
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov qword ptr [rbx * 8 + 0x20000], rax
	inc ebx
	mov eax, ebx
	mov dx, 0x3f8
	out dx, al
	mov al, 0x20                          # non-specific EOI
	out 0x20, al
	pop rdx
	pop rax
	iretq

irq4:
	push rax
	push rdx
	inc r13d
	mov eax, r13d
	mov dx, 0x2f8
	out dx, al
	mov al, 0x20
	out 0x20, al
	pop rdx
	pop rax
	iretq
