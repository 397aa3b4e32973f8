/*
 * The local APIC (SDM Vol. 3A 11): in xAPIC mode through MMIO at the base
 * IA32_APIC_BASE gives (11.4), reached through the direct map; in x2APIC
 * mode through MSRs 0x800 + offset / 16 (11.12), which firmware leaves on
 * for machines with APIC IDs above 255 and which slotvisor.x2apic=on
 * selects where the CPU has it.  Every CPU runs in the BSP's mode.  Only
 * what SMP bring-up and kicks need: the ID, the ICR, EOI, TPR, the timer.
 */
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "lib/panic.h"
#include "lib/printf.h"

#define APIC_BASE_ADDR_MASK 0xffffff000ULL
#define APIC_BASE_ENABLE BIT(11)
#define APIC_BASE_EXTD BIT(10)		/* x2APIC mode (11.12.1) */
#define X2APIC_MSR_BASE 0x800		/* MSR of register offset o: 0x800 + o / 16 */
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

static bool x2apic;	/* set on the BSP before any AP starts, then read only */
/*
 * The xAPIC's registers through the direct map, from the BSP's
 * IA32_APIC_BASE in lapic_setup(), before any AP starts, then read only:
 * every CPU's APIC sits at the same address (firmware leaves them so, and
 * lapic_init() refuses a CPU whose does not), so no RDMSR per access.
 */
static u8 *xapic_mmio;

static hpa_t lapic_base(void)
{
	return rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK;
}

/* Before lapic_setup() (an EOI from an early trap), the MSR says where. */
static volatile u32 *lapic_reg(u32 off)
{
	u8 *mmio = likely(xapic_mmio) ? xapic_mmio : phys_to_virt(lapic_base());

	return (volatile u32 *)(mmio + off);
}

static u32 lapic_read(u32 off)
{
	return x2apic ? (u32)rdmsr(X2APIC_MSR_BASE + off / 16) : *lapic_reg(off);
}

static void lapic_write(u32 off, u32 val)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + off / 16, val);
	else
		*lapic_reg(off) = val;
}

bool lapic_setup(bool want_x2apic)
{
	xapic_mmio = phys_to_virt(lapic_base());
	if (rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD) {
		x2apic = true;
		kprintf("lapic: x2APIC mode, as the firmware left it\n");
	} else if (want_x2apic && (cpuid(1).ecx & CPUID_1_ECX_X2APIC)) {
		x2apic = true;
		kprintf("lapic: x2APIC mode (slotvisor.x2apic=on)\n");
	} else if (want_x2apic) {
		kprintf("lapic: slotvisor.x2apic=on, but this CPU has no x2APIC: xAPIC mode\n");
	}
	return x2apic;
}

bool lapic_x2apic(void)
{
	return x2apic;
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_ENABLE;

	if (phys_to_virt(base & APIC_BASE_ADDR_MASK) != (void *)xapic_mmio)
		panic("lapic: this CPU's APIC is at 0x%llx, the BSP's at 0x%llx; slotvisor "
		      "needs one address", base & APIC_BASE_ADDR_MASK,
		      virt_to_phys(xapic_mmio));
	/* Enabled first, then x2APIC: disabled to x2APIC in one write is #GP (11.12.5). */
	wrmsr(MSR_IA32_APIC_BASE, base);
	if (x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EXTD);
	lapic_write(LAPIC_SVR, SVR_ENABLE | SVR_SPURIOUS_VECTOR);
}

u32 lapic_id(void)
{
	/* The x2APIC ID register holds all 32 bits (11.12.5.1). */
	return x2apic ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;
}

u32 lapic_tpr(void)
{
	return lapic_read(LAPIC_TPR);
}

/*
 * Send an IPI.  xAPIC: write the ICR's halves, wait until the APIC has
 * sent it (bounded).  x2APIC: one 64-bit ICR write, destination in bits
 * 63:32 and no delivery status to wait for (11.12.9); but WRMSR to an
 * x2APIC register is not serializing (11.12.3), so a fence first keeps the
 * stores the receiver must see (a vCPU's request bits) ahead of the IPI.
 */
static void lapic_icr(u32 apic_id, u32 low)
{
	if (x2apic) {
		__asm__ __volatile__("mfence; lfence" : : : "memory");
		wrmsr(X2APIC_MSR_BASE + LAPIC_ICR_LOW / 16, (u64)apic_id << 32 | low);
		return;
	}
	if (apic_id > 0xff)
		panic("lapic: APIC id %u needs x2APIC mode", apic_id);
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
	lapic_write(LAPIC_EOI, 0);
}

void lapic_timer_tsc_deadline(u8 vector)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | vector);
}
