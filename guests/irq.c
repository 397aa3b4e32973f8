/*
 * irq: interrupts from the VMM's emulated PC devices, in the style of
 * kvm-unit-tests.  The guest programs the 8259A pair as Linux does
 * (vectors 0x20/0x28), then:
 *  1. PIT mode 2 at 1 kHz, IRQ 0 unmasked: HLT until 20 ticks arrived
 *     (SYNC 1 reports the TSC ticks that took);
 *  2. PIT mode 4 (one-shot) of 5 ms: exactly one tick, none during 20 ms
 *     more (SYNC 2 reports the count);
 *  3. COM1 receive interrupts (IER, OUT2, IRQ 4): SYNC 3, then HLT until the
 *     byte the VMM put in the receive FIFO raised IRQ 4 (SYNC 4 reports it);
 *  4. the PIT at its fastest (mode 2, count 2: 597 kHz, faster than any
 *     exit path): the guest must still run, a loop of LOOPS iterations with
 *     interrupts on, and get its ticks meanwhile (SYNC 5 reports them);
 *  5. every IRQ masked, HLT: the VMM must give the HLT back, not wait.
 */
#include "guest.h"

#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_MODE2_LOHI 0x34
#define PIT_MODE4_LOHI 0x38
#define PIT_1KHZ 1193		/* 1193182 Hz / 1000 */
#define COM1 0x3f8
#define UART_IER 1
#define UART_MCR 4
#define UART_LSR 5
#define UART_IER_RDI 0x01
#define UART_MCR_OUT2 0x08
#define UART_LSR_DR 0x01
#define TIMER_IRQ 0
#define COM1_IRQ 4
#define TICKS 20
#define PIT_FASTEST 2		/* mode 2's smallest count */
#define LOOPS 200000

static volatile uint64_t ticks;
static volatile uint64_t com1_irqs;
static volatile uint8_t com1_byte;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void timer_irq(void)
{
	ticks++;
	outb(PIC1_CMD, PIC_EOI);
}

static void com1_irq(void)
{
	while (inb(COM1 + UART_LSR) & UART_LSR_DR)
		com1_byte = inb(COM1);
	com1_irqs++;
	outb(PIC1_CMD, PIC_EOI);
}

static void pit_start(uint8_t mode, uint16_t count)
{
	outb(PIT_MODE, mode);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
}

static void wait_ticks(uint64_t n)
{
	while (ticks < n)
		__asm__ __volatile__("sti; hlt");
}

void guest_main(void)
{
	uint64_t t0, end;

	guest_idt_install();
	guest_irq_install(TIMER_IRQ, timer_irq);
	guest_irq_install(COM1_IRQ, com1_irq);
	guest_pic_init((uint8_t)~(1 << TIMER_IRQ));

	pit_start(PIT_MODE2_LOHI, PIT_1KHZ);
	t0 = rdtsc();
	wait_ticks(TICKS);
	GUEST_SYNC2(1, rdtsc() - t0);

	ticks = 0;
	pit_start(PIT_MODE4_LOHI, 5 * PIT_1KHZ);
	wait_ticks(1);
	for (end = rdtsc() + (rdtsc() - t0); rdtsc() < end;)
		;	/* as long again as the 20 ticks took: no second one-shot tick */
	GUEST_SYNC2(2, ticks);

	outb(PIC1_DATA, (uint8_t)~(1 << COM1_IRQ));
	outb(COM1 + UART_IER, UART_IER_RDI);
	outb(COM1 + UART_MCR, UART_MCR_OUT2);
	GUEST_SYNC(3);
	while (!com1_irqs)
		__asm__ __volatile__("sti; hlt");
	GUEST_SYNC2(4, com1_byte);

	ticks = 0;
	outb(PIC1_DATA, (uint8_t)~(1 << TIMER_IRQ));
	pit_start(PIT_MODE2_LOHI, PIT_FASTEST);
	__asm__ __volatile__("sti");
	for (volatile uint64_t i = 0; i < LOOPS; i++)
		;
	__asm__ __volatile__("cli");
	GUEST_SYNC2(5, ticks);

	outb(PIC1_DATA, 0xff);
	__asm__ __volatile__("sti; hlt");
	GUEST_DONE();
}
