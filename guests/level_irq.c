/*
 * level_irq: a level-triggered interrupt through the I/O APIC into the
 * xAPIC, ended by the local APIC's EOI (tests/kernel/test_guest_level_irq.c).
 * The guest routes I/O APIC pin LEVEL_PIN, level-triggered and active
 * high, to vector 0x2c on this CPU (SYNC 1); the VMM raises the pin and
 * keeps it high.  Each EOI of the vector must reach the I/O APIC (KVM's
 * and slotvisor's I/O APIC is version 0x11: it learns of the end from the
 * local APIC's EOI, not from an EOI register of its own), which clears the
 * entry's remote IRR and, the pin still high, delivers again (82093AA
 * datasheet 3.2.4).  After ROUNDS deliveries the handler masks the pin
 * before its EOI.  SYNC 2: the deliveries seen within a spin bound (1 when
 * the EOI never reached the I/O APIC), then whether remote IRR is clear.
 */
#include "guest.h"

#define APIC_BASE 0xfee00000UL
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_SVR_ENABLE 0x100
#define IOAPIC_BASE 0xfec00000UL
#define IOAPIC_SELECT 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))	/* low dword; the high one follows */
#define RTE_LEVEL (1u << 15)
#define RTE_REMOTE_IRR (1u << 14)
#define RTE_MASKED (1u << 16)
#define LEVEL_PIN 10		/* ISA IRQ 10, nothing else on it here */
#define IRQ_LEVEL 12		/* vector GUEST_IRQ_BASE + 12 = 0x2c */
#define ROUNDS 3
#define SPIN_LIMIT 10000000

static volatile uint32_t *reg(unsigned long base, unsigned int off)
{
	return (volatile uint32_t *)(base + off);
}

static void ioapic_write(unsigned int index, uint32_t val)
{
	*reg(IOAPIC_BASE, IOAPIC_SELECT) = index;
	*reg(IOAPIC_BASE, IOAPIC_WINDOW) = val;
}

static uint32_t ioapic_read(unsigned int index)
{
	*reg(IOAPIC_BASE, IOAPIC_SELECT) = index;
	return *reg(IOAPIC_BASE, IOAPIC_WINDOW);
}

static volatile uint32_t taken;

static void handler(void)
{
	if (++taken == ROUNDS)
		ioapic_write(IOAPIC_REDIR(LEVEL_PIN), RTE_MASKED | RTE_LEVEL | (GUEST_IRQ_BASE + IRQ_LEVEL));
	*reg(APIC_BASE, APIC_EOI) = 0;
}

void guest_main(void)
{
	uint32_t spins = 0;

	guest_idt_install();
	guest_irq_install(IRQ_LEVEL, handler);
	*reg(APIC_BASE, APIC_SVR) = APIC_SVR_ENABLE | 0xff;
	ioapic_write(IOAPIC_REDIR(LEVEL_PIN) + 1, 0);	/* destination: APIC ID 0, this vCPU */
	ioapic_write(IOAPIC_REDIR(LEVEL_PIN), RTE_LEVEL | (GUEST_IRQ_BASE + IRQ_LEVEL));
	GUEST_SYNC(1);
	__asm__ __volatile__("sti" : : : "memory");
	while (taken < ROUNDS && spins++ < SPIN_LIMIT)
		__asm__ __volatile__("pause" : : : "memory");
	__asm__ __volatile__("cli" : : : "memory");
	GUEST_SYNC2(2, taken);
	GUEST_SYNC2(3, !(ioapic_read(IOAPIC_REDIR(LEVEL_PIN)) & RTE_REMOTE_IRR));
}
