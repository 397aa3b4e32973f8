/* The small exit handlers: HLT, the preemption timer, triple fault, NMIs, VMX instructions, INVD. */
#include "arch/x86/lapic.h"
#include "arch/x86/trap.h"
#include "arch/x86/uart_irq.h"
#include "lib/printf.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

int vmx_handle_hlt(struct vcpu *v)
{
	vcpu_skip_instruction(v);
	v->exit.reason = VCPU_EXIT_HLT;
	return 0;
}

/* The run's budget is spent; the guest resumes where it was on the next vcpu_run(). */
int vmx_handle_preemption_timer(struct vcpu *v)
{
	v->exit.reason = VCPU_EXIT_BUDGET;
	return 0;
}

/* A triple fault shuts the guest down (SDM Vol. 3A 6.15, #DF): its VM is over. */
int vmx_handle_triple_fault(struct vcpu *v)
{
	kprintf("vmx: vcpu %u: triple fault; the VM is shut down\n", v->id);
	vcpu_dump(v);
	v->exit.reason = VCPU_EXIT_SHUTDOWN;
	v->dead = true;
	return 0;
}

/*
 * The exception bitmap is 0, so only NMIs exit here: one that hit the host
 * while the guest ran.  Nothing in slotvisor sends NMIs yet; note it and go on.
 */
int vmx_handle_exception_nmi(struct vcpu *v)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

	if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
		kprintf("vmx: vcpu %u: host NMI during guest execution, ignored\n", v->id);
		return 1;
	}
	return vcpu_internal_error(v, "unexpected exception exit, interruption info 0x%x", info);
}

/*
 * The exit acknowledged the interrupt (acknowledge interrupt on exit): its
 * vector is in the exit information.  The kick IPI only needs the exit
 * itself: EOI it and let the run loop handle the requests.  The console's
 * input ends the run (VCPU_EXIT_INTR) so that its VMM reads it at once.
 */
int vmx_handle_external_interrupt(struct vcpu *v)
{
	u32 info = vmcs_read32(VM_EXIT_INTR_INFO);

	u32 vec = info & INTR_INFO_VECTOR_MASK;

	/* The idle timer (arch/x86/idle.c) may fire just after a halt ended: EOI it too. */
	if ((info & INTR_INFO_VALID) && (vec == VCPU_KICK_VECTOR || vec == LAPIC_TIMER_VECTOR)) {
		lapic_eoi();
		return 1;
	}
	/* The console's input: its VMM reads it now (as KVM_EXIT_INTR), not at the slice's end. */
	if ((info & INTR_INFO_VALID) && vec == LAPIC_UART_VECTOR) {
		uart_irq_handle();
		v->exit.reason = VCPU_EXIT_INTR;
		return 0;
	}
	return vcpu_internal_error(v, "unexpected external interrupt (interruption info 0x%x)",
				   info);
}

/*
 * TPR shadow: a MOV to CR8 lowered the TPR below the threshold, past an
 * interrupt it held back (a trap: the MOV is done).  vcpu_run() takes the
 * TPR from VTPR after the exit and its next entry injects the interrupt.
 */
int vmx_handle_tpr_below_threshold(struct vcpu *v)
{
	return 1;
}

/* The guest sees a CPU without VMX (CPUID hides it), so VMX instructions are #UD. */
int vmx_handle_vmx_instruction(struct vcpu *v)
{
	vcpu_inject_exception(v, X86_TRAP_UD, false, 0);
	return 1;
}

/*
 * INVD always exits (SDM Vol. 3C 26.1.2).  Discarding the caches without
 * writing them back would lose the data of other guests and of the
 * hypervisor, so it is not done: as KVM does, the instruction completes as
 * a no-op (the guest cannot tell, its memory being coherent either way).
 */
int vmx_handle_invd(struct vcpu *v)
{
	vcpu_skip_instruction(v);
	return 1;
}

/*
 * A hardware task switch always exits (SDM Vol. 3C 26.4.2); the exit
 * qualification gives the new TSS's selector in bits 15:0 and what caused
 * it in bits 31:30 (Table 28-2).  slotvisor does not emulate task switches
 * (KVM does, for 32-bit guests; no 64-bit OS uses them and long mode has
 * none): the VM ends, naming what the guest did.
 */
#define TASK_SWITCH_SOURCE_SHIFT 30
#define TASK_SWITCH_SOURCE_MASK 3u
#define TASK_SWITCH_SELECTOR_MASK 0xffffu

int vmx_handle_task_switch(struct vcpu *v)
{
	static const char *const source[] = { "a CALL", "an IRET with EFLAGS.NT",
					      "a JMP", "a task gate in the IDT" };
	u64 q = vmcs_readnat(EXIT_QUALIFICATION);

	return vcpu_internal_error(v, "a hardware task switch (%s to TSS selector %#llx): task "
				   "switches are not emulated",
				   source[(q >> TASK_SWITCH_SOURCE_SHIFT) & TASK_SWITCH_SOURCE_MASK],
				   q & TASK_SWITCH_SELECTOR_MASK);
}

int vmx_handle_ept_misconfig(struct vcpu *v)
{
	return vcpu_internal_error(v, "EPT misconfiguration at gpa 0x%llx: a bug in ept/",
				   vmcs_read64(GUEST_PHYSICAL_ADDRESS));
}

/*
 * A guest's INIT and SIPI are emulated (irq/: latched in its APIC, acted on
 * by kvm_apic_accept_events()); these exits mean the physical CPU itself got
 * one, which nothing in slotvisor sends to a CPU running a guest: the VM
 * ends with a clear reason.
 */
int vmx_handle_init_sipi(struct vcpu *v)
{
	u32 reason = vmcs_read32(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK;

	return vcpu_internal_error(v, "%s signal to the physical CPU while it ran this guest",
				   exit_reason_name(reason));
}
