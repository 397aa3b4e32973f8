/*
 * Entry stubs for all 256 vectors.  Each pushes a dummy error code where
 * the CPU pushes none (SDM Vol. 3A 6.13), then its vector, and joins
 * trap_common, which saves the general registers into a struct trap_frame
 * and calls trap_dispatch().
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			(v) == 21 || (v) == 29 || (v) == 30)

	.altmacro
.macro ISR_STUB vec
	.balign 16
isr_\vec:
	.if !HAS_ERRCODE(\vec)
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
.endm

.macro ISR_ADDR vec
	.quad isr_\vec
.endm

	.text
	.set vec, 0
	.rept 256
	ISR_STUB %vec
	.set vec, vec + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi		/* 16-byte aligned here: 22 quadwords pushed */
	call trap_dispatch
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl isr_table
isr_table:
	.set vec, 0
	.rept 256
	ISR_ADDR %vec
	.set vec, vec + 1
	.endr
