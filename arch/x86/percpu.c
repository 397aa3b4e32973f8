/* Per-CPU data: the array, and GS pointing at this CPU's entry. */
#include "arch/x86/msr.h"
#include "arch/x86/percpu.h"

struct percpu cpus[MAX_CPUS];
unsigned int nr_cpus = 1;

void percpu_init(unsigned int id)
{
	cpus[id].self = &cpus[id];
	cpus[id].id = id;
	wrmsr(MSR_GS_BASE, (u64)&cpus[id]);
}
