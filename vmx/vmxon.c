/*
 * VMXON/VMXOFF on the current CPU (one CPU until SMP bring-up).  Before
 * VMXON, CR0 and CR4 must hold the bits the FIXED0 MSRs force to 1 and none
 * that FIXED1 forces to 0 (SDM Vol. 3D A.7, A.8), CR4.VMXE must be set and
 * the VMXON region must carry the VMCS revision id (SDM Vol. 3C 24.11.5).
 */
#include "arch/invept.h"
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/frame.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"

struct vmx_caps vmx_caps;
static struct vmcs *vmxon_region;
static bool vmx_on;
static u64 cr4_before;

static u64 fixed_bits(u64 v, u64 fixed0, u64 fixed1)
{
	return (v | fixed0) & fixed1;
}

int vmx_cpu_enable(const char **why)
{
	int err, st;

	if (vmx_on)
		return 0;
	err = vmx_detect(&vmx_caps, why);
	if (err)
		return err;
	if (!vmxon_region)
		vmxon_region = vmcs_alloc();
	if (!vmxon_region) {
		*why = "no memory for the VMXON region";
		return -ENOMEM;
	}
	cr4_before = read_cr4();
	write_cr0(fixed_bits(read_cr0(), vmx_caps.cr0_fixed0, vmx_caps.cr0_fixed1));
	write_cr4(fixed_bits(read_cr4() | X86_CR4_VMXE, vmx_caps.cr4_fixed0,
			     vmx_caps.cr4_fixed1));
	st = __vmxon(virt_to_phys(vmxon_region));
	if (st) {
		vmx_insn_report("VMXON", st, ~0u, 0);
		write_cr4(cr4_before);
		*why = "VMXON failed";
		return -EIO;
	}
	vmx_on = true;
	/*
	 * Translations cached under any EPTP before this VMXON (by an earlier
	 * VMX session on this CPU, or the firmware) must not be used: flush
	 * all contexts once, as KVM does when it enables VMX on a CPU.
	 */
	st = __invept(INVEPT_ALL_CONTEXT, 0);
	if (st)
		vmx_insn_report("INVEPT", st, ~0u, 0);
	return 0;
}

void vmx_cpu_disable(void)
{
	int st;

	if (!vmx_on)
		return;
	st = __vmxoff();
	if (st)
		vmx_insn_report("VMXOFF", st, ~0u, 0);
	write_cr4(cr4_before & ~X86_CR4_VMXE);
	vmx_on = false;
}

bool vmx_cpu_enabled(void)
{
	return vmx_on;
}
