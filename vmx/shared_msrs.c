/*
 * The MSRs no VMCS field switches and that guests change without an exit
 * (the MSR bitmap passes them through, vmx/msr_bitmap.c; SWAPGS changes
 * KERNEL_GS_BASE even without it): STAR, LSTAR, CSTAR, SFMASK
 * (SYSCALL/SYSRET, SDM Vol. 3A 5.8.8), KERNEL_GS_BASE (SWAPGS) and TSC_AUX
 * (RDTSCP, RDPID).  KVM's "user-return MSRs": a vCPU's values go onto its
 * CPU at vcpu_run()'s first entry and stay there across every exit
 * vmx/ handles (the fast path included), and when vcpu_run() returns they
 * are read back into the vCPU and the values the CPU had before (the
 * host's) put back.  So outside vcpu_run() the CPU holds the host's
 * values and the vCPU holds the guest's: a second vCPU on the same CPU,
 * a vCPU that moves to another CPU (vm/vcpu_threads.c, vcpu_put()), the
 * monitor and vcpu_get_msr() see the right ones without asking where the
 * vCPU last ran.  Inside vcpu_run(), exit handlers read and write the
 * CPU's copy (vcpu_get_shared_msr()).  Nothing the hypervisor runs
 * between entry and return depends on them: it never executes SYSCALL,
 * SYSRET, SWAPGS, RDTSCP or RDPID, and its GS base (this_cpu()) is
 * IA32_GS_BASE, which VM exits load from HOST_GS_BASE.
 */
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"
#include "vcpu_internal.h"

static const u32 shared_msr_index[VCPU_NR_SHARED_MSRS] = {
	[VCPU_MSR_STAR] = MSR_STAR,
	[VCPU_MSR_LSTAR] = MSR_LSTAR,
	[VCPU_MSR_CSTAR] = MSR_CSTAR,
	[VCPU_MSR_SFMASK] = MSR_SYSCALL_MASK,
	[VCPU_MSR_KERNEL_GS_BASE] = MSR_KERNEL_GS_BASE,
	[VCPU_MSR_TSC_AUX] = MSR_TSC_AUX,
};

/* Per CPU: the host's values while a vCPU's are loaded, and which vCPU's. */
struct shared_msrs_cpu {
	struct vcpu *loaded;
	u64 host[VCPU_NR_SHARED_MSRS];
	u32 absent;	/* slots whose MSR this CPU lacks (TSC_AUX without RDTSCP) */
};

static struct shared_msrs_cpu shared_msrs_cpus[MAX_CPUS];

static struct shared_msrs_cpu *this_cpu_msrs(void)
{
	return &shared_msrs_cpus[this_cpu()->id];
}

void vcpu_load_shared_msrs(struct vcpu *v)
{
	struct shared_msrs_cpu *c = this_cpu_msrs();

	if (c->loaded == v)
		return;
	if (c->loaded)	/* never so: vcpu_run() puts what it loads; kept correct anyway */
		vcpu_put_shared_msrs(c->loaded);
	c->absent = 0;
	for (int i = 0; i < VCPU_NR_SHARED_MSRS; i++) {
		if (rdmsr_safe(shared_msr_index[i], &c->host[i])) {
			c->absent |= BIT(i);
			continue;
		}
		if (v->shared_msrs[i] != c->host[i])
			wrmsr_safe(shared_msr_index[i], v->shared_msrs[i]);
	}
	c->loaded = v;
}

/* Whether the host's value of slot goes back (the test image may leave one out on purpose). */
static bool restore_host(struct vcpu *v, int slot)
{
#ifdef CONFIG_SLOTVISOR_TEST
	if (v->debug.keep_guest_msr == shared_msr_index[slot])
		return false;
#endif
	return true;
}

void vcpu_put_shared_msrs(struct vcpu *v)
{
	struct shared_msrs_cpu *c = this_cpu_msrs();

	if (c->loaded != v)
		return;
	for (int i = 0; i < VCPU_NR_SHARED_MSRS; i++) {
		if (c->absent & BIT(i))
			continue;
		v->shared_msrs[i] = rdmsr(shared_msr_index[i]);
		if (v->shared_msrs[i] != c->host[i] && restore_host(v, i))
			wrmsr(shared_msr_index[i], c->host[i]);
	}
	c->loaded = NULL;
}

int vcpu_shared_msr_slot(u32 msr)
{
	for (int i = 0; i < VCPU_NR_SHARED_MSRS; i++)
		if (shared_msr_index[i] == msr)
			return i;
	return -1;
}

/* Inside vcpu_run() the CPU's copy is the current one: the guest may have written it since. */
u64 vcpu_get_shared_msr(struct vcpu *v, int slot)
{
	if (this_cpu_msrs()->loaded == v)
		return rdmsr(shared_msr_index[slot]);
	return v->shared_msrs[slot];
}

void vcpu_set_shared_msr(struct vcpu *v, int slot, u64 val)
{
	v->shared_msrs[slot] = val;
	if (this_cpu_msrs()->loaded == v)
		wrmsr_safe(shared_msr_index[slot], val);
}
