/*
 * mb1/hello: a multiboot v1 guest in kvm-unit-tests' shape (x86/cstart64.S):
 * an ELF32 container of code linked at 4 MiB, entered in flat 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = the boot information.
 * It builds an identity map of 4 GiB, turns on long mode itself, prints
 *   mb1: long mode, cmdline=[...] module=[...]
 * on COM1 (the command line and module 0's first line from the boot
 * information), sends UCALL_SYNC with args = { EAX at entry, the
 * information's flags, mem_upper, mods_count }, then writes its exit code
 * to the isa-debug-exit port 0xf4 (0: the magic was right) and halts.
 */
#define MB_MAGIC 0x1BADB002
#define MB_BOOT_MAGIC 0x2BADB002
#define COM1 0x3f8
#define UCALL_PORT 0x1000
#define UCALL_SYNC 1
#define DEBUG_EXIT_PORT 0xf4
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define CR0_PE 0x1
#define CR0_PG 0x80000000
#define CR4_PAE 0x20
#define PTE_PW 0x3
#define PTE_PWS 0x83
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24

	.section .init, "ax"
	.code32
	.balign 4
mb_header:
	.long MB_MAGIC, 0, -MB_MAGIC	/* flags 0: the loader reads the ELF headers */

	.globl start
start:
	mov $stacktop, %esp
	mov %eax, entry_eax
	mov %ebx, mb_info

	/* pml4[0] -> pdpt; pdpt[0..3] -> pd; pd: 2048 2 MiB pages */
	movl $(pdpt + PTE_PW), pml4
	mov $(pd + PTE_PW), %eax
	xor %ecx, %ecx
1:	mov %eax, pdpt(,%ecx,8)
	add $4096, %eax
	inc %ecx
	cmp $4, %ecx
	jb 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $PTE_PWS, %eax
	mov %eax, pd(,%ecx,8)
	movl $0, pd + 4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jb 2b

	lgdt gdt_desc
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov $pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $(CR0_PG | CR0_PE), %eax
	mov %eax, %cr0
	ljmp $0x08, $start64

	.code64
start64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	mov $stacktop, %rsp

	lea msg_head(%rip), %rsi
	mov $64, %ecx
	call puts
	mov mb_info(%rip), %ebx
	mov MBI_CMDLINE(%rbx), %esi
	mov $200, %ecx
	call puts
	lea msg_mod(%rip), %rsi
	mov $64, %ecx
	call puts
	cmpl $0, MBI_MODS_COUNT(%rbx)
	je 3f
	mov MBI_MODS_ADDR(%rbx), %edx
	mov (%rdx), %esi		/* mod_start */
	mov 4(%rdx), %ecx		/* mod_end */
	sub %esi, %ecx
	call puts
3:	lea msg_tail(%rip), %rsi
	mov $64, %ecx
	call puts
	mov $'\n', %al
	out %al, %dx

	/* UCALL_SYNC { entry EAX, info flags, mem_upper, mods_count } */
	lea uc(%rip), %rdi
	movq $UCALL_SYNC, (%rdi)
	mov entry_eax(%rip), %eax
	mov %rax, 8(%rdi)
	mov (%rbx), %eax
	mov %rax, 16(%rdi)
	mov MBI_MEM_UPPER(%rbx), %eax
	mov %rax, 24(%rdi)
	mov MBI_MODS_COUNT(%rbx), %eax
	mov %rax, 32(%rdi)
	mov $UCALL_PORT, %dx
	out %eax, %dx

	/* exit(0) if EAX held the multiboot magic, else exit(1) */
	xor %eax, %eax
	cmpl $MB_BOOT_MAGIC, entry_eax(%rip)
	setne %al
	out %eax, $DEBUG_EXIT_PORT
4:	hlt
	jmp 4b

/* Print at most rcx bytes of rsi to COM1, stopping at NUL or newline. */
puts:
	mov $COM1, %dx
5:	test %ecx, %ecx
	jz 6f
	lodsb
	test %al, %al
	jz 6f
	cmp $'\n', %al
	je 6f
	out %al, %dx
	dec %ecx
	jmp 5b
6:	ret

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00af9b000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff	/* 0x10: data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt
msg_head:
	.asciz "mb1: long mode, cmdline=["
msg_mod:
	.asciz "] module=["
msg_tail:
	.asciz "]"

	.bss
	.balign 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
	.skip 4096
stacktop:
entry_eax: .skip 4
mb_info: .skip 4
	.balign 8
uc:	.skip 8 + 8 * 4 + 256
