/* The in-hypervisor benchmarks of `make bench` (vmm/bench.c). */
#pragma once

/* Run the VMX benchmarks and print "bench:" lines; 0 or a negative errno. */
int bench_vmx_run(void);
