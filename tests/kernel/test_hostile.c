/*
 * The hostile suite (issue 17): guests written to attack the hypervisor,
 * each in a VM of its own, one test each (guests/hostile_*.c say what each
 * does).  A test drives its guest to the end the way a VMM would, answering
 * the ports and MMIO no device claims as an empty bus, and asserts how the
 * VM ended: the guest finished with the reports it should give, or the VM
 * ended in the state the guest asked for (a halt with interrupts off, a
 * triple fault, wait-for-SIPI), never an internal error, a failed entry or
 * a run that does not end.  After each, the hypervisor's own MSRs are what
 * they were, the frame allocator's free count is back where it was before
 * the VM was made, and a sanity guest still passes.  Each test prints one
 * verdict line: "hostile: NAME: ..." with its exit count and time.
 */
#include "arch/x86/cpu.h"
#include "hostile.h"
#include "lib/printf.h"
#include "lib/string.h"

KTEST(test_hostile_ports, "hostile.ports")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "ports", "hostile_ports", MiB(4), 0))
		return;
	hostile_expect_done(&h);
	KT_ASSERT(t, h.unclaimed > 0 && h.reports[1] > 0,
		  "expected unclaimed ports and answering devices, saw %llu and %llu", h.unclaimed,
		  h.reports[1]);
	hostile_end(&h, "every port read and written at 8, 16 and 32 bits; the guest finished");
}

KTEST(test_hostile_msrs, "hostile.msrs")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "msrs", "hostile_msrs", MiB(4), 0))
		return;
	hostile_expect_done(&h);
	KT_ASSERT(t, h.reports[1] > 0 && h.reports[2] > 0,
		  "expected readable MSRs and refused ones, saw %llu and %llu #GP", h.reports[1],
		  h.reports[2]);
	kprintf("hostile: msrs: %llu readable, %llu accesses refused with #GP\n", h.reports[1],
		h.reports[2]);
	hostile_end(&h, "25,344 MSRs read and written; only #GP; the guest finished");
}

KTEST(test_hostile_cpu, "hostile.cpu")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "cpu", "hostile_cpu", MiB(4), 0))
		return;
	hostile_expect_done(&h);
	kprintf("hostile: cpu: CR0 bits refused 0x%llx, CR4 bits refused 0x%llx, XCR0 bits "
		"refused 0x%llx, vectors of MONITOR..RDPID 0x%llx\n",
		h.reports[1], h.reports[2], h.reports[3], h.reports[5]);
	KT_ASSERT(t, (h.reports[1] & X86_CR0_PG) && (h.reports[1] & X86_CR0_PE),
		  "expected clearing CR0.PG and CR0.PE in long mode to be #GP, saw 0x%llx",
		  h.reports[1]);
	KT_ASSERT(t, h.reports[2] & X86_CR4_VMXE,
		  "expected CR4.VMXE to be #GP (the guest has no VMX), saw 0x%llx", h.reports[2]);
	hostile_end(&h, "CR0, CR4, XCR0, CPUID and odd instructions; the guest finished");
}

KTEST(test_hostile_timers, "hostile.timers")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "timers", "hostile_timers", MiB(4), HOSTILE_LAPIC))
		return;
	hostile_expect_done(&h);
	KT_ASSERT(t, h.reports[1] > 0 && (h.reports[2] >> 32) > 0 && (u32)h.reports[2] > 0 &&
			     h.reports[3] > 0,
		  "expected APIC ticks, APIC and PIT ticks together, and COM1 interrupts, saw "
		  "%llu, 0x%llx, %llu", h.reports[1], h.reports[2], h.reports[3]);
	kprintf("hostile: timers: APIC count 1: %llu ticks; with the PIT at count 2: %llu and %llu; "
		"an unacknowledged COM1: %llu interrupts\n", h.reports[1], h.reports[2] >> 32,
		h.reports[2] & 0xffffffffULL, h.reports[3]);
	hostile_end(&h, "timers faster than any exit; the guest ran and got its interrupts");
}

KTEST(test_hostile_apic, "hostile.apic")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "apic", "hostile_apic", MiB(4), HOSTILE_LAPIC))
		return;
	hostile_expect_done(&h);
	KT_ASSERT(t, h.reports[1] == 1 && h.reports[2] == 2 && h.reports[3] == 1,
		  "expected one all-including-self IPI, an NMI (vector 2), one self-IPI after the "
		  "register sweep, saw %llu, %lld, %llu", h.reports[1], (long long)h.reports[2],
		  h.reports[3]);
	hostile_end(&h, "bad IPIs, a self-NMI, every xAPIC register; the guest finished");
}

KTEST(test_hostile_memory, "hostile.memory")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "memory", "hostile_memory", MiB(8), 0))
		return;
	hostile_expect_done(&h);
	KT_ASSERT(t, h.reports[1] > 1500 && h.reports[2] == 256,
		  "expected every page of RAM touched and 256 holes reading all ones, saw %llu, %llu",
		  h.reports[1], h.reports[2]);
	hostile_end(&h, "all RAM touched, 256 pages past it read and written; the guest finished");
}

KTEST(test_hostile_hlt, "hostile.hlt-interrupts-off")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "hlt-interrupts-off", "hostile_hlt", MiB(4), 0))
		return;
	KT_ASSERT(t, hostile_run(&h, 0) == 0 && h.v->exit.reason == VCPU_EXIT_HLT &&
			     !h.v->ready_for_interrupt && h.reports[1] == 0 && h.exits >= 2,
		  "expected a HLT with interrupts off back to the VMM, saw %s", ktest_exit_name(h.v));
	hostile_end(&h, "HLT with interrupts off came back to the VMM, which ended the VM");
}

/*
 * An INIT resets the BSP, which then fetches at the reset vector (SDM Vol.
 * 3A 9.1.4, Table 9-1; KVM does the same: only an AP waits for a SIPI),
 * where this VM has no firmware: the VM ends naming the fetch.
 */
KTEST(test_hostile_init, "hostile.init-self")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "init-self", "hostile_init", MiB(4), HOSTILE_LAPIC))
		return;
	KT_ASSERT(t, hostile_run(&h, 0) == 0 && h.v->exit.reason == VCPU_EXIT_INTERNAL_ERROR &&
			     strstr(h.v->exit.internal.msg, "executes at gpa 0xfffffff0") &&
			     h.reports[1] == 0 && h.exits >= 2,
		  "expected the reset BSP's fetch at 0xfffffff0 to end the VM, saw %s",
		  ktest_exit_name(h.v));
	hostile_end(&h, "INIT to itself: the BSP was reset and its fetch at the reset vector "
			"ended the VM, named");
}

KTEST(test_hostile_triple, "hostile.triple-fault")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "triple-fault", "triple", MiB(4), 0))
		return;
	KT_ASSERT(t, hostile_run(&h, 0) == 0 && h.v->exit.reason == VCPU_EXIT_SHUTDOWN,
		  "expected a triple fault to end the VM, saw %s", ktest_exit_name(h.v));
	hostile_end(&h, "a triple fault ended the VM, named as one");
}
