/*
 * VM-exit dispatch: one handler per exit family.  A handler returns 1 to
 * re-enter the guest, 0 when v->exit holds an exit for the VMM.  Anything
 * without a handler ends the VM with its reason, qualification and the
 * guest's registers; the hypervisor goes on.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/trap.h"
#include "lib/printf.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

static const exit_handler_t handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_EXCEPTION_NMI] = vmx_handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = vmx_handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = vmx_handle_triple_fault,
	[EXIT_REASON_CPUID] = vmx_handle_cpuid,
	[EXIT_REASON_HLT] = vmx_handle_hlt,
	[EXIT_REASON_INVD] = vmx_handle_invd,
	[EXIT_REASON_TASK_SWITCH] = vmx_handle_task_switch,
	[EXIT_REASON_IO_INSTRUCTION] = vmx_handle_io,
	[EXIT_REASON_EPT_VIOLATION] = vmx_handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = vmx_handle_ept_misconfig,
	[EXIT_REASON_MSR_READ] = vmx_handle_rdmsr,
	[EXIT_REASON_MSR_WRITE] = vmx_handle_wrmsr,
	[EXIT_REASON_CR_ACCESS] = vmx_handle_cr_access,
	[EXIT_REASON_PREEMPTION_TIMER] = vmx_handle_preemption_timer,
	[EXIT_REASON_INIT] = vmx_handle_init_sipi,
	[EXIT_REASON_SIPI] = vmx_handle_init_sipi,
	[EXIT_REASON_PML_FULL] = vmx_handle_pml_full,
	[EXIT_REASON_INTERRUPT_WINDOW] = vmx_handle_interrupt_window,
	[EXIT_REASON_NMI_WINDOW] = vmx_handle_nmi_window,
	[EXIT_REASON_XSETBV] = vmx_handle_xsetbv,
	[EXIT_REASON_VMCALL] = vmx_handle_vmcall,	/* KVM's hypercalls */
	[EXIT_REASON_TPR_BELOW_THRESHOLD] = vmx_handle_tpr_below_threshold,
	[EXIT_REASON_APIC_ACCESS] = vmx_handle_apic_access,
	[EXIT_REASON_APIC_WRITE] = vmx_handle_apic_write,
	[EXIT_REASON_EOI_INDUCED] = vmx_handle_eoi_induced,
	/* The other VMX instructions: #UD, as on a CPU without VMX. */
	[EXIT_REASON_VMCLEAR] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMLAUNCH] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMPTRLD] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMPTRST] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMREAD] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMRESUME] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMWRITE] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMXOFF] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMXON] = vmx_handle_vmx_instruction,
	[EXIT_REASON_INVEPT] = vmx_handle_vmx_instruction,
	[EXIT_REASON_INVVPID] = vmx_handle_vmx_instruction,
	[EXIT_REASON_VMFUNC] = vmx_handle_vmx_instruction,
};

/*
 * An exit in the middle of delivering an event (an EPT violation on the
 * guest's IDT or stack, say) must deliver it again on the next entry (SDM
 * Vol. 3C 28.2.4, 29.2.3).
 */
static void requeue_vectored_event(void)
{
	u32 info = vmcs_read32(IDT_VECTORING_INFO_FIELD);

	if (!(info & INTR_INFO_VALID))
		return;
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info & ~INTR_INFO_RESERVED);
	if (info & INTR_INFO_DELIVER_CODE)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(IDT_VECTORING_ERROR_CODE));
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

int vmx_handle_exit(struct vcpu *v, u32 reason)
{
	exit_handler_t h = reason < EXIT_REASON_MAX ? handlers[reason] : NULL;

	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	requeue_vectored_event();
	if (h)
		return h(v);
	return vcpu_internal_error(v, "unhandled VM exit %u (%s), qualification 0x%llx", reason,
				   exit_reason_name(reason), vmcs_readnat(EXIT_QUALIFICATION));
}

/*
 * The fast handlers: exits that cost what their instruction costs, handled
 * with nothing around them (issue 16).  Each is an instruction exit, which
 * never happens while an event is being delivered (SDM Vol. 3C 28.2.4: the
 * IDT-vectoring information is then not valid), so nothing is re-queued;
 * and each makes nothing pending for any vCPU (no interrupt, no request),
 * so the guest may be entered again without asking the interrupt
 * controllers (vmx/run.c, vcpu_fast_reentry()).  It runs with the guest's
 * XCR0 loaded when called from vmx_exit_fast().  A handler may inject an
 * exception into this guest: that lives in the VMCS.
 */
const exit_handler_t vmx_fast_handlers[EXIT_REASON_MAX] = {
	[EXIT_REASON_CPUID] = vmx_handle_cpuid,
	/*
	 * Not XSETBV: it changes the guest's XCR0, which vmx_exit_fast()
	 * leaves loaded; rare enough for the slow path, which loads it anew.
	 */
	/*
	 * Not the PML-full exit, though its handler is empty: the write that
	 * found the log full may be the delivery of an event pushing its
	 * frame, which must then be delivered again (requeue_vectored_event()).
	 */
};

void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_error, u32 error)
{
	u32 info = vector | (INTR_TYPE_HARD_EXCEPTION << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;

	/* Real mode pushes no error code: the bit must be 0 there (SDM Vol. 3C 27.2.1.3). */
	if (has_error && (vmcs_readnat(GUEST_CR0) & X86_CR0_PE)) {
		info |= INTR_INFO_DELIVER_CODE;
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	/*
	 * A fault's frame has RF set, so that an IRET back to the instruction
	 * does not take its instruction breakpoint again (SDM Vol. 3A 18.3.1.1);
	 * the CPU does this for faults it raises, not for injected ones (KVM
	 * sets it too).  #DB, NMI, #BP and #OF are not faults here.
	 */
	if (vector < 32 && vector != X86_TRAP_DB && vector != X86_TRAP_NMI && vector != X86_TRAP_BP &&
	    vector != X86_TRAP_OF)
		vmcs_writenat(GUEST_RFLAGS, vmcs_readnat(GUEST_RFLAGS) | X86_RFLAGS_RF);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
}
