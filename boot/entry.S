/*
 * The 32-bit entry from a multiboot2 loader, and the switch to long mode.
 *
 * Machine state on entry (Multiboot2 spec 3.3): EAX = 0x36d76289, EBX =
 * physical address of the boot information, protected mode, paging off,
 * flat segments, interrupts off; no usable stack.
 *
 * The boot page tables map the first 4 GiB three times with 2 MiB pages:
 * identity (so the code here keeps running after CR0.PG), at the direct
 * map base, and at KERNEL_VMA (kernel image).  C code replaces them with
 * the final tables (arch/x86/paging.c) once it knows the memory map.
 */
#include "arch/x86/layout.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define COM1 0x3f8
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define CR0_PE 0x1
#define CR0_WP 0x10000
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define BOOT_PT_PAGES 7			/* pml4, two pdpts, four pds */
#define PML4_IDX(va) (((va) >> 39) & 511)

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, boot_magic		/* kept for kmain */
	movl %ebx, boot_mbi

	cmpl $MB2_BOOTLOADER_MAGIC, %eax
	jne .Lnot_multiboot2

	/* Long mode needs CPUID leaf 0x80000001 EDX.LM[29]. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb .Lno_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc .Lno_long_mode

	call build_boot_page_tables

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $0x08, $long_mode_entry

/* Zero the tables (the loader need not clear .boot.bss), then fill them. */
build_boot_page_tables:
	movl $boot_page_tables, %edi
	movl $(BOOT_PT_PAGES * 1024), %ecx
	xorl %eax, %eax
	rep stosl

	/* boot_pd: 2048 entries of 2 MiB covering 0-4 GiB. */
	movl $boot_pd, %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	xorl %edx, %edx			/* high dword: bits 32+ of the address */
	movl $2048, %ecx
1:	movl %eax, (%edi)
	movl %edx, 4(%edi)
	addl $0x200000, %eax
	adcl $0, %edx
	addl $8, %edi
	loop 1b

	/* boot_pdpt_low[0..3] -> the four page directories. */
	movl $boot_pdpt_low, %edi
	movl $(boot_pd + PTE_P + PTE_W), %eax
	movl $4, %ecx
2:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 2b

	/* KERNEL_VMA (-2 GiB) is PDPT slot 510 of PML4 slot 511: first 2 GiB. */
	movl $(boot_pd + PTE_P + PTE_W), boot_pdpt_high + 510 * 8
	movl $(boot_pd + 4096 + PTE_P + PTE_W), boot_pdpt_high + 511 * 8

	movl $(boot_pdpt_low + PTE_P + PTE_W), boot_pml4
	movl $(boot_pdpt_low + PTE_P + PTE_W), boot_pml4 + PML4_IDX(DIRECT_MAP_BASE) * 8
	movl $(boot_pdpt_high + PTE_P + PTE_W), boot_pml4 + 511 * 8
	ret

/* Print the NUL-terminated string at %esi on COM1 and port 0xE9, then stop. */
boot_fail:
	movw $(COM1 + 3), %dx		/* 8N1, no interrupts; default divisor */
	movb $0x03, %al
	outb %al, %dx
3:	lodsb
	testb %al, %al
	jz 5f
	movb %al, %bl
	movw $(COM1 + 5), %dx		/* wait for THRE, bounded */
	movl $100000, %ecx
4:	inb %dx, %al
	testb $0x20, %al
	loopz 4b
	movb %bl, %al
	movw $COM1, %dx
	outb %al, %dx
	outb %al, $0xe9
	jmp 3b
5:	cli
	hlt
	jmp 5b

.Lnot_multiboot2:
	movl $msg_not_mb2, %esi
	jmp boot_fail
.Lno_long_mode:
	movl $msg_no_lm, %esi
	jmp boot_fail

	.code64
long_mode_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	/* Continue in the higher half on the kernel stack. */
	movabsq $kernel_stack_top, %rsp
	xorl %ebp, %ebp			/* ends stack traces */
	movl boot_magic, %edi
	movl boot_mbi, %esi
	movabsq $kmain, %rax
	pushq $0			/* fake return address for the trace */
	jmp *%rax

	.section .boot.rodata, "a"
msg_not_mb2:
	.asciz "slotvisor: not started by a multiboot2 boot loader (EAX is not 0x36d76289); boot it with GRUB's multiboot2 command\r\n"
msg_no_lm:
	.asciz "slotvisor: this CPU has no long mode (CPUID 0x80000001 EDX.LM = 0); slotvisor needs an x86-64 CPU\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff	/* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_desc:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .boot.data, "aw"
	.balign 4
	.globl boot_magic, boot_mbi
boot_magic:
	.long 0
boot_mbi:
	.long 0

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_page_tables:
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.skip 1024
boot_stack_top:

/* The boot CPU's kernel stack (higher half). */
	.section .bss
	.balign 16
	.globl kernel_stack, kernel_stack_top
kernel_stack:
	.skip KERNEL_STACK_SIZE
kernel_stack_top:
