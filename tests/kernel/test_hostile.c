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
#include "arch/x86/msr.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "vm/pc.h"

#define HOSTILE_BUDGET_TICKS 3000000000ULL	/* 30 s at Bochs' 100 M ticks a second */
#define HOSTILE_SLICE_TICKS 50000000ULL
#define EMPTY_BUS ~0ULL

/*
 * The host MSRs a guest must never reach: those the hypervisor depends on,
 * and the SYSCALL MSRs and KERNEL_GS_BASE, which the guest writes without
 * an exit (the MSR bitmap) and vcpu_run() gives back to the host when it
 * returns (vmx/shared_msrs.c).
 */
static const u32 host_msrs[] = {
	MSR_IA32_APIC_BASE, MSR_EFER, MSR_FS_BASE, MSR_GS_BASE, MSR_IA32_PAT,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
};

struct hostile {
	struct ktest_ctx *t;
	const char *name;
	struct vm *vm;
	struct vcpu *v;
	struct ucall uc;
	u64 exits, unclaimed, start, free_before;
	u64 msrs[ARRAY_SIZE(host_msrs)];
	u64 reports[8];		/* SYNC n's value in reports[n] */
};

static void hostile_sanity(struct hostile *h);

/*
 * What the first VM of a boot allocates for good, not per VM: the CPU's
 * VMXON region (vmx/vmxon.c) and the MSR bitmap all vCPUs share
 * (vmx/msr_bitmap.c).  A sanity guest run once before the first baseline
 * takes them, so that each test's free count measures its own VM.
 */
static void hostile_warm_up(struct ktest_ctx *t)
{
	static bool warm;
	struct hostile w;

	if (warm)
		return;
	warm = true;
	memset(&w, 0, sizeof(w));
	w.t = t;
	w.name = "warm-up";
	w.vm = ktest_guest64(t, "hello64", MiB(4), &w.v);
	if (w.vm)
		hostile_sanity(&w);
}

static bool hostile_begin(struct ktest_ctx *t, struct hostile *h, const char *name,
			  const char *image, u64 mem, bool lapic)
{
	struct frame_stats st;

	memset(h, 0, sizeof(*h));
	h->t = t;
	h->name = name;
	if (!ktest_need_vmx(t))
		return false;
	hostile_warm_up(t);
	frame_get_stats(&st);
	h->free_before = st.free_frames;
	for (unsigned int i = 0; i < ARRAY_SIZE(host_msrs); i++)
		h->msrs[i] = rdmsr(host_msrs[i]);
	h->vm = ktest_guest64(t, image, mem, &h->v);
	if (!h->vm)
		return false;
	if (lapic)
		vm_lapic_enable(h->vm, h->v);
	h->start = rdtsc();
	return true;
}

/* An exit the VMM answers as an empty bus (what console/console.c does): true to go on. */
static bool hostile_answer(struct hostile *h)
{
	struct vcpu_exit *e = &h->v->exit;

	if (e->reason == VCPU_EXIT_IO) {
		if (!e->io.is_write)
			e->io.data = (u32)EMPTY_BUS;
		h->unclaimed++;
		return true;
	}
	if (e->reason == VCPU_EXIT_MMIO) {
		if (!e->mmio.is_write)
			e->mmio.data = EMPTY_BUS;
		h->unclaimed++;
		return true;
	}
	return e->reason == VCPU_EXIT_BUDGET && rdtsc() - h->start < HOSTILE_BUDGET_TICKS;
}

/*
 * Run until the guest is done (UCALL_DONE), or its VM stops in another
 * way; every SYNC's value is kept.  The ucall, or 0 with v->exit saying
 * why.  A guest assertion fails the test here.
 */
static int hostile_run(struct hostile *h, u64 budget)
{
	for (;;) {
		int cmd = vm_run(h->v, budget ? budget : HOSTILE_SLICE_TICKS, &h->uc);

		h->exits++;
		if (cmd == UCALL_SYNC && h->uc.args[0] < ARRAY_SIZE(h->reports)) {
			h->reports[h->uc.args[0]] = h->uc.args[1];
			continue;
		}
		KT_ASSERT(h->t, cmd != UCALL_ABORT, "%s: guest assertion failed: %s", h->name,
			  h->uc.buffer);
		if (cmd)
			return cmd;
		if (budget && h->v->exit.reason == VCPU_EXIT_BUDGET)
			return 0;
		if (!hostile_answer(h))
			return 0;
	}
}

static void hostile_expect_done(struct hostile *h)
{
	int cmd = hostile_run(h, 0);
	char why[VCPU_EXIT_WHY_LEN];

	vcpu_exit_describe(h->v, why, sizeof(why));
	KT_ASSERT(h->t, cmd == UCALL_DONE, "%s: expected the guest to finish, saw %s", h->name,
		  cmd ? "another ucall" : why);
}

/* The VM is gone: the host's MSRs, the free frames, and a sanity guest. */
static void hostile_end(struct hostile *h, const char *verdict)
{
	struct ktest_ctx *t = h->t;
	struct frame_stats st;
	struct hostile sane;
	u64 ticks = rdtsc() - h->start;

	vm_destroy(h->vm);
	h->vm = NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(host_msrs); i++)
		KT_ASSERT(t, rdmsr(host_msrs[i]) == h->msrs[i],
			  "%s: expected host MSR 0x%x to be 0x%llx after the guest, saw 0x%llx",
			  h->name, host_msrs[i], h->msrs[i], rdmsr(host_msrs[i]));
	frame_get_stats(&st);
	KT_ASSERT(t, st.free_frames == h->free_before,
		  "%s: expected %llu free frames after the VM, saw %llu", h->name, h->free_before,
		  st.free_frames);
	kprintf("hostile: %s: %s (%llu runs, %llu exits answered as an empty bus, %llu ticks)\n",
		h->name, verdict, h->exits, h->unclaimed, ticks);
	if (!hostile_begin(t, &sane, "sanity", "hello64", MiB(4), false))
		return;
	hostile_sanity(&sane);
}

/* hello64: SYNC 1, a HLT with interrupts off, SYNC 2, done. */
static void hostile_sanity(struct hostile *h)
{
	int cmd;

	while ((cmd = vm_run(h->v, HOSTILE_SLICE_TICKS, &h->uc)) != UCALL_DONE) {
		if (cmd == UCALL_SYNC && h->uc.args[0] < ARRAY_SIZE(h->reports))
			h->reports[h->uc.args[0]] = 1;
		else
			KT_ASSERT(h->t, !cmd && h->v->exit.reason == VCPU_EXIT_HLT,
				  "a sanity guest after %s: expected it to pass, saw %s", h->name,
				  cmd ? "another ucall" : ktest_exit_name(h->v));
	}
	KT_ASSERT(h->t, h->reports[1] && h->reports[2],
		  "a sanity guest after %s: expected both its SYNCs", h->name);
	vm_destroy(h->vm);
}

KTEST(test_hostile_ports, "hostile.ports")
{
	struct hostile h;

	if (!hostile_begin(t, &h, "ports", "hostile_ports", MiB(4), false))
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

	if (!hostile_begin(t, &h, "msrs", "hostile_msrs", MiB(4), false))
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

	if (!hostile_begin(t, &h, "cpu", "hostile_cpu", MiB(4), false))
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

	if (!hostile_begin(t, &h, "timers", "hostile_timers", MiB(4), true))
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

	if (!hostile_begin(t, &h, "apic", "hostile_apic", MiB(4), true))
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

	if (!hostile_begin(t, &h, "memory", "hostile_memory", MiB(8), false))
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

	if (!hostile_begin(t, &h, "hlt-interrupts-off", "hostile_hlt", MiB(4), false))
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

	if (!hostile_begin(t, &h, "init-self", "hostile_init", MiB(4), true))
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

	if (!hostile_begin(t, &h, "triple-fault", "triple", MiB(4), false))
		return;
	KT_ASSERT(t, hostile_run(&h, 0) == 0 && h.v->exit.reason == VCPU_EXIT_SHUTDOWN,
		  "expected a triple fault to end the VM, saw %s", ktest_exit_name(h.v));
	hostile_end(&h, "a triple fault ended the VM, named as one");
}
