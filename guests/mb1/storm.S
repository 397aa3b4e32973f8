/*
 * mb1/storm: a multiboot v1 guest that asks for interrupts faster than any
 * exit: the xAPIC timer periodic at initial count 1, divide by 1 (its
 * shortest period), with interrupts on, a handler that only counts and
 * EOIs, and a loop that prints "storm: N timer interrupts" on COM1 each
 * time the count passes another 1024.  Under slotvisor the LAPIC timer's
 * minimum period (irq/vlapic.c, as KVM's min_timer_period_us) lets the
 * guest run between interrupts; the boot case bochs_console_storm checks
 * that the guest makes progress, that the monitor answers (Ctrl-A c) and
 * that Ctrl-A x powers off promptly while it runs (issue 17).
 */
#include "boot.inc"

#define APIC 0xfee00000
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_SPIV_ENABLE 0x100
#define APIC_LVTT 0x320
#define APIC_LVT_PERIODIC 0x20000
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define APIC_TDCR_DIV1 0xb
#define TIMER_VECTOR 0x41
#define SPURIOUS_VECTOR 0xff
#define REPORT_EVERY 1024

main64:
	GATE TIMER_VECTOR, timer_handler
	lidt idt_desc(%rip)

	mov $APIC, %r15d
	movl $(APIC_SPIV_ENABLE | SPURIOUS_VECTOR), APIC_SPIV(%r15)
	movl $APIC_TDCR_DIV1, APIC_TDCR(%r15)
	movl $(APIC_LVT_PERIODIC | TIMER_VECTOR), APIC_LVTT(%r15)
	movl $1, APIC_TMICT(%r15)
	sti

	xor %r14d, %r14d		/* the count last reported */
1:	mov count(%rip), %rax
	mov %rax, %rbx
	sub %r14, %rbx
	cmp $REPORT_EVERY, %rbx
	jb 1b
	mov %rax, %r14
	lea msg(%rip), %rsi
	call puts
	mov %r14, %rax
	call putdec
	lea msg_tail(%rip), %rsi
	call puts
	jmp 1b

timer_handler:
	push %rax
	incq count(%rip)
	mov $APIC, %eax
	movl $0, APIC_EOI(%rax)
	pop %rax
	iretq

/* rax: printed in decimal */
putdec:
	lea digits_end(%rip), %rdi
	mov $10, %ecx
3:	xor %edx, %edx
	div %rcx
	add $'0', %dl
	dec %rdi
	mov %dl, (%rdi)
	test %rax, %rax
	jnz 3b
	mov %rdi, %rsi
	jmp puts

	.data
msg:	.asciz "storm: "
msg_tail:
	.asciz " timer interrupts\n"
	.balign 8
idt_desc:
	.word 256 * 16 - 1
	.quad idt

	.bss
	.balign 16
count:	.skip 8
digits:	.skip 24
digits_end: .skip 1
	.balign 16
idt:	.skip 256 * 16
