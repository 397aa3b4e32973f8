/*
 * mb1/hello: a multiboot v1 guest in kvm-unit-tests' shape (x86/cstart64.S):
 * an ELF32 container of code linked at 4 MiB, entered in flat 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = the boot information.
 * It builds an identity map of 4 GiB, turns on long mode itself, prints
 *   mb1: long mode, cmdline=[...] module=[...]
 * on COM1 (the command line and module 0's first line from the boot
 * information), sends UCALL_SYNC with args = { EAX at entry, the
 * information's flags, mem_upper, mods_count }, prints a SUMMARY line as
 * kvm-unit-tests' report_summary() does and "--- DONE: CODE ---" as the
 * bare tree's exit() does (scripts/kut.sh), then writes its exit code to the
 * isa-debug-exit port 0xf4 (0: the magic was right) and, where that port is
 * not there (bare Bochs), "Shutdown" to Bochs' port 0x8900, as kvm-unit-tests'
 * exit() does; then halts.
 */
#include "boot.inc"

#define MB_BOOT_MAGIC 0x2BADB002
#define UCALL_PORT 0x1000
#define UCALL_SYNC 1
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define BOCHS_SHUTDOWN_PORT 0x8900
#define UART_DLL 0
#define UART_DLM 1
#define UART_LCR 3
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_LSR_TEMT 0x40

main64:
	call uart_init

	lea msg_head(%rip), %rsi
	mov $64, %ecx
	call putsn
	mov mb_info(%rip), %ebx
	mov MBI_CMDLINE(%rbx), %esi
	mov $200, %ecx
	call putsn
	lea msg_mod(%rip), %rsi
	mov $64, %ecx
	call putsn
	cmpl $0, MBI_MODS_COUNT(%rbx)
	je 3f
	mov MBI_MODS_ADDR(%rbx), %edx
	mov (%rdx), %esi		/* mod_start */
	mov 4(%rdx), %ecx		/* mod_end */
	sub %esi, %ecx
	call putsn
3:	lea msg_tail(%rip), %rsi
	mov $64, %ecx
	call putsn
	mov $'\n', %al
	call putc

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

	/* kvm-unit-tests' report_summary(), then its exit(): exit(0) if EAX held the multiboot magic, else exit(1) */
	lea msg_pass(%rip), %rsi
	lea msg_done0(%rip), %rbx
	cmpl $MB_BOOT_MAGIC, entry_eax(%rip)
	je 5f
	lea msg_fail(%rip), %rsi
	lea msg_done1(%rip), %rbx
5:	mov $64, %ecx
	call putsn
	mov $'\n', %al
	call putc
	mov %rbx, %rsi
	mov $64, %ecx
	call putsn
	mov $'\n', %al
	call putc
	xor %eax, %eax
	cmpl $MB_BOOT_MAGIC, entry_eax(%rip)
	setne %al
	out %eax, $DEBUG_EXIT_PORT
	/* No isa-debug-exit (bare Bochs): Bochs' shutdown port, as kvm-unit-tests' exit(), once COM1 has sent all */
	mov $COM1 + UART_LSR, %dx
8:	in %dx, %al
	test $UART_LSR_TEMT, %al
	jz 8b
	lea shutdown(%rip), %rsi
	mov $BOCHS_SHUTDOWN_PORT, %dx
	mov $8, %ecx
6:	lodsb
	out %al, %dx
	loop 6b
4:	hlt
	jmp 4b

/*
 * COM1 at 115200 8N1, and a byte out once the transmitter holds none: what
 * a real 16550 (and Bochs', in the bare run) needs; slotvisor's takes any.
 */
uart_init:
	mov $COM1 + UART_LCR, %dx
	mov $UART_LCR_DLAB, %al
	out %al, %dx
	mov $COM1 + UART_DLL, %dx
	mov $1, %al
	out %al, %dx
	mov $COM1 + UART_DLM, %dx
	xor %al, %al
	out %al, %dx
	mov $COM1 + UART_LCR, %dx
	mov $UART_LCR_8N1, %al
	out %al, %dx
	ret

/* Print at most rcx bytes of rsi to COM1, stopping at NUL or newline. */
putsn:
	mov $COM1, %dx
5:	test %ecx, %ecx
	jz 6f
	lodsb
	test %al, %al
	jz 6f
	cmp $'\n', %al
	je 6f
	call putc
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
msg_pass:
	.asciz "SUMMARY: 1 tests"
msg_fail:
	.asciz "SUMMARY: 1 tests, 1 unexpected failures"
msg_done0:
	.asciz "--- DONE: 0 ---"
msg_done1:
	.asciz "--- DONE: 1 ---"
shutdown:
	.ascii "Shutdown"

	.bss
	.balign 8
uc:	.skip 8 + 8 * 4 + 256
