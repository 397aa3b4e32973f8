/* vcpu_dump: the guest's registers and state, for faults, triple faults and errors. */
#include "lib/printf.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"

void vcpu_dump(struct vcpu *v)
{
	const struct guest_gprs *g = &v->gprs;

	vcpu_load(v);
	kprintf("vmx: vcpu %u guest state:\n", v->id);
	kprintf("  RIP %016llx  RSP %016llx  RFLAGS %08llx\n", vmcs_readnat(GUEST_RIP),
		vmcs_readnat(GUEST_RSP), vmcs_readnat(GUEST_RFLAGS));
	kprintf("  RAX %016llx  RBX %016llx  RCX %016llx  RDX %016llx\n", g->rax, g->rbx,
		g->rcx, g->rdx);
	kprintf("  RSI %016llx  RDI %016llx  RBP %016llx  R8  %016llx\n", g->rsi, g->rdi,
		g->rbp, g->r8);
	kprintf("  R9  %016llx  R10 %016llx  R11 %016llx  R12 %016llx\n", g->r9, g->r10,
		g->r11, g->r12);
	kprintf("  R13 %016llx  R14 %016llx  R15 %016llx\n", g->r13, g->r14, g->r15);
	kprintf("  CS %04x base %llx ar %x  SS %04x  CR0 %llx (guest sees %llx)  CR3 %llx  "
		"CR4 %llx  EFER %llx  CR2 %llx\n",
		vmcs_read16(GUEST_CS_SELECTOR), vmcs_readnat(GUEST_CS_BASE),
		vmcs_read32(GUEST_CS_AR_BYTES), vmcs_read16(GUEST_SS_SELECTOR),
		vmcs_readnat(GUEST_CR0), v->cr0_shadow, vmcs_readnat(GUEST_CR3),
		vmcs_readnat(GUEST_CR4), vmcs_read64(GUEST_IA32_EFER), g->cr2);
	kprintf("  exit reason %u (%s), qualification 0x%llx, gpa 0x%llx, %llu entries\n",
		vmcs_read32(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK,
		exit_reason_name(vmcs_read32(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK),
		vmcs_readnat(EXIT_QUALIFICATION), vmcs_read64(GUEST_PHYSICAL_ADDRESS), v->entries);
}
