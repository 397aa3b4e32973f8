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
#include "boot.inc"

#define MB_BOOT_MAGIC 0x2BADB002
#define UCALL_PORT 0x1000
#define UCALL_SYNC 1
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24

main64:

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
msg_head:
	.asciz "mb1: long mode, cmdline=["
msg_mod:
	.asciz "] module=["
msg_tail:
	.asciz "]"

	.bss
	.balign 8
uc:	.skip 8 + 8 * 4 + 256
