/*
 * bench_apic: the xAPIC's hot writes timed from inside the guest with
 * RDTSC (tests/kernel/bench_apic.c; issue 16), as kvm-unit-tests' vmexit
 * self_ipi_sti_nop does them: interrupts off, a fixed self-IPI through the
 * ICR, STI; NOP, the handler's EOI.  The VMM gives the vCPU its emulated
 * xAPIC.
 *   SYNC 1: mean ticks of a whole round (RDTSC around cli, ICR, sti; nop,
 *           the handler with its EOI included)
 *   SYNC 2: mean ticks of the ICR write alone (interrupts off around it)
 *   SYNC 3: mean ticks of the EOI write alone (in the handler)
 *   SYNC 4: the rounds whose interrupt came late (not right after the NOP)
 */
#include "guest.h"

#define ROUNDS 1000
#define APIC_BASE 0xfee00000UL
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_SVR_ENABLE 0x100
#define APIC_ICR_SELF (1u << 18)	/* destination shorthand 01: self, fixed, edge */
#define TEST_IRQ 15			/* vector GUEST_IRQ_BASE + 15 = 0x2f */

static volatile uint32_t *apic_reg(unsigned int off)
{
	return (volatile uint32_t *)(APIC_BASE + off);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static volatile uint32_t taken;
static volatile uint64_t eoi_ticks;

static void handler(void)
{
	uint64_t t0 = rdtsc();

	*apic_reg(APIC_EOI) = 0;
	eoi_ticks += rdtsc() - t0;
	taken++;
}

static void self_ipi(void)
{
	*apic_reg(APIC_ICR_LO) = APIC_ICR_SELF | (GUEST_IRQ_BASE + TEST_IRQ);
}

void guest_main(void)
{
	uint64_t round = 0, icr = 0;
	uint32_t late = 0, seen;

	guest_idt_install();
	guest_irq_install(TEST_IRQ, handler);
	*apic_reg(APIC_SVR) = APIC_SVR_ENABLE | 0xff;

	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = rdtsc(), t1;

		__asm__ __volatile__("cli" : : : "memory");
		self_ipi();
		t1 = rdtsc();
		__asm__ __volatile__("sti; nop; movl %1, %0" : "=r"(seen) : "m"(taken) : "memory");
		round += rdtsc() - t0;
		icr += t1 - t0;
		late += seen != (uint32_t)i + 1;
	}
	GUEST_SYNC2(1, round / ROUNDS);
	GUEST_SYNC2(2, icr / ROUNDS);
	GUEST_SYNC2(3, eoi_ticks / ROUNDS);
	GUEST_SYNC2(4, late);
}
