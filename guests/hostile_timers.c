/*
 * hostile_timers: timers and interrupts faster than any exit path (the
 * hostile suite, issue 17; tests/kernel/test_hostile.c).  The VMM gives
 * the vCPU its xAPIC.  With interrupts on, the guest must still run (a
 * loop of LOOPS iterations ends) and get its interrupts, coalesced as
 * KVM's timers do when the guest cannot keep up:
 *  1. the local APIC's timer periodic with initial count 1 at divide 1
 *     (SDM Vol. 3A 10.5.4): SYNC 1 reports its ticks;
 *  2. that and the PIT at its fastest (mode 2, count 2) together: SYNC 2
 *     reports APIC ticks * 2^32 + PIT ticks;
 *  3. COM1's transmit-empty interrupt (IER THRI, OUT2) that the handler
 *     never acknowledges (it neither reads IIR nor writes THR) and ends
 *     with an EOI at the PIC each time: the level stays high, the guest
 *     must still run; SYNC 3 reports how many times the handler ran.
 */
#include "guest.h"

#define APIC_BASE 0xfee00000UL
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define APIC_SVR_ENABLE 0x100
#define APIC_LVT_PERIODIC (1u << 17)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_TDCR_DIV1 0xb
#define APIC_TIMER_IRQ 14		/* vector GUEST_IRQ_BASE + 14 = 0x2e */
#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_MODE2_LOHI 0x34
#define PIT_FASTEST 2
#define PIT_IRQ 0
#define COM1 0x3f8
#define UART_IER 1
#define UART_MCR 4
#define UART_IER_THRI 0x02
#define UART_MCR_OUT2 0x08
#define COM1_IRQ 4
#define LOOPS 200000

static volatile uint64_t apic_ticks, pit_ticks, com1_irqs;

static volatile uint32_t *apic_reg(unsigned int off)
{
	return (volatile uint32_t *)(APIC_BASE + off);
}

static void apic_timer(void)
{
	apic_ticks++;
	*apic_reg(APIC_EOI) = 0;
}

static void pit_tick(void)
{
	pit_ticks++;
	outb(PIC1_CMD, PIC_EOI);
}

/* Neither IIR read nor THR written: the UART's interrupt stays asserted. */
static void com1_unacked(void)
{
	com1_irqs++;
	outb(PIC1_CMD, PIC_EOI);
}

static void run_with_interrupts(void)
{
	__asm__ __volatile__("sti" : : : "memory");
	for (volatile uint64_t i = 0; i < LOOPS; i++)
		;
	__asm__ __volatile__("cli" : : : "memory");
}

void guest_main(void)
{
	guest_idt_install();
	guest_irq_install(APIC_TIMER_IRQ, apic_timer);
	guest_irq_install(PIT_IRQ, pit_tick);
	guest_irq_install(COM1_IRQ, com1_unacked);
	guest_pic_init(0xff);
	*apic_reg(APIC_SVR) = APIC_SVR_ENABLE | 0xff;

	*apic_reg(APIC_TDCR) = APIC_TDCR_DIV1;
	*apic_reg(APIC_LVT_TIMER) = APIC_LVT_PERIODIC | (GUEST_IRQ_BASE + APIC_TIMER_IRQ);
	*apic_reg(APIC_TMICT) = 1;
	run_with_interrupts();
	GUEST_SYNC2(1, apic_ticks);

	apic_ticks = 0;
	outb(PIT_MODE, PIT_MODE2_LOHI);
	outb(PIT_CH0, PIT_FASTEST);
	outb(PIT_CH0, 0);
	outb(PIC1_DATA, (uint8_t)~(1 << PIT_IRQ));
	run_with_interrupts();
	GUEST_SYNC2(2, (apic_ticks << 32) | pit_ticks);

	*apic_reg(APIC_LVT_TIMER) = APIC_LVT_MASKED;
	*apic_reg(APIC_TMICT) = 0;
	outb(PIC1_DATA, (uint8_t)~(1 << COM1_IRQ));
	outb(COM1 + UART_IER, UART_IER_THRI);
	outb(COM1 + UART_MCR, UART_MCR_OUT2);
	run_with_interrupts();
	outb(COM1 + UART_IER, 0);
	GUEST_SYNC2(3, com1_irqs);
}
