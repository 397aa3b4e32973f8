/* The in-hypervisor benchmarks of `make bench` (vmm/bench.c). */
#pragma once

/* Run the VMX benchmarks and print "bench:" lines; 0 or a negative errno. */
int bench_vmx_run(void);

/* Dirty-log round cost, write protection vs PML (vmm/bench_dirty.c); 0 or an errno. */
int bench_dirty_log_run(void);

/* The xAPIC self-IPI round, its ICR and EOI writes (tests/kernel/bench_apic.c); 0 or an errno. */
int bench_apic_run(void);

/* The remote-flush figures (0-3 vCPUs running on other CPUs); 0, or -ENODEV with one CPU. */
int bench_smp_run(void);

/* memslot_perf_test's scenarios timed (two CPUs); 0, -ENODEV with one CPU, or the failure. */
int bench_perf_run(void);
