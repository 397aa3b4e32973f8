/*
 * Event injection.  A VM with interrupt controllers (irq/, kvm->irqchip)
 * is asked once before every entry what waits, as KVM's in-kernel irqchip
 * is (vcpu_inject_pending_event()): what the guest can take now is
 * injected and acknowledged at its controller, so the controller's state
 * matches what the guest took; otherwise interrupt-window (or NMI-window)
 * exiting says when to ask again (SDM Vol. 3C 26.7.5-26.7.6), and vmx/
 * re-enters at once.  A VM without controllers keeps KVM's user-space
 * model: the VMM injects with vcpu_interrupt() (KVM_INTERRUPT) and asks for
 * VCPU_EXIT_IRQ_WINDOW_OPEN with request_interrupt_window.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"
#include "irq/irq.h"
#include "lib/errno.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
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
 * Move the NMIs sent to v into its pending count (KVM's process_nmi()): a
 * CPU holds one NMI in service and one pending behind it (SDM Vol. 3A
 * 11.5.1, 6.7.1), so two NMIs that arrive together both run, and while one
 * is in service (NMI blocking, or injected and not yet delivered) only
 * one more is kept.
 */
static void process_nmi(struct vcpu *v)
{
	unsigned int limit = 2, n = irqchip_nmi_take(v) + v->nmi_pending;
	u32 entry = vmcs_read32(VM_ENTRY_INTR_INFO_FIELD);

	if ((vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & GUEST_INTR_STATE_NMI) ||
	    ((entry & INTR_INFO_VALID) &&
	     INTR_INFO_TYPE(entry) == INTR_TYPE_NMI))
		limit--;
	v->nmi_pending = (u8)MIN(n, limit);
}

/*
 * Before every entry, with v's VMCS current: inject the NMI or interrupt
 * the VM's controllers hold for v if the guest can take it, else ask for
 * the window.  An NMI goes first; while it waits, blocked by STI, MOV SS
 * or IF, the interrupt window says when to retry; blocked by an NMI in
 * service, the NMI window or the next exit does.
 */
void vcpu_inject_pending_event(struct vcpu *v)
{
	int vec;

	if (!v->kvm->irqchip)
		return;
	v->request_interrupt_window = false;
	process_nmi(v);
	if (v->nmi_pending) {
		if (!vcpu_nmi(v))
			v->nmi_pending--;
		else if (!vcpu_interruptible())
			v->request_interrupt_window = true;
		return;
	}
	if (!kvm_cpu_has_injectable_intr(v))
		return;
	if (!vcpu_interruptible()) {
		v->request_interrupt_window = true;
		return;
	}
	vec = kvm_cpu_get_interrupt(v);
	if (vec >= 0)
		vcpu_interrupt(v, (u8)vec);
}

/*
 * Before an entry: exit when the guest becomes interruptible if the VMM
 * asked for it (with an irqchip, vcpu_inject_pending_event() asks only
 * while it is not); 0, or 1 when it already is (the caller returns at once).
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

/*
 * The guest can take the event now: the next entry injects it (an
 * irqchip's), or the VMM does after VCPU_EXIT_IRQ_WINDOW_OPEN.
 */
static int window_open(struct vcpu *v)
{
	if (v->kvm->irqchip)
		return 1;
	v->exit.reason = VCPU_EXIT_IRQ_WINDOW_OPEN;
	return 0;
}

int vmx_handle_nmi_window(struct vcpu *v)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_NMI_WINDOW_EXITING);
	return window_open(v);
}

int vmx_handle_interrupt_window(struct vcpu *v)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL,
		     vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) & ~CPU_BASED_INTR_WINDOW_EXITING);
	v->irq_window_armed = false;
	return window_open(v);
}
