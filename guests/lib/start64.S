/*
 * Entry of a 64-bit test guest.  The VMM starts it at GUEST_LOAD_GPA in
 * 64-bit mode with paging on (an identity map of 4 GiB), RSP set to the top
 * of its stack and interrupts off.  guest_main() returning is GUEST_DONE.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	xorl %ebp, %ebp
	call guest_main
	movl $3, %edi			/* UCALL_DONE */
	xorl %esi, %esi
	xorl %edx, %edx
	xorl %ecx, %ecx
	call ucall
1:	hlt
	jmp 1b
