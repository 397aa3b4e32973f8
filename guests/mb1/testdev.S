/*
 * mb1/testdev: a multiboot v1 guest (so its VM has pc-testdev, as
 * kvm-unit-tests' .flat files do) that checks the device the way the
 * `emulator`, `realmode` and `eventinj` tests use it (boot case
 * bochs_testdev; devices/pc_testdev.c):
 *  1. the data register at 0xe0: a 32-bit OUT, then an 8-bit IN of its
 *     third byte at 0xe2;
 *  2. the byte-wise port 0xe8 reads the same register;
 *  3. IORAM at 0xff000000: a 32-bit MOV reads back, MOVZX of its top byte
 *     finds it where little-endian puts it, a 64-bit MOV elsewhere too;
 *  4. the flush port: a word of RAM keeps its value across its page being
 *     unmapped (the next touch faults it back in).
 * It prints "testdev: ok" and writes 0 to isa-debug-exit (status 1), or
 * writes the number of the check that failed (status 2n + 1).
 */
#include "boot.inc"

#define TESTDEV_DATA 0xe0
#define TESTDEV_DATA_HI 0xe2
#define TESTDEV_FLUSH 0xe4
#define TESTDEV_DATA_BYTES 0xe8
#define IORAM 0xff000000
#define DATA_VALUE 0x12345678
#define IORAM_VALUE 0xcafef00d
#define IORAM_VALUE64 0x0123456789abcdef
#define SCRATCH_VALUE 0x5a5a5a5a5a5a5a5a

main64:
	mov $1, %ebx
	mov $DATA_VALUE, %eax
	out %eax, $TESTDEV_DATA
	xor %eax, %eax
	in $TESTDEV_DATA_HI, %al
	cmp $0x34, %eax
	jne fail

	mov $2, %ebx
	xor %eax, %eax
	in $TESTDEV_DATA_BYTES, %eax
	cmp $DATA_VALUE, %eax
	jne fail

	mov $3, %ebx
	mov $IORAM, %esi
	movl $IORAM_VALUE, 0x10(%rsi)
	mov 0x10(%rsi), %eax
	cmp $IORAM_VALUE, %eax
	jne fail
	movzbl 0x13(%rsi), %eax
	cmp $0xca, %eax
	jne fail
	movabs $IORAM_VALUE64, %rcx
	mov %rcx, 0x800(%rsi)
	mov 0x800(%rsi), %rax
	cmp %rcx, %rax
	jne fail

	mov $4, %ebx
	lea scratch(%rip), %rdi
	movabs $SCRATCH_VALUE, %rcx
	mov %rcx, (%rdi)
	mov %edi, %eax
	out %eax, $TESTDEV_FLUSH
	cmp %rcx, (%rdi)
	jne fail

	lea ok(%rip), %rsi
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	xor %ebx, %ebx
fail:
	mov %ebx, %eax
	mov $DEBUG_EXIT_PORT, %dx
	out %eax, %dx
3:	cli
	hlt
	jmp 3b

	.section .rodata
ok:
	.asciz "testdev: ok\n"

	.data
	.balign 4096
scratch:
	.quad 0
