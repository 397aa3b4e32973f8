/*
 * Idling a CPU that runs a halted vCPU: it halts until an interrupt is
 * due, instead of spinning, so that an idle guest does not keep a core
 * busy.  The interrupts that end the halt are the wake IPI another CPU
 * sends (LAPIC_WAKE_VECTOR: the kick of a vCPU, include/vmx/vcpu.h) and
 * this CPU's own APIC timer in TSC-deadline mode (SDM Vol. 3A 11.5.4.1),
 * armed for the time the vCPU must wake at anyway.  A CPU without
 * TSC-deadline mode opens a one-instruction interrupt window in a loop
 * until the time or a wake IPI comes: it wakes as promptly, but spins.
 * The hypervisor otherwise runs with interrupts off; both vectors only
 * need their EOI (trap_dispatch()).
 */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"

#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define MSR_IA32_TSC_DEADLINE 0x6e0

static bool has_tsc_deadline(void)
{
	static int known = -1;

	if (known < 0)
		known = !!(cpuid_count(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE);
	return known;
}

void cpu_idle_until(u64 deadline)
{
	struct percpu *c = this_cpu();
	u64 wakeups = c->wakeups;

	if (has_tsc_deadline()) {
		u64 t0 = rdtsc();

		lapic_timer_tsc_deadline(LAPIC_TIMER_VECTOR);
		if (deadline)
			wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
		wrmsr(MSR_IA32_TSC_DEADLINE, 0);
		c->halted_tsc += rdtsc() - t0;
		return;
	}
	/* STI's shadow covers the NOP: each round is a one-instruction window (SDM Vol. 2B, STI). */
	while (READ_ONCE(c->wakeups) == wakeups && (!deadline || rdtsc() < deadline))
		__asm__ __volatile__("sti; nop; cli" ::: "memory");
}

bool cpu_times_get(unsigned int cpu, struct cpu_times *t)
{
	const struct percpu *c = &cpus[cpu];

	if (cpu >= nr_cpus || !READ_ONCE(c->online))
		return false;
	*t = (struct cpu_times){ .apic_id = c->apic_id, .total = rdtsc() - c->online_tsc,
				 .guest = READ_ONCE(c->guest_tsc), .halted = READ_ONCE(c->halted_tsc) };
	return true;
}
