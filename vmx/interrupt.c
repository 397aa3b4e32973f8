/*
 * External interrupts from the VMM's interrupt controller, the way KVM
 * takes them from an interrupt controller in user space: the VMM injects a
 * vector only when the guest can take it (vcpu_interrupt(), KVM_INTERRUPT),
 * and otherwise asks for an exit as soon as it can
 * (request_interrupt_window, KVM_EXIT_IRQ_WINDOW_OPEN), using
 * interrupt-window exiting (SDM Vol. 3C 26.7.5).  The acknowledge cycle of
 * the controller happens at injection, so its state matches what the
 * guest took.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"
#include "lib/errno.h"
#include "vmx/exit_handlers.h"
#include "vmx/vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

/*
 * Could an external interrupt be delivered at the next entry?  RFLAGS.IF,
 * no blocking by STI or MOV SS (SDM Vol. 3C 25.4.2, Table 25-3), and no
 * event already waiting in the entry's interruption field (a re-delivery).
 */
static bool vcpu_interruptible(void)
{
	u32 blocking = GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS;

	return (vmcs_readnat(GUEST_RFLAGS) & X86_RFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & blocking) &&
	       !(vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID);
}

void vcpu_update_ready_for_interrupt(struct vcpu *v)
{
	v->ready_for_interrupt = vcpu_interruptible();
}

int vcpu_interrupt(struct vcpu *v, u8 vector)
{
	vcpu_load(v);
	if (!vcpu_interruptible())
		return -EBUSY;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
		     vector | (INTR_TYPE_EXT_INTR << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID);
	v->ready_for_interrupt = false;
	v->irqs_injected++;
	return 0;
}

/*
 * An NMI (from an emulated APIC's NMI IPI) at the next entry; -EBUSY while
 * the guest blocks NMIs (inside its NMI handler until IRET, after STI or
 * MOV SS) or another event waits.  With virtual NMIs (vmx/controls.c) the
 * injected NMI blocks until the guest's IRET, and an NMI-window exit
 * (returned as VCPU_EXIT_IRQ_WINDOW_OPEN) says when to try again (SDM
 * Vol. 3C 26.7.6, 27.3.2.5); without them the VMM retries at its next exit.
 */
int vcpu_nmi(struct vcpu *v)
{
	u32 blocking = GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS | GUEST_INTR_STATE_NMI;
	u32 proc;

	vcpu_load(v);
	if ((vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & blocking) ||
	    (vmcs_read32(VM_ENTRY_INTR_INFO_FIELD) & INTR_INFO_VALID)) {
		proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
		if ((vmcs_read32(PIN_BASED_VM_EXEC_CONTROL) & PIN_BASED_VIRTUAL_NMIS) &&
		    vmx_ctl_allows(vmx_caps.procbased, CPU_BASED_NMI_WINDOW_EXITING))
			vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc | CPU_BASED_NMI_WINDOW_EXITING);
		return -EBUSY;
	}
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
		     X86_TRAP_NMI | (INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID);
	v->ready_for_interrupt = false;
	v->nmis_injected++;
	return 0;
}

/*
 * Before an entry: exit when the guest becomes interruptible if the VMM
 * asked for it; 0, or 1 when it already is (the caller returns at once).
 */
int vcpu_arm_irq_window(struct vcpu *v)
{
	bool want = v->request_interrupt_window;
	u32 proc;

	if (want && vcpu_interruptible()) {
		v->exit.reason = VCPU_EXIT_IRQ_WINDOW_OPEN;
		want = false;
	}
	if (want != v->irq_window_armed) {
		proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, want ? proc | CPU_BASED_INTR_WINDOW_EXITING :
							      proc & ~CPU_BASED_INTR_WINDOW_EXITING);
		v->irq_window_armed = want;
	}
	return v->exit.reason == VCPU_EXIT_IRQ_WINDOW_OPEN;
}

/* The guest can take an NMI now: the VMM injects it. */
int handle_nmi_window(struct vcpu *v)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_NMI_WINDOW_EXITING);
	v->exit.reason = VCPU_EXIT_IRQ_WINDOW_OPEN;
	return 0;
}

/* The guest can take an interrupt now: the VMM injects one. */
int handle_interrupt_window(struct vcpu *v)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_INTR_WINDOW_EXITING);
	v->irq_window_armed = false;
	v->exit.reason = VCPU_EXIT_IRQ_WINDOW_OPEN;
	return 0;
}
