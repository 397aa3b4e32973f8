/*
 * The local APIC, xAPIC MMIO mode, reached through the direct map at the
 * base IA32_APIC_BASE gives (SDM Vol. 3A 11.4).  Only what SMP bring-up
 * and kicks need: the ID, the ICR, EOI.
 */
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"

#define APIC_BASE_ADDR_MASK 0xffffff000ULL
#define APIC_BASE_ENABLE BIT(11)
#define LAPIC_ID 0x20
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define SVR_ENABLE BIT(8)
#define SVR_SPURIOUS_VECTOR 0xff
#define ICR_DELIVERY_FIXED (0 << 8)
#define ICR_DELIVERY_INIT (5 << 8)
#define ICR_DELIVERY_STARTUP (6 << 8)
#define ICR_SEND_PENDING BIT(12)
#define ICR_LEVEL_ASSERT BIT(14)
#define ICR_DEST_SHIFT 24
#define ICR_POLLS 1000000

static volatile u32 *lapic_reg(u32 off)
{
	hpa_t base = rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK;

	return (volatile u32 *)((u8 *)phys_to_virt(base) + off);
}

void lapic_init(void)
{
	wrmsr(MSR_IA32_APIC_BASE, rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_ENABLE);
	*lapic_reg(LAPIC_SVR) = SVR_ENABLE | SVR_SPURIOUS_VECTOR;
}

u32 lapic_id(void)
{
	return *lapic_reg(LAPIC_ID) >> 24;
}

u32 lapic_tpr(void)
{
	return *lapic_reg(LAPIC_TPR);
}

/* Write the ICR and wait until the APIC has sent it (bounded). */
static void lapic_icr(u32 apic_id, u32 low)
{
	*lapic_reg(LAPIC_ICR_HIGH) = apic_id << ICR_DEST_SHIFT;
	*lapic_reg(LAPIC_ICR_LOW) = low;
	for (int i = 0; i < ICR_POLLS && (*lapic_reg(LAPIC_ICR_LOW) & ICR_SEND_PENDING); i++)
		cpu_relax();
}

void lapic_send_init(u32 apic_id)
{
	lapic_icr(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_sipi(u32 apic_id, u8 vector)
{
	lapic_icr(apic_id, ICR_DELIVERY_STARTUP | vector);
}

void lapic_send_ipi(u32 apic_id, u8 vector)
{
	lapic_icr(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

void lapic_eoi(void)
{
	*lapic_reg(LAPIC_EOI) = 0;
}

void lapic_timer_tsc_deadline(u8 vector)
{
	*lapic_reg(LAPIC_LVT_TIMER) = LVT_TIMER_TSC_DEADLINE | vector;
}
