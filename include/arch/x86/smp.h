/* Bringing up the application processors and giving them work. */
#pragma once

#include "arch/x86/percpu.h"

/*
 * Start every enabled processor the MADT lists (INIT-SIPI-SIPI, SDM Vol.
 * 3A 9.4.4) and wait for each to come online; nr_cpus counts the online
 * ones.  Returns how many APs started.
 */
unsigned int smp_init(bool trampoline_page_free);

/*
 * Run fn(arg) on CPU cpu (an online AP) and wait for its result; -ENODEV
 * if that CPU is not online.  smp_call_async() starts it and smp_wait()
 * collects the result, so the BSP can act while the AP works.
 */
long smp_call(unsigned int cpu, long (*fn)(void *), void *arg);
int smp_call_async(unsigned int cpu, long (*fn)(void *), void *arg);
long smp_wait(unsigned int cpu);

/* Whether the work smp_call_async() gave CPU cpu has finished (smp_wait() will not wait). */
bool smp_call_done(unsigned int cpu);
