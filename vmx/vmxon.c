/*
 * VMXON/VMXOFF on the calling CPU, with per-CPU state.  Before
 * VMXON, CR0 and CR4 must hold the bits the FIXED0 MSRs force to 1 and none
 * that FIXED1 forces to 0 (SDM Vol. 3D A.7, A.8), CR4.VMXE must be set and
 * the VMXON region must carry the VMCS revision id (SDM Vol. 3C 24.11.5).
 */
#include "arch/invept.h"
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "mm/frame.h"
#include "vmx/vmcs.h"
#include "exit_handlers.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

struct vmx_caps vmx_caps;

static u64 fixed_bits(u64 v, u64 fixed0, u64 fixed1)
{
	return (v | fixed0) & fixed1;
}

/*
 * Publish the capabilities the first CPU to enable VMX found.  Never
 * rewrite them: vmx_detect() fills its struct field by field (zeroing
 * some first), and vCPUs on other CPUs read vmx_caps all the time (the
 * pre-entry checker before each first launch on a CPU, the preemption
 * timer's rate), so a CPU enabling VMX later must not touch it.
 */
static void vmx_caps_publish(const struct vmx_caps *caps)
{
	static spinlock_t lock;
	static bool published;

	spin_lock(&lock);
	if (!published) {
		vmx_caps = *caps;
		vmx_cpuid_init(caps->cpuid_max_basic);
	}
	published = true;
	spin_unlock(&lock);
}

int vmx_cpu_enable(const char **why)
{
	struct percpu *c = this_cpu();
	struct vmx_caps caps = { 0 };
	int err, st;

	if (c->vmx_on)
		return 0;
	/* Every CPU checks its own IA32_FEATURE_CONTROL; the capabilities are the same. */
	err = vmx_detect(&caps, why);
	if (err)
		return err;
	vmx_caps_publish(&caps);
	if (!c->vmxon_region)
		c->vmxon_region = vmcs_alloc();
	if (!c->vmxon_region) {
		*why = "no memory for the VMXON region";
		return -ENOMEM;
	}
	c->cr4_before_vmx = read_cr4();
	write_cr0(fixed_bits(read_cr0(), caps.cr0_fixed0, caps.cr0_fixed1));
	write_cr4(fixed_bits(read_cr4() | X86_CR4_VMXE, caps.cr4_fixed0, caps.cr4_fixed1));
	st = __vmxon(virt_to_phys(c->vmxon_region));
	if (st) {
		vmx_insn_report("VMXON", st, ~0u, 0);
		write_cr4(c->cr4_before_vmx);
		*why = "VMXON failed";
		return -EIO;
	}
	c->vmx_on = true;
	/*
	 * Translations cached under any EPTP before this VMXON (by an earlier
	 * VMX session on this CPU, or the firmware) must not be used: flush
	 * all contexts once, as KVM does when it enables VMX on a CPU.
	 */
	if (arch_invept(INVEPT_ALL_CONTEXT, 0))
		kprintf("vmx: INVEPT all-context after VMXON failed\n");
	return 0;
}

void vmx_cpu_disable(void)
{
	struct percpu *c = this_cpu();
	int st;

	if (!c->vmx_on)
		return;
	st = __vmxoff();
	if (st)
		vmx_insn_report("VMXOFF", st, ~0u, 0);
	write_cr4(c->cr4_before_vmx & ~X86_CR4_VMXE);
	c->vmx_on = false;
	c->current_vmcs = NULL;
}

bool vmx_cpu_enabled(void)
{
	return this_cpu()->vmx_on;
}
