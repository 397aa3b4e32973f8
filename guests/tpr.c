/*
 * tpr: the task priority through CR8 and through the xAPIC (TPR shadow,
 * issue 16; tests/kernel/test_guest_tpr.c).  The VMM gives the vCPU its
 * emulated xAPIC.
 *  1. MOV to and from CR8, ROUNDS times, each read back (SYNC 1: the last
 *     value written);
 *  2. one TPR: written through the xAPIC's TPR register, CR8 reads it;
 *     written through CR8, the register reads it (SYNC 2: CR8);
 *  3. with CR8 at 15 a self-IPI of vector 0x2f (priority class 2) stays
 *     pending; a MOV of 0 to CR8 lets it in before the next instruction
 *     (SYNC 3: handler runs seen before the MOV * 10 + right after it).
 */
#include "guest.h"

#define APIC_BASE 0xfee00000UL
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_SVR_ENABLE 0x100
#define APIC_ICR_SELF (1u << 18)	/* destination shorthand 01: self, fixed, edge */
#define ROUNDS 1000
#define TEST_IRQ 15			/* vector GUEST_IRQ_BASE + 15 = 0x2f */
#define SPIN 1000

static volatile uint32_t *apic_reg(unsigned int off)
{
	return (volatile uint32_t *)(APIC_BASE + off);
}

static volatile int taken;

static void handler(void)
{
	taken++;
	*apic_reg(APIC_EOI) = 0;
}

static inline void write_cr8(uint64_t v)
{
	__asm__ __volatile__("mov %0, %%cr8" : : "r"(v) : "memory");
}

static inline uint64_t read_cr8(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr8, %0" : "=r"(v) : : "memory");
	return v;
}

void guest_main(void)
{
	uint64_t v = 0;
	int before, after;

	guest_idt_install();
	guest_irq_install(TEST_IRQ, handler);
	*apic_reg(APIC_SVR) = APIC_SVR_ENABLE | 0xff;

	for (int i = 0; i < ROUNDS; i++) {
		v = (uint64_t)i & 0xf;
		write_cr8(v);
		GUEST_ASSERT(read_cr8() == v);
	}
	GUEST_SYNC2(1, v);

	*apic_reg(APIC_TPR) = 0x90;
	GUEST_ASSERT(read_cr8() == 9);
	write_cr8(5);
	GUEST_ASSERT((*apic_reg(APIC_TPR) & 0xff) == 0x50);
	GUEST_SYNC2(2, read_cr8());

	write_cr8(15);
	__asm__ __volatile__("sti" : : : "memory");
	*apic_reg(APIC_ICR_HI) = 0;
	*apic_reg(APIC_ICR_LO) = APIC_ICR_SELF | (GUEST_IRQ_BASE + TEST_IRQ);
	for (volatile int i = 0; i < SPIN; i++)
		;
	before = taken;
	write_cr8(0);
	after = taken;
	__asm__ __volatile__("cli" : : : "memory");
	GUEST_SYNC2(3, before * 10 + after);
}
