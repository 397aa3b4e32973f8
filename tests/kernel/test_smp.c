/*
 * SMP bring-up: every AP the MADT lists came online through the
 * trampoline, runs work the BSP hands it with its own APIC id, GDT and
 * per-CPU data, and can enter VMX operation.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/lapic.h"
#include "arch/x86/smp.h"
#include "ktest.h"
#include "remote_run.h"

static long whoami(void *arg)
{
	struct percpu *c = this_cpu();

	return ((long)c->id << 32) | lapic_id();
}

static bool need_smp(struct ktest_ctx *t)
{
	if (nr_cpus < 2) {
		ktest_skip(t, "one CPU online (Bochs runs with cpu: count=2 in the SMP case)");
		return false;
	}
	return true;
}

KTEST(test_smp_bringup, "smp.bringup")
{
	if (!need_smp(t))
		return;
	for (unsigned int i = 1; i < nr_cpus; i++) {
		long r = smp_call(i, whoami, NULL);

		KT_ASSERT(t, (r >> 32) == i, "expected CPU %u to run the work, saw CPU %ld", i, r >> 32);
		KT_ASSERT(t, (u32)r == cpus[i].apic_id && cpus[i].apic_id != cpus[0].apic_id,
			  "expected APIC id %u on CPU %u (BSP %u), saw %u", cpus[i].apic_id, i,
			  cpus[0].apic_id, (u32)r);
	}
}

KTEST(test_smp_vmxon, "smp.vmxon")
{
	if (!need_smp(t))
		return;
	if (!(cpuid(1).ecx & CPUID_1_ECX_VMX)) {
		ktest_skip(t, "this CPU has no VT-x");
		return;
	}
	for (unsigned int i = 1; i < nr_cpus; i++) {
		long r = vmm_enable_vmx_on(i);

		KT_ASSERT(t, r == 0, "expected VMXON on CPU %u, saw %ld", i, r);
		KT_ASSERT(t, cpus[i].vmx_on, "expected CPU %u in VMX operation", i);
	}
}
