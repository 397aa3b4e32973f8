/*
 * Instructions that may fault by design, each with a fixup (extable.h).
 *   int rdmsr_safe(u32 msr, u64 *val)   0, or -EFAULT on #GP
 *   int wrmsr_safe(u32 msr, u64 val)    0, or -EFAULT on #GP
 *   probe_ud(), probe_read(addr), probe_gp(): raise #UD, #PF (or #GP),
 *   #GP and print the full exception dump; they let tests drive the real
 *   handlers without stopping the machine.
 */
#include "arch/x86/extable.h"

#define EFAULT 14

	.text
	.globl rdmsr_safe
rdmsr_safe:
	movl %edi, %ecx
1:	rdmsr
	shlq $32, %rdx
	movl %eax, %eax
	orq %rdx, %rax
	movq %rax, (%rsi)
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	EXTABLE 1b, 2b

	.globl wrmsr_safe
wrmsr_safe:
	movl %edi, %ecx
	movl %esi, %eax
	movq %rsi, %rdx
	shrq $32, %rdx
1:	wrmsr
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret
	EXTABLE 1b, 2b

	.globl probe_ud
probe_ud:
	pushq %rbp
	movq %rsp, %rbp
1:	ud2
2:	popq %rbp
	ret
	EXTABLE 1b, 2b, EXTABLE_DUMP

	.globl probe_read
probe_read:
	pushq %rbp
	movq %rsp, %rbp
1:	movq (%rdi), %rax
2:	popq %rbp
	ret
	EXTABLE 1b, 2b, EXTABLE_DUMP

	/* A non-canonical address: #GP(0) (SDM Vol. 3A 3.3.7.1). */
	.globl probe_gp
probe_gp:
	pushq %rbp
	movq %rsp, %rbp
	movabsq $0x8000000000000000, %rax
1:	movq (%rax), %rax
2:	popq %rbp
	ret
	EXTABLE 1b, 2b, EXTABLE_DUMP
