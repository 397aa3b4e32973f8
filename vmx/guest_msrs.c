/*
 * Guest state the CPU does not switch at VM entry and exit (SDM Vol. 3C
 * 25.4, 28.3 list what it does): the SYSCALL MSRs (STAR, LSTAR, CSTAR,
 * SFMASK), SWAPGS's KERNEL_GS_BASE, RDTSCP's TSC_AUX, and XCR0.  The
 * hypervisor uses none of them (no SYSCALL, no SWAPGS, no extended state),
 * so a vCPU's values stay loaded on its CPU while it runs and between
 * runs, and are swapped only when another vCPU enters on that CPU or the
 * vCPU leaves it (the idea of KVM's "user return" MSRs).  A guest changes
 * KERNEL_GS_BASE with SWAPGS without an exit, so the CPU's copy is the
 * current one while the vCPU owns the CPU.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "vmx/vcpu_internal.h"

static const u32 shared_msr_index[VCPU_NR_SHARED_MSRS] = {
	[VCPU_MSR_STAR] = MSR_STAR,
	[VCPU_MSR_LSTAR] = MSR_LSTAR,
	[VCPU_MSR_CSTAR] = MSR_CSTAR,
	[VCPU_MSR_SFMASK] = MSR_SYSCALL_MASK,
	[VCPU_MSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
	[VCPU_MSR_TSC_AUX] = MSR_TSC_AUX,
};

static bool host_has_xsave(void)
{
	return read_cr4() & X86_CR4_OSXSAVE;
}

/* Keep what the CPU holds of the owner's state before another vCPU's goes in. */
static void save_owner(struct percpu *c)
{
	struct vcpu *o = c->guest_msr_owner;

	if (o)
		o->shared_msrs[VCPU_MSR_KERNEL_GS_BASE] = rdmsr(MSR_KERNEL_GS_BASE);
	c->guest_msr_owner = NULL;
}

void vcpu_load_guest_state(struct vcpu *v)
{
	struct percpu *c = this_cpu();

	if (c->guest_msr_owner == v)
		return;
	save_owner(c);
	/* _safe: TSC_AUX exists only with RDTSCP (the guest is then told so). */
	for (int i = 0; i < VCPU_NR_SHARED_MSRS; i++)
		wrmsr_safe(shared_msr_index[i], v->shared_msrs[i]);
	if (host_has_xsave() && xgetbv(0) != v->xcr0)
		xsetbv(0, v->xcr0);
	c->guest_msr_owner = v;
}

void vcpu_put_guest_state(struct vcpu *v)
{
	struct percpu *c = this_cpu();

	if (c->guest_msr_owner == v)
		save_owner(c);
}

int vcpu_shared_msr_slot(u32 msr)
{
	for (int i = 0; i < VCPU_NR_SHARED_MSRS; i++)
		if (shared_msr_index[i] == msr)
			return i;
	return -1;
}

u64 vcpu_get_shared_msr(struct vcpu *v, int slot)
{
	/* Called after an exit on this CPU: v owns it, and SWAPGS may have moved the value. */
	if (slot == VCPU_MSR_KERNEL_GS_BASE && this_cpu()->guest_msr_owner == v)
		return rdmsr(MSR_KERNEL_GS_BASE);
	return v->shared_msrs[slot];
}

void vcpu_set_shared_msr(struct vcpu *v, int slot, u64 val)
{
	v->shared_msrs[slot] = val;
	if (this_cpu()->guest_msr_owner == v)
		wrmsr_safe(shared_msr_index[slot], val);
}

void vcpu_forget_guest_state(struct vcpu *v)
{
	for (unsigned int i = 0; i < nr_cpus; i++)
		__atomic_compare_exchange_n(&cpus[i].guest_msr_owner, &v, NULL, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
