/*
 * VM entry and VM exit (SDM Vol. 3C 27, 28).
 *
 *   int vmx_enter_guest(struct guest_gprs *regs, int launched, u64 *host_rsp)
 *
 * Loads the guest's general registers (and CR2) from *regs, then VMLAUNCH
 * (launched == 0) or VMRESUME.  *host_rsp is what this VMCS's HOST_RSP
 * holds (0 for a new VMCS): the VMWRITE is made only when the stack
 * pointer differs, which on the common path (vcpu_run() called again from
 * the same place) it does not (KVM's host_state.rsp).  A VMCS keeps its
 * fields across VMCLEAR and VMPTRLD on another CPU (SDM Vol. 3C 25.11.1),
 * and nothing else writes HOST_RSP, so the cache stays true.  CR2 is
 * written only when the guest's differs from what the CPU holds: a MOV to
 * CR2 is a serializing control-register write on hardware, and usually
 * the value has not changed (the host takes no page faults).  A VM exit lands at vmx_exit_entry (the
 * VMCS's HOST_RIP) on the stack recorded in HOST_RSP, where *regs is
 * pointed to by the top of the stack; the guest registers are saved back,
 * vmx_exit_fast() may handle the exit and enter the guest again at once
 * (the exit fast path, docs/vmx.md), and otherwise the call returns 0.  If the entry instruction itself fails, the call
 * returns VMX_FAIL_INVALID (1) or VMX_FAIL_VALID (2) (see vmx_insn.h).
 * RSP, RIP and RFLAGS of the guest live in the VMCS.
 */
#include "arch/x86/gprs_offsets.h"

#define HOST_RSP 0x6c14

	.text
	.globl vmx_enter_guest
vmx_enter_guest:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* *regs, found again at exit */

	cmpq %rsp, (%rdx)
	je 4f
	movq $HOST_RSP, %rax
	vmwrite %rsp, %rax
	jbe .Lfail_now
	movq %rsp, (%rdx)		/* only once the VMCS holds it */
4:
.Lload:					/* rdi = regs, esi = launched */
	movq %cr2, %rax
	cmpq GPRS_CR2(%rdi), %rax
	je 5f
	movq GPRS_CR2(%rdi), %rax
	movq %rax, %cr2
5:
	testl %esi, %esi
	movq GPRS_RAX(%rdi), %rax
	movq GPRS_RCX(%rdi), %rcx
	movq GPRS_RDX(%rdi), %rdx
	movq GPRS_RBX(%rdi), %rbx
	movq GPRS_RBP(%rdi), %rbp
	movq GPRS_RSI(%rdi), %rsi
	movq GPRS_R8(%rdi), %r8
	movq GPRS_R9(%rdi), %r9
	movq GPRS_R10(%rdi), %r10
	movq GPRS_R11(%rdi), %r11
	movq GPRS_R12(%rdi), %r12
	movq GPRS_R13(%rdi), %r13
	movq GPRS_R14(%rdi), %r14
	movq GPRS_R15(%rdi), %r15
	movq GPRS_RDI(%rdi), %rdi	/* last: it held the pointer */
	jnz 1f				/* flags of the testl above survive the movs */
	vmlaunch
	jmp .Lfail
1:	vmresume
.Lfail:
	/* Still in the host, with guest values in the registers. */
	movl $1, %eax			/* VMX_FAIL_INVALID: CF=1 */
	jc 2f
	movl $2, %eax			/* VMX_FAIL_VALID: ZF=1 */
2:	addq $8, %rsp			/* drop *regs */
	jmp .Lrestore

.Lfail_now:
	movl $1, %eax
	jc 3f
	movl $2, %eax
3:	addq $8, %rsp
	jmp .Lrestore

	.globl vmx_exit_entry
vmx_exit_entry:
	pushq %rdi			/* guest RDI; (%rsp + 8) is *regs */
	movq 8(%rsp), %rdi
	movq %rax, GPRS_RAX(%rdi)
	movq %rcx, GPRS_RCX(%rdi)
	movq %rdx, GPRS_RDX(%rdi)
	movq %rbx, GPRS_RBX(%rdi)
	movq %rbp, GPRS_RBP(%rdi)
	movq %rsi, GPRS_RSI(%rdi)
	movq %r8, GPRS_R8(%rdi)
	movq %r9, GPRS_R9(%rdi)
	movq %r10, GPRS_R10(%rdi)
	movq %r11, GPRS_R11(%rdi)
	movq %r12, GPRS_R12(%rdi)
	movq %r13, GPRS_R13(%rdi)
	movq %r14, GPRS_R14(%rdi)
	movq %r15, GPRS_R15(%rdi)
	popq GPRS_RDI(%rdi)
	movq %cr2, %rax
	movq %rax, GPRS_CR2(%rdi)
	/*
	 * The fast path (vmx/run.c, vmx_exit_fast()): on this same stack, so
	 * HOST_RSP stays true; 1 means the exit was handled and the guest may
	 * run again at once: reload its registers and VMRESUME, without the
	 * way back through vcpu_run().  0: return to vcpu_run() as before.
	 */
	leaq 48(%rsp), %rbp		/* vmx_enter_guest's frame: stack traces stay whole */
	call vmx_exit_fast
	testl %eax, %eax
	jz 6f
	movq (%rsp), %rdi
	movl $1, %esi
	jmp .Lload
6:	addq $8, %rsp			/* drop *regs */
	xorl %eax, %eax
.Lrestore:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
