/*
 * mb1/apic: a multiboot v1 guest in kvm-unit-tests' style for slotvisor's
 * emulated xAPIC (irq/vlapic.c).  It boots as guests/mb1/hello.S does, then
 * reports each check as kvm-unit-tests does ("PASS: name" / "FAIL: name"
 * on COM1), prints "SUMMARY: N tests[, F unexpected failures]" and writes
 * 0 (all passed) or 1 to the isa-debug-exit port 0xf4:
 *   env          module 0 (the environment) starts "NR_CPUS=1"
 *   cpuid apic   CPUID.1:EDX.APIC
 *   apic base    IA32_APIC_BASE = 0xfee00000 | EN | BSP
 *   disable      WRMSR IA32_APIC_BASE without EN reads back so
 *   disabled mmio  the register page is gone: a read is all ones
 *   disabled cpuid CPUID.1:EDX.APIC is clear while EN is
 *   enable       EN set again (reset_apic()): reads back, SVR is 0xff
 *   extd #GP     EXTD without EN (an invalid state) is refused with #GP
 *   x2apic       EN | EXTD enters x2APIC mode: the x2APIC ID MSR reads 0
 *   x2apic->xapic  clearing EXTD with EN set is refused with #GP
 *   (then EN is cleared and set again: xAPIC mode for the rest)
 *   id, version  APIC ID 0, version 0x14 with max LVT 5
 *   self ipi     ICR shorthand self, vector 0x40: the handler runs once
 *   isr          in the handler ISR holds 0x40; after EOI it does not
 *   timer        a one-shot timer (vector 0x41) wakes a HLT
 *   nmi          an NMI IPI to itself reaches the NMI handler, with IF = 0
 * and, since it turned paging and long mode on itself (boot.inc) as a
 * kvm-unit-tests guest or Linux does, one check of the CPU state it owns:
 *   efer lme     clearing EFER.LME with paging on is refused with #GP
 *                (SDM Vol. 3A 10.8.5; the hypervisor must read the guest's
 *                own CR0.PG, which changes without an exit)
 */
#include "boot.inc"

#define MSR_APIC_BASE 0x1b
#define MSR_X2APIC_ID 0x802
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define APIC 0xfee00000
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_ISR_40 0x120	/* ISR bits 0x40-0x5f */
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define IPI_VECTOR 0x40
#define TIMER_VECTOR 0x41



/* WRMSR IA32_APIC_BASE := value; a #GP resumes at resume (gp_count counts them, from 0). */
.macro APIC_BASE_WRITE_SAFE value, resume
	lea \resume(%rip), %rax
	mov %rax, gp_resume(%rip)
	movl $0, gp_count(%rip)
	mov $MSR_APIC_BASE, %ecx
	mov $\value, %eax
	xor %edx, %edx
	wrmsr
.endm

/* report(al != 0, name) */
.macro REPORT name
	lea \name(%rip), %rsi
	call report
.endm

main64:
	mov $APIC, %r15d		/* the register page, for the whole run */
	GATE 2, nmi_handler
	GATE 13, gp_handler
	GATE IPI_VECTOR, ipi_handler
	GATE TIMER_VECTOR, timer_handler
	lidt idt_desc(%rip)

	/* env: module 0 starts with "NR_CPUS=1" */
	mov mb_info(%rip), %ebx
	xor %eax, %eax
	cmpl $1, MBI_MODS_COUNT(%rbx)
	jb 3f
	mov MBI_MODS_ADDR(%rbx), %edx
	mov (%rdx), %esi
	lea s_nr_cpus(%rip), %rdi
	mov $9, %ecx
	repe cmpsb
	sete %al
3:	REPORT n_env

	/* cpuid apic */
	mov $1, %eax
	cpuid
	bt $9, %edx
	setc %al
	REPORT n_cpuid

	/* efer lme: LME cleared while paging is on, #GP */
	lea 7f(%rip), %rax
	mov %rax, gp_resume(%rip)
	movl $0, gp_count(%rip)
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
7:	cmpl $1, gp_count(%rip)
	sete %al
	REPORT n_efer

	/* apic base */
	mov $MSR_APIC_BASE, %ecx
	rdmsr
	cmp $(APIC | 0x900), %eax
	sete %al
	REPORT n_base

	/* disable: EN cleared, as reset_apic() does first */
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC | 0x100), %eax
	xor %edx, %edx
	wrmsr
	rdmsr
	cmp $(APIC | 0x100), %eax
	sete %al
	REPORT n_disable
	mov APIC_LVR(%r15), %eax
	cmp $0xffffffff, %eax
	sete %al
	REPORT n_gone
	mov $1, %eax
	cpuid
	bt $9, %edx
	setnc %al
	REPORT n_gone_cpuid

	/* enable again: the APIC is back in its power-up state */
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC | 0x900), %eax
	xor %edx, %edx
	wrmsr
	rdmsr
	mov %eax, %ebx
	mov APIC_SPIV(%r15), %eax
	cmp $0xff, %eax
	sete %al
	cmp $(APIC | 0x900), %ebx
	sete %bl
	and %bl, %al
	REPORT n_enable

	/* EXTD without EN: an invalid state, #GP (SDM Vol. 3A 11.12.5) */
	APIC_BASE_WRITE_SAFE (APIC|0x500), 4f
4:	cmpl $1, gp_count(%rip)
	sete %al
	REPORT n_extd

	/* EN | EXTD from xAPIC mode: x2APIC mode; its ID register is MSR 0x802 */
	APIC_BASE_WRITE_SAFE (APIC|0xd00), 5f
	mov $MSR_X2APIC_ID, %ecx
	mov $0xdead, %eax
	rdmsr
5:	cmpl $0, gp_count(%rip)
	sete %bl
	test %eax, %eax
	sete %al
	and %bl, %al
	REPORT n_x2apic

	/* x2APIC -> xAPIC is #GP; disabling and enabling again gives xAPIC mode back */
	APIC_BASE_WRITE_SAFE (APIC|0x900), 6f
6:	cmpl $1, gp_count(%rip)
	sete %al
	REPORT n_x2_to_xapic
	mov $MSR_APIC_BASE, %ecx
	mov $(APIC | 0x100), %eax
	xor %edx, %edx
	wrmsr
	mov $(APIC | 0x900), %eax
	wrmsr

	/* enable_apic(): SVR 0x1ff; then ID and version */
	movl $0x1ff, APIC_SPIV(%r15)
	mov APIC_ID(%r15), %eax
	test %eax, %eax
	sete %al
	REPORT n_id
	mov APIC_LVR(%r15), %eax
	and $0xff00ff, %eax
	cmp $0x50014, %eax
	sete %al
	REPORT n_version

	/* self ipi: the handler runs once, sees ISR, sends EOI */
	sti
	movl $(0x40000 | IPI_VECTOR), APIC_ICR(%r15)
	nop
	nop
	cli
	cmpl $1, ipi_count(%rip)
	sete %al
	REPORT n_ipi
	mov ipi_isr(%rip), %eax
	and $1, %eax
	mov APIC_ISR_40(%r15), %ebx
	test %ebx, %ebx
	sete %bl
	and %bl, %al
	REPORT n_isr

	/* timer: one-shot, divide by 1, wakes a HLT */
	movl $0xb, APIC_TDCR(%r15)
	movl $TIMER_VECTOR, APIC_LVTT(%r15)
	movl $100000, APIC_TMICT(%r15)
	mov $1000, %ecx
5:	cmpl $0, timer_count(%rip)
	jne 6f
	sti
	hlt
	cli
	loop 5b
6:	cmpl $1, timer_count(%rip)
	sete %al
	REPORT n_timer

	/* nmi: ICR physical destination 0 (itself), delivery mode NMI, assert */
	movl $0, APIC_ICR2(%r15)
	movl $0x4400, APIC_ICR(%r15)
	nop
	nop
	cmpl $1, nmi_count(%rip)
	sete %al
	REPORT n_nmi

	/* SUMMARY: N tests[, F unexpected failures]; exit(failures != 0) */
	lea s_summary(%rip), %rsi
	call puts
	mov tests(%rip), %eax
	call putdec
	lea s_tests(%rip), %rsi
	call puts
	cmpl $0, failures(%rip)
	je 7f
	lea s_comma(%rip), %rsi
	call puts
	mov failures(%rip), %eax
	call putdec
	lea s_unexpected(%rip), %rsi
	call puts
7:	mov $'\n', %al
	call putc
	xor %eax, %eax
	cmpl $0, failures(%rip)
	setne %al
	out %eax, $DEBUG_EXIT_PORT
8:	cli
	hlt
	jmp 8b

/* #GP: count it, resume at gp_resume. */
gp_handler:
	incl gp_count(%rip)
	push %rax
	mov gp_resume(%rip), %rax
	mov %rax, 16(%rsp)	/* RIP, above the error code and the saved rax */
	pop %rax
	add $8, %rsp
	iretq

nmi_handler:
	incl nmi_count(%rip)
	iretq

ipi_handler:
	push %rax
	incl ipi_count(%rip)
	mov APIC_ISR_40(%r15), %eax
	mov %eax, ipi_isr(%rip)
	movl $0, APIC_EOI(%r15)
	pop %rax
	iretq

timer_handler:
	incl timer_count(%rip)
	movl $0, APIC_EOI(%r15)
	iretq

/* al != 0: "PASS: " name, else "FAIL: " name; count it. */
report:
	push %rsi
	incl tests(%rip)
	lea s_pass(%rip), %rsi
	test %al, %al
	jnz 1f
	incl failures(%rip)
	lea s_fail(%rip), %rsi
1:	call puts
	pop %rsi
	call puts
	mov $'\n', %al
	jmp putc

/* Print eax (< 1000) in decimal. */
putdec:
	mov $10, %ecx
	xor %edx, %edx
	div %ecx
	push %rdx
	test %eax, %eax
	jz 1f
	call putdec
1:	pop %rax
	add $'0', %al
	jmp putc

	.data
	.balign 8
idt_desc:
	.word 256 * 16 - 1
	.quad idt
s_nr_cpus:	.ascii "NR_CPUS=1"
s_pass:		.asciz "PASS: apic: "
s_fail:		.asciz "FAIL: apic: "
s_summary:	.asciz "SUMMARY: "
s_tests:	.asciz " tests"
s_comma:	.asciz ", "
s_unexpected:	.asciz " unexpected failures"
n_env:		.asciz "env module NR_CPUS=1"
n_cpuid:	.asciz "CPUID.1:EDX.APIC"
n_base:		.asciz "IA32_APIC_BASE 0xfee00900"
n_disable:	.asciz "EN cleared"
n_gone:		.asciz "disabled APIC reads all ones"
n_gone_cpuid:	.asciz "disabled APIC: CPUID.1:EDX.APIC clear"
n_enable:	.asciz "EN set again, SVR 0xff"
n_extd:		.asciz "EXTD without EN #GP"
n_efer:		.asciz "EFER.LME cleared with paging on #GP"
n_x2apic:	.asciz "x2APIC mode, ID 0 by MSR"
n_x2_to_xapic:	.asciz "x2APIC to xAPIC #GP"
n_id:		.asciz "APIC ID 0"
n_version:	.asciz "version 0x14, max LVT 5"
n_ipi:		.asciz "self IPI delivered once"
n_isr:		.asciz "ISR in the handler, clear after EOI"
n_timer:	.asciz "one-shot timer wakes HLT"
n_nmi:		.asciz "NMI IPI to self"

	.bss
	.balign 16
idt:	.skip 256 * 16
gp_resume: .skip 8
gp_count: .skip 4
ipi_count: .skip 4
ipi_isr: .skip 4
timer_count: .skip 4
nmi_count: .skip 4
tests: .skip 4
failures: .skip 4
