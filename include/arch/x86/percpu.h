/*
 * Per-CPU data.  Each CPU's GS base points at its struct percpu (whose
 * first field points at itself), so this_cpu() is one load from %gs:0.
 * CPU 0 is the bootstrap processor; APs are numbered in MADT order.
 */
#pragma once

#include "arch/x86/desc.h"
#include "compiler.h"
#include "arch/x86/layout.h"
#include "types.h"

#define MAX_CPUS 16

struct vmcs;
struct vcpu;

struct percpu {
	struct percpu *self;	/* %gs:0 */
	unsigned int id;
	u32 apic_id;
	bool online;
	int trap_depth;		/* nesting of trap_dispatch() on this CPU */
	/* The CPU's descriptor tables and the stacks its TSS names. */
	u64 gdt[GDT_ENTRIES] __aligned(16);
	struct tss64 tss __aligned(16);
	u8 ist_stacks[IST_COUNT][IST_STACK_SIZE] __aligned(16);
	/* VMX state of this CPU (vmx/). */
	struct vmcs *vmxon_region;
	bool vmx_on;
	u64 cr4_before_vmx;
	struct vmcs *current_vmcs;
	struct vcpu *guest_msr_owner;	/* whose x87/SSE/AVX registers are loaded (vmx/guest_state.c) */
	/* Idling (arch/x86/idle.c): wake interrupts taken, TSC ticks halted. */
	volatile u64 wakeups;
	u64 halted_tsc;
	u64 guest_tsc;		/* TSC ticks in VMX non-root operation (vmx/run.c) */
	/*
	 * An interrupt for this CPU's VMM arrived (the console's input,
	 * arch/x86/uart_irq.c): vm_run() returns to its caller at once,
	 * with VCPU_EXIT_INTR, as KVM_RUN returns KVM_EXIT_INTR for a signal.
	 */
	volatile bool vmm_intr;
	u64 online_tsc;		/* the TSC when it came online */
	/* Work the BSP hands an AP (arch/x86/smp.c). */
	long (*volatile work_fn)(void *arg);
	void *volatile work_arg;
	volatile long work_result;
	volatile bool work_done;
};

extern struct percpu cpus[MAX_CPUS];
extern unsigned int nr_cpus;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline bool cpu_vmm_intr_pending(void)
{
	return READ_ONCE(this_cpu()->vmm_intr);
}

/* Whether one arrived since the last call, clearing it (the caller then reads the input). */
static inline bool cpu_vmm_intr_take(void)
{
	return __atomic_exchange_n(&this_cpu()->vmm_intr, false, __ATOMIC_SEQ_CST);
}

/* Point GS at cpus[id] on the calling CPU. */
void percpu_init(unsigned int id);
