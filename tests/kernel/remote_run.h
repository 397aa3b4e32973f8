/* Running a vCPU on an application processor while the BSP acts as the VMM. */
#pragma once

#include "vmx/vcpu.h"

/* Enter VMX operation on CPU cpu (an online AP): 0, or the error of vmx_cpu_enable(). */
int vmm_enable_vmx_on(unsigned int cpu);

struct vmm_remote_run {
	struct vcpu *v;
	u64 budget;		/* TSC ticks per vcpu_run() */
	unsigned int max_runs;	/* 0: no limit */
	volatile bool stop;	/* set by the BSP to end the runs at the next budget exit */
};

/*
 * For smp_call_async(): run r->v on the calling CPU for as long as its runs
 * end on the budget and neither stop nor max_runs ends them, then
 * vcpu_put() it so another CPU may load it.  Returns the last exit reason.
 */
long vmm_remote_run(void *arg);

/*
 * Stop every vmm_remote_run() under way (a test ends early: ktest_abort())
 * and return once each has put its vCPU.  Panics if one does not stop.
 */
void remote_run_stop_all(void);
