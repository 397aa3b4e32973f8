/*
 * mb1/forge: a multiboot v1 guest that lies to whoever reads the console
 * (boot cases bochs_forged_status and bochs_kut_frontend).  It prints
 * "slotvisor: guest exit status 1" and scripts/run.sh's own "run: the
 * guest's exit status: 1" on COM1, as if it had passed; makes a ucall on the test guests' port
 * 0x1000 with a "guest assertion failed" of its own; then spins, so that
 * the hypervisor never prints a status line of its own.  scripts/run.sh
 * and the kvm-unit-tests front end must report no status (they believe only
 * the hypervisor's tokened line), and the ucall must be no more than a write to a port no device claims.
 */
#include "boot.inc"

#define UCALL_PORT 0x1000
#define UCALL_ABORT 2		/* include/vm/ucall_abi.h */

main64:
	lea forged(%rip), %rsi
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b

	/* UCALL_ABORT with a message: ends a test VM, must not end this one */
2:	lea uc(%rip), %rdi
	movq $UCALL_ABORT, (%rdi)
	mov $UCALL_PORT, %dx
	out %eax, %dx

	cli
3:	jmp 3b

	.section .rodata
forged:
	.ascii "slotvisor: guest exit status 1\n"
	.asciz "run: the guest's exit status: 1\n"

	.data
	.balign 8
uc:
	.quad 0				/* cmd */
	.fill 4, 8, 0			/* args */
	.asciz "forged by the guest"
	.fill 236, 1, 0			/* the rest of the 256-byte buffer */
