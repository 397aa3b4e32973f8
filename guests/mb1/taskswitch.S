/*
 * mb1/taskswitch: a 32-bit multiboot v1 guest that makes a hardware task
 * switch, a JMP to an available 32-bit TSS (SDM Vol. 3A 7.3).  slotvisor
 * does not emulate task switches: it must end the VM naming what the guest
 * did, "a hardware task switch (a JMP to TSS selector 0x18)", never an
 * unnamed exit number (boot case bochs_guest_task_switch).
 */
#define MB_MAGIC 0x1BADB002
#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18
#define TSS32_LIMIT 103		/* a 32-bit TSS is 104 bytes (SDM Vol. 3A 7.2.1) */
#define DEBUG_EXIT_PORT 0xf4

	.section .init, "ax"
	.code32
	.balign 4
mb_header:
	.long MB_MAGIC, 0, -MB_MAGIC

	.globl start
start:
	mov $stacktop, %esp
	/* The TSS descriptor's base: bits 15:0 at +2, 23:16 at +4, 31:24 at +7. */
	mov $tss, %eax
	mov %ax, gdt + SEL_TSS + 2
	shr $16, %eax
	mov %al, gdt + SEL_TSS + 4
	mov %ah, gdt + SEL_TSS + 7
	lgdt gdt_desc
	ljmp $SEL_CODE, $1f
1:	mov $SEL_DATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	ljmp $SEL_TSS, $0
	/* Not reached: had the switch been made, the new task would start at tss_eip. */
	mov $1, %eax
	out %eax, $DEBUG_EXIT_PORT
2:	cli
	hlt
	jmp 2b

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: 32-bit code, flat */
	.quad 0x00cf93000000ffff	/* 0x10: data, flat */
	.word TSS32_LIMIT, 0		/* 0x18: available 32-bit TSS, base filled in */
	.byte 0, 0x89, 0, 0
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
	.balign 16
tss:
	.fill TSS32_LIMIT + 1, 1, 0

	.bss
	.balign 16
	.skip 4096
stacktop:
