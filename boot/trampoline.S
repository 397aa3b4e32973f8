/*
 * The AP trampoline: where an application processor starts after
 * INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4).  smp.c copies it to TRAMPOLINE_PA, a
 * page below 1 MiB, and fills its data block; the SIPI vector is that
 * page's number, so the AP starts in real mode at CS = TRAMPOLINE_PA >> 4,
 * IP = 0.  It goes 16 -> 32 -> 64 bit with its own GDT, on page tables
 * that map this page at its own address (tramp_cr3, built by smp.c), then
 * jumps to ap_entry(cpu) in the higher half on the stack smp.c chose.
 * Everything is addressed as TRAMPOLINE_PA + (label - trampoline_start).
 */
#include "arch/x86/smp_trampoline.h"

#define REL(x) (TRAMPOLINE_PA + ((x) - trampoline_start))
#define CR0_PE 0x1
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end
trampoline_start:
	.code16
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl REL(tramp_gdt_desc)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $REL(tramp_32)

	.code32
tramp_32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl REL(tramp_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl REL(tramp_efer), %eax	/* LME, and NXE when the BSP uses NX */
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	ljmpl $0x18, $REL(tramp_64)

	.code64
tramp_64:
	movq REL(tramp_stack), %rsp
	movl REL(tramp_cpu), %edi
	xorl %ebp, %ebp
	pushq $0			/* a null return address ends stack traces */
	jmpq *REL(tramp_entry)

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_desc:
	.word tramp_gdt_desc - tramp_gdt - 1
	.long REL(tramp_gdt)

	.balign 8
	/* The data block smp.c fills; its layout is struct trampoline_data. */
	.globl trampoline_data
trampoline_data:
tramp_cr3:
	.long 0
tramp_efer:
	.long 0
tramp_cpu:
	.long 0
	.long 0
tramp_stack:
	.quad 0
tramp_entry:
	.quad 0
trampoline_end:
