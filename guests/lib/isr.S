/*
 * Exception and interrupt entry for 64-bit test guests (vectors 0-47:
 * exceptions, then the 16 PIC IRQs at 0x20): each stub pushes a dummy error
 * code where the CPU pushes none, then its vector, saves the caller-saved
 * registers and calls guest_exception(frame), which may change the saved
 * RIP (to a fixup) before IRETQ.
 */
#include "idt_vectors.h"

	.altmacro
.macro STUB vec
	.balign 16
guest_isr_\vec:
	.if !((\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17))
	pushq $0
	.endif
	pushq $\vec
	jmp guest_isr_common
.endm
.macro ADDR vec
	.quad guest_isr_\vec
.endm

	.text
	.set v, 0
	.rept GUEST_IDT_VECTORS
	STUB %v
	.set v, v + 1
	.endr

guest_isr_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq %rsp, %rdi
	call guest_exception
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	addq $16, %rsp
	iretq

	.section .rodata
	.globl guest_isr_table
guest_isr_table:
	.set v, 0
	.rept GUEST_IDT_VECTORS
	ADDR %v
	.set v, v + 1
	.endr
