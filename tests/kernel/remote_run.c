/* vmm_remote_run: a vCPU's run loop on an AP, handed over with smp_call_async(). */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "lib/panic.h"
#include "remote_run.h"
#include "vmx/vmx.h"

static long enable_vmx(void *arg)
{
	const char *why = "";

	return vmx_cpu_enable(&why);
}

int vmm_enable_vmx_on(unsigned int cpu)
{
	return (int)smp_call(cpu, enable_vmx, NULL);
}

#define STOP_POLLS 2000000000ULL

/* The runs under way, one per CPU at most, for remote_run_stop_all(). */
static struct vmm_remote_run *active[MAX_CPUS];

long vmm_remote_run(void *arg)
{
	struct vmm_remote_run *r = arg;
	unsigned int cpu = this_cpu()->id;
	unsigned int runs = 0;
	long reason;

	__atomic_store_n(&active[cpu], r, __ATOMIC_SEQ_CST);
	do {
		vcpu_run(r->v, r->budget);
	} while (r->v->exit.reason == VCPU_EXIT_BUDGET && !r->stop &&
		 (!r->max_runs || ++runs < r->max_runs));
	vcpu_put(r->v);
	reason = r->v->exit.reason;
	__atomic_store_n(&active[cpu], NULL, __ATOMIC_SEQ_CST);
	return reason;
}

void remote_run_stop_all(void)
{
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		struct vmm_remote_run *r = __atomic_load_n(&active[cpu], __ATOMIC_SEQ_CST);

		if (!r)
			continue;
		r->stop = true;
		vcpu_request_stop(r->v);	/* a run without a budget ends at its next exit */
		for (u64 i = 0; __atomic_load_n(&active[cpu], __ATOMIC_SEQ_CST); i++) {
			if (i == STOP_POLLS)
				panic("ktest: the vCPU running on CPU %u does not stop", cpu);
			cpu_relax();
		}
	}
}
