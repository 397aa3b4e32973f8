/* The local APIC in xAPIC or x2APIC mode (SDM Vol. 3A 11): IDs and inter-processor interrupts. */
#pragma once

#include "types.h"

/* The IPI that wakes a halted CPU or forces a CPU out of its guest (a vCPU's kick). */
#define LAPIC_WAKE_VECTOR 0xf0
/* This CPU's own timer, which ends an idle halt (arch/x86/idle.c). */
#define LAPIC_TIMER_VECTOR 0xf1
/*
 * The console UART's receive interrupt (arch/x86/uart_irq.c), from the host
 * I/O APIC to the console's CPU: in the same priority class as the two
 * above, so that nothing the hypervisor leaves in its TPR holds it back.
 */
#define LAPIC_UART_VECTOR 0xf2

/*
 * Choose the mode of every CPU's APIC, once, on the BSP before lapic_init():
 * x2APIC if the firmware left it on, or if want_x2apic and the CPU has it;
 * xAPIC otherwise.  Says so when it is x2APIC; returns whether it is.
 */
bool lapic_setup(bool want_x2apic);
bool lapic_x2apic(void);

/*
 * Enable this CPU's local APIC in the chosen mode (software enable in the
 * spurious-vector register).
 */
void lapic_init(void);

u32 lapic_id(void);
/* This CPU's task priority register (tests: no guest may change it). */
u32 lapic_tpr(void);

/* INIT, then STARTUP with vector (the start page number), to one APIC id. */
void lapic_send_init(u32 apic_id);
void lapic_send_sipi(u32 apic_id, u8 vector);

/* A fixed interrupt with vector to one APIC id. */
void lapic_send_ipi(u32 apic_id, u8 vector);
void lapic_eoi(void);

/* Put this CPU's APIC timer in TSC-deadline mode with vector, unmasked. */
void lapic_timer_tsc_deadline(u8 vector);

/*
 * Halt this CPU until an interrupt (a wake IPI) or TSC deadline (0: none),
 * with interrupts off again on return; a spurious return is allowed.
 * Without TSC-deadline mode it spins instead of halting.
 */
void cpu_idle_until(u64 deadline);

/* How CPU cpu's time divided since it came online, in TSC ticks (the monitor's info cpus). */
struct cpu_times {
	u32 apic_id;
	u64 total;	/* since it came online */
	u64 guest;	/* in VMX non-root operation */
	u64 halted;	/* halted in cpu_idle_until() */
};

/* false if cpu is not online. */
bool cpu_times_get(unsigned int cpu, struct cpu_times *t);
