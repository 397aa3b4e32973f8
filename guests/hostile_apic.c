/*
 * hostile_apic: the xAPIC's registers abused (the hostile suite, issue 17;
 * tests/kernel/test_hostile.c).  The VMM gives the vCPU its xAPIC.
 *  1. IPIs of every delivery mode and shorthand the guest can name (SDM
 *     Vol. 3A 10.6.1): illegal vectors 0-15 to self (an error in the ESR,
 *     never a delivery: a delivered vector below 32 would reach the guest's
 *     exception handler, which ends it), fixed and lowest-priority IPIs to
 *     APIC ids no vCPU has, all-excluding-self with no other vCPU, SMI,
 *     INIT level de-assert, a STARTUP to a running CPU, the reserved mode 3;
 *     then all-including-self with a real vector, which must arrive exactly
 *     once (SYNC 1 reports the count);
 *  2. an NMI to self, taken inside the armed window (SYNC 2: its vector);
 *  3. every register offset of the 4 KiB page read, and written with
 *     zero where the register is read-only or reserved; an EOI with
 *     nothing in service; byte and 8-byte accesses to the ICR; the xAPIC
 *     still delivers a self-IPI afterwards (SYNC 3 reports the count).
 */
#include "guest.h"

#define APIC_BASE 0xfee00000UL
#define APIC_PAGE 0x1000u
#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT 0x380
#define APIC_TDCR 0x3e0
#define APIC_SVR_ENABLE 0x100
#define ICR_DM_FIXED (0u << 8)
#define ICR_DM_LOWEST (1u << 8)
#define ICR_DM_SMI (2u << 8)
#define ICR_DM_RESERVED (3u << 8)
#define ICR_DM_NMI (4u << 8)
#define ICR_DM_INIT (5u << 8)
#define ICR_DM_STARTUP (6u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SELF (1u << 18)
#define ICR_ALL_INCL (2u << 18)
#define ICR_ALL_EXCL (3u << 18)
#define NOBODY 0x55u			/* an APIC id no vCPU of this VM has */
#define TEST_IRQ 13			/* vector GUEST_IRQ_BASE + 13 = 0x2d */
#define NMI_VECTOR 2
#define SPIN 1000

static volatile uint64_t taken;

static volatile uint32_t *apic_reg(unsigned int off)
{
	return (volatile uint32_t *)(APIC_BASE + off);
}

static void handler(void)
{
	taken++;
	*apic_reg(APIC_EOI) = 0;
}

static void send(uint32_t dest, uint32_t lo)
{
	*apic_reg(APIC_ICR_HI) = dest << 24;
	*apic_reg(APIC_ICR_LO) = lo;
	__asm__ __volatile__("sti; nop; nop; nop; cli" : : : "memory");
}

static void settle(void)
{
	__asm__ __volatile__("sti" : : : "memory");
	for (volatile int i = 0; i < SPIN; i++)
		;
	__asm__ __volatile__("cli" : : : "memory");
}

static void bad_ipis(void)
{
	const uint32_t vec = GUEST_IRQ_BASE + TEST_IRQ;

	for (uint32_t v = 0; v < 16; v++)
		send(0, ICR_SELF | ICR_DM_FIXED | v);
	send(NOBODY, ICR_DM_FIXED | vec);
	send(NOBODY, ICR_DM_LOWEST | vec);
	send(0, ICR_ALL_EXCL | ICR_DM_FIXED | vec);
	send(0, ICR_ALL_EXCL | ICR_DM_NMI);
	send(0, ICR_SELF | ICR_DM_SMI);
	send(0, ICR_ALL_INCL | ICR_DM_INIT | ICR_TRIGGER_LEVEL);	/* de-assert: no INIT */
	send(0, ICR_SELF | ICR_DM_STARTUP | 0x10);
	send(0, ICR_SELF | ICR_DM_RESERVED | vec);
	settle();
	GUEST_ASSERT(taken == 0);
	send(0, ICR_ALL_INCL | ICR_DM_FIXED | vec);
	settle();
	GUEST_SYNC2(1, taken);
}

static void self_nmi(void)
{
	int vec;

	*apic_reg(APIC_ICR_HI) = 0;
	vec = GUEST_SAFE("movl %0, (%1); nop; nop; nop; nop",
			 : : "r"(ICR_SELF | ICR_DM_NMI | ICR_LEVEL_ASSERT),
			   "r"(apic_reg(APIC_ICR_LO)) : "r11", "memory");
	GUEST_SYNC2(2, (uint64_t)vec);
}

/* Read-only and reserved registers, written with zero (SDM Vol. 3A Table 10-1). */
static bool writable(unsigned int off)
{
	switch (off) {
	case APIC_ICR_LO:
	case APIC_LVT_TIMER:
	case APIC_TMICT:
	case APIC_SVR:
		return false;	/* written on purpose elsewhere: zero would disable or fire */
	default:
		return off != APIC_ID;
	}
}

static void every_register(void)
{
	uint64_t sum = 0;

	for (unsigned int off = 0; off < APIC_PAGE; off += 16) {
		sum += *apic_reg(off);
		if (writable(off))
			*apic_reg(off) = 0;
	}
	*apic_reg(APIC_EOI) = 0;
	*apic_reg(APIC_ESR) = 0;
	*(volatile uint8_t *)(APIC_BASE + APIC_ICR_LO + 1) = 0;
	*(volatile uint64_t *)(APIC_BASE + APIC_ICR_LO) = 0;
	*(volatile uint32_t *)(APIC_BASE + APIC_ICR_LO + 2) = 0;
	taken = 0;
	send(0, ICR_SELF | ICR_DM_FIXED | (GUEST_IRQ_BASE + TEST_IRQ));
	settle();
	GUEST_SYNC2(3, taken + (sum & 0));
}

void guest_main(void)
{
	guest_idt_install();
	guest_irq_install(TEST_IRQ, handler);
	*apic_reg(APIC_SVR) = APIC_SVR_ENABLE | 0xff;
	bad_ipis();
	self_nmi();
	every_register();
}
