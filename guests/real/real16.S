/*
 * real16: a real-mode guest.  The VMM starts it at 0000:8000 with flat
 * real-mode segments (unrestricted guest runs it natively).  It prints a
 * line on COM1, sends a UCALL_PRINT with a message, and UCALL_DONE.
 * The ucall ABI is include/vm/ucall_abi.h: struct at RDI, OUT to 0x1000.
 */
#define COM1 0x3f8
#define UCALL_PORT 0x1000
#define UCALL_DONE 3
#define UCALL_PRINT 4
#define UCALL_BUFFER 40		/* offset of buffer in struct ucall */

	.code16
	.text
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7000, %sp

	movw $hello, %si
	movw $COM1, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b

2:	/* UCALL_PRINT: copy the text into the struct's buffer. */
	movl $UCALL_PRINT, uc
	movw $ucmsg, %si
	movw $(uc + UCALL_BUFFER), %di
3:	lodsb
	stosb
	testb %al, %al
	jnz 3b
	movl $uc, %edi
	movw $UCALL_PORT, %dx
	outl %eax, %dx

	movl $UCALL_DONE, uc
	outl %eax, %dx
4:	hlt
	jmp 4b

hello:
	.asciz "hello from a real-mode guest\n"
ucmsg:
	.asciz "real mode ucall: print"

	.balign 8
uc:
	.skip 8 + 8 * 4 + 256
