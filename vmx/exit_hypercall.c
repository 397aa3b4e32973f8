/*
 * VMCALL: KVM's hypercall ABI (include/kvm/kvm_para.h), as KVM's
 * kvm_emulate_hypercall() answers it, so that guests written for KVM
 * (kvm-unit-tests' apic and hypercall tests, Linux when it finds KVM's
 * CPUID signature) see the same results.  Outside 64-bit mode the number,
 * the arguments and the result are 32 bits.  Only CPL 0 may call; any
 * other caller gets -KVM_EPERM.  An unknown number returns -KVM_ENOSYS.
 */
#include "irq/irq.h"
#include "kvm/kvm_para.h"
#include "exit_handlers.h"
#include "vcpu_internal.h"
#include "vmx/segment_ar.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_bits.h"

/* The CPL is SS.DPL (SDM Vol. 3C 25.4.1: "the CPL is SS.DPL"). */
static unsigned int guest_cpl(void)
{
	return VMX_AR_DPL(vmcs_read32(GUEST_SS_AR_BYTES));
}

static long hypercall(struct vcpu *v, u64 nr, const u64 a[4], bool op_64_bit)
{
	switch (nr) {
	case KVM_HC_VAPIC_POLL_IRQ:
		return 0;
	case KVM_HC_SEND_IPI:
		return kvm_pv_send_ipi(v->kvm, a[0], a[1], (u32)a[2], (u32)a[3], op_64_bit);
	default:
		return -KVM_ENOSYS;
	}
}

int vmx_handle_vmcall(struct vcpu *v)
{
	bool op_64_bit = vcpu_cpu_mode() == CPU_MODE_LONG64;
	u64 mask = op_64_bit ? ~0ULL : 0xffffffffULL;
	u64 nr = v->gprs.rax & mask;
	const u64 a[4] = { v->gprs.rbx & mask, v->gprs.rcx & mask, v->gprs.rdx & mask,
			   v->gprs.rsi & mask };
	long ret;

	ret = guest_cpl() ? -KVM_EPERM : hypercall(v, nr, a, op_64_bit);
	v->gprs.rax = (u64)ret & mask;
	vcpu_skip_instruction(v);
	return 1;
}
