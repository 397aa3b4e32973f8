/* vmm_remote_run: a vCPU's run loop on an AP, handed over with smp_call_async(). */
#include "arch/x86/smp.h"
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

long vmm_remote_run(void *arg)
{
	struct vmm_remote_run *r = arg;
	unsigned int runs = 0;

	do {
		vcpu_run(r->v, r->budget);
	} while (r->v->exit.reason == VCPU_EXIT_BUDGET && !r->stop &&
		 (!r->max_runs || ++runs < r->max_runs));
	vcpu_put(r->v);
	return r->v->exit.reason;
}
