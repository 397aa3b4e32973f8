/*
 * The VM-execution, VM-exit and VM-entry controls slotvisor runs guests
 * with, adjusted to this CPU by the allowed-0/allowed-1 rule (SDM Vol. 3D
 * A.3-A.5): bits the CPU forces to 1 are set, and a control we need that the
 * CPU cannot set is a clear message naming it, never a failed entry.
 */
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/controls.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

struct control_need {
	u32 bit;
	const char *name;
};

#define NEED(b, n) { b, n }

static const struct control_need pin_needs[] = {
	NEED(PIN_BASED_EXT_INTR_EXITING, "external-interrupt exiting"),
	NEED(PIN_BASED_NMI_EXITING, "NMI exiting"),
	NEED(PIN_BASED_PREEMPTION_TIMER, "activate VMX-preemption timer"),
};

static const struct control_need proc_needs[] = {
	NEED(CPU_BASED_HLT_EXITING, "HLT exiting"),
	NEED(CPU_BASED_UNCOND_IO_EXITING, "unconditional I/O exiting"),
	/*
	 * Without these (and no TPR shadow) a guest's MOV to CR8 would write the
	 * host's own TPR and could hold back the hypervisor's kick IPIs; with
	 * TPR shadow vmx_controls_compute() turns them off again.
	 */
	NEED(CPU_BASED_CR8_LOAD_EXITING, "CR8-load exiting"),
	NEED(CPU_BASED_CR8_STORE_EXITING, "CR8-store exiting"),
	NEED(CPU_BASED_ACTIVATE_SECONDARY, "activate secondary controls"),
};

static const struct control_need proc2_needs[] = {
	NEED(SECONDARY_EPT, "enable EPT"),
	NEED(SECONDARY_VPID, "enable VPID"),
	NEED(SECONDARY_UNRESTRICTED_GUEST, "unrestricted guest"),
};

/*
 * Save and load debug controls: DR7 and IA32_DEBUGCTL are the guest's
 * only through the VMCS (SDM Vol. 3C 25.3.1.1, 28.3.1; a VM exit sets DR7
 * to 0x400).  Both are default-1 bits, but the TRUE capability MSRs let a
 * CPU (Bochs' models do) clear them; without them every exit dropped the
 * DR7 a guest wrote, so a breakpoint armed before any exit never fired
 * (kvm-unit-tests' `debug`: a DR2 rewritten after a printf, a watchpoint
 * after one).  KVM requires both too.
 */
static const struct control_need exit_needs[] = {
	NEED(VM_EXIT_HOST_ADDR_SPACE_SIZE, "host address-space size"),
	NEED(VM_EXIT_SAVE_DEBUG_CONTROLS, "save debug controls"),
	NEED(VM_EXIT_SAVE_IA32_EFER, "save IA32_EFER"),
	NEED(VM_EXIT_LOAD_IA32_EFER, "load IA32_EFER"),
	NEED(VM_EXIT_SAVE_IA32_PAT, "save IA32_PAT"),
	NEED(VM_EXIT_LOAD_IA32_PAT, "load IA32_PAT"),
	NEED(VM_EXIT_ACK_INTR_ON_EXIT, "acknowledge interrupt on exit"),
};

static const struct control_need entry_needs[] = {
	NEED(VM_ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls"),
	NEED(VM_ENTRY_LOAD_IA32_EFER, "load IA32_EFER"),
	NEED(VM_ENTRY_LOAD_IA32_PAT, "load IA32_PAT"),
};

/* Controls we would rather have 0 but that the CPU may force to 1 (allowed-0). */
static const u32 proc_unwanted = CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING |
				 CPU_BASED_INVLPG_EXITING;

/*
 * (want | allowed-0) & allowed-1 (SDM Vol. 3D A.3.1): the low half of the
 * capability MSR has the bits that must be 1, the high half those that may.
 * A needed control the CPU cannot set is -ENODEV; vmx_detect() has already
 * refused such a CPU with vmx_caps_missing()'s line, so it cannot happen.
 */
static int adjust(u64 cap, const struct control_need *needs, unsigned int n, u32 extra, u32 *out)
{
	u32 want = extra, must = (u32)cap, may = (u32)(cap >> 32);
	int err = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!(may & needs[i].bit))
			err = -ENODEV;
		want |= needs[i].bit;
	}
	*out = (want | must) & may;
	return err;
}

/* The EPT capabilities the MMU relies on (ept/, arch/x86/invept.c). */
static const struct control_need ept_needs[] = {
	NEED(EPT_CAP_WALK_4, "4-level EPT walk"),
	NEED(EPT_CAP_MEMTYPE_WB, "write-back EPT paging structures"),
	NEED(EPT_CAP_INVEPT, "INVEPT"),
	NEED(EPT_CAP_INVEPT_SINGLE, "single-context INVEPT"),
	NEED(EPT_CAP_INVEPT_ALL, "all-context INVEPT"),
};

struct missing {
	char *buf;
	size_t size, len;
	int n;
};

/* Append "KIND \"name\", \"name\"" for the needs not in may, "; " between kinds. */
static void add_missing(struct missing *m, const char *kind, const struct control_need *needs,
			unsigned int n, u32 may)
{
	bool first = true;

	for (unsigned int i = 0; i < n; i++) {
		int w;

		if (may & needs[i].bit)
			continue;
		if (first)
			w = ksnprintf(m->buf + m->len, m->size - m->len, "%s%s \"%s\"",
				      m->n ? "; " : "", kind, needs[i].name);
		else
			w = ksnprintf(m->buf + m->len, m->size - m->len, ", \"%s\"", needs[i].name);
		m->len = MIN(m->len + (size_t)MAX(w, 0), m->size - 1);
		m->n++;
		first = false;
	}
}

int vmx_caps_missing(const struct vmx_caps *c, char *buf, size_t size)
{
	struct missing m = { .buf = buf, .size = size };
	bool ept = vmx_ctl_allows(c->procbased2, SECONDARY_EPT);

	buf[0] = '\0';
	add_missing(&m, "pin-based", pin_needs, ARRAY_SIZE(pin_needs),
		    (u32)(c->pinbased >> 32));
	add_missing(&m, "processor-based", proc_needs, ARRAY_SIZE(proc_needs),
		    (u32)(c->procbased >> 32));
	add_missing(&m, "secondary", proc2_needs, ARRAY_SIZE(proc2_needs),
		    (u32)(c->procbased2 >> 32));
	add_missing(&m, "VM-exit", exit_needs, ARRAY_SIZE(exit_needs),
		    (u32)(c->exit >> 32));
	add_missing(&m, "VM-entry", entry_needs, ARRAY_SIZE(entry_needs),
		    (u32)(c->entry >> 32));
	/* Without EPT its capabilities do not matter: "enable EPT" is named above. */
	if (ept)
		add_missing(&m, "EPT", ept_needs, ARRAY_SIZE(ept_needs),
			    (u32)c->ept_vpid);
	return m.n;
}

int vmx_controls_compute(const struct vmx_caps *c, struct vmx_controls *out)
{
	int err = 0;
	u32 proc2_extra = 0;

	if (vmx_ctl_allows(c->procbased2, SECONDARY_RDTSCP))
		proc2_extra |= SECONDARY_RDTSCP;
	/*
	 * Virtual NMIs where the CPU has them: with NMI exiting on and virtual
	 * NMIs off, the guest's IRET never unblocks the NMIs the VMM injects
	 * (SDM Vol. 3C 26.3), and there is no NMI-window exit.
	 */
	err |= adjust(c->pinbased, pin_needs, ARRAY_SIZE(pin_needs), PIN_BASED_VIRTUAL_NMIS,
		      &out->pin);
	err |= adjust(c->procbased, proc_needs, ARRAY_SIZE(proc_needs), 0, &out->proc);
	out->proc &= ~proc_unwanted | (u32)c->procbased;
	/*
	 * TPR shadow where the CPU has it (issue 16): MOV to and from CR8
	 * then read and write the vCPU's virtual-APIC page (SDM Vol. 3C 30.3),
	 * never the host's TPR, so CR8 need not exit; a write that lowers the
	 * TPR below the threshold vmx/run.c sets (a pending interrupt it masked)
	 * exits as "TPR below threshold".  CR8 exiting stays only where the
	 * CPU forces it (allowed-0).
	 */
	if (vmx_ctl_allows(c->procbased, CPU_BASED_TPR_SHADOW)) {
		out->proc |= CPU_BASED_TPR_SHADOW;
		out->proc &= ~(CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING) |
			     (u32)c->procbased;
	}
	/*
	 * MSR bitmaps where the CPU has them (issue 16): RDMSR and WRMSR of
	 * the MSRs vmx/msr_bitmap.c passes through do not exit (SDM Vol. 3C
	 * 25.6.9); without the control every one exits (SDM Vol. 3C 26.1.3)
	 * and vmx/exit_msr.c serves them all, as it does the others.
	 */
	if (vmx_ctl_allows(c->procbased, CPU_BASED_USE_MSR_BITMAPS))
		out->proc |= CPU_BASED_USE_MSR_BITMAPS;
	err |= adjust(c->procbased2, proc2_needs, ARRAY_SIZE(proc2_needs), proc2_extra,
		      &out->proc2);
	/*
	 * "Save VMX-preemption timer value" where the CPU has it: the count
	 * left at an exit is what the next entry starts from, so an exit
	 * handled on the fast path need not arm the timer again (vmx/run.c).
	 */
	err |= adjust(c->exit, exit_needs, ARRAY_SIZE(exit_needs), VM_EXIT_SAVE_PREEMPTION_TIMER,
		      &out->exit);
	err |= adjust(c->entry, entry_needs, ARRAY_SIZE(entry_needs), 0, &out->entry);
	return err ? -ENODEV : 0;
}
