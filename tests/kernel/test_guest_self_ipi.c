/*
 * A self-IPI through the emulated xAPIC's ICR, sent with interrupts off,
 * is delivered where the CPU would deliver it: right after the instruction
 * that follows STI (kvm-unit-tests' vmexit self_ipi_sti_nop; issue 16),
 * and an EOI clears the ISR bit and lets the next pending vector in
 * (guests/self_ipi.c).  Where the CPU has APIC virtualization
 * (vmx/apic_access.c) the ICR and EOI writes are APIC-write exits, no
 * MMIO emulated, and the guest's accesses to its APIC page never reach
 * memory nor the host's APIC: the APIC-access frame stays zero and the
 * host's TPR unchanged; once the guest disabled its APIC a read of the
 * page is an MMIO exit to the VMM again, never the frame's memory.
 * With virtual-interrupt delivery as well (where the CPU has it) the
 * self-IPI and the EOI do not exit at all.  guest.self-ipi.no-vid runs the
 * same guest with APIC virtualization but without virtual-interrupt
 * delivery, guest.self-ipi.no-apicv on the emulator's path (as on a CPU
 * without the controls).
 */
#include "arch/memory.h"
#include "arch/x86/lapic.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "irq/vlapic.h"
#include "vm/pc.h"

#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */
#define ROUNDS 200			/* guests/self_ipi.c's */
#define WRITES_PER_ROUND 2		/* ICR and EOI; ICR2 does not exit */
#define VEC_HIGH 0x2f
#define VEC_LOW 0x2e
#define APIC_PAGE_BYTES 4096

/* The first non-zero byte of the VM's APIC-access frame, or -1. */
static int access_page_written(const struct kvm *kvm)
{
	const u8 *p = phys_to_virt(kvm->apic_access_page_hpa);

	for (int i = 0; i < APIC_PAGE_BYTES; i++)
		if (p[i])
			return i;
	return -1;
}

/*
 * Stage 1's exits.  With virtual-interrupt delivery (v->apicv_vid) the CPU
 * virtualizes the self-IPI (an ICR write with the self shorthand, fixed,
 * edge) and the EOI of an edge vector: no exit per round, no window.  With
 * APIC virtualization alone (v->apicv: the CPU has the controls, the VM its
 * APIC-access page) the ICR and EOI writes are APIC-write exits, no MMIO
 * emulated; elsewhere every xAPIC access is an EPT violation.
 */
static void check_stage1_exits(struct ktest_ctx *t, struct vcpu *v, u64 writes, u64 ept, u64 eois)
{
	kprintf("self-ipi: %s: %llu APIC-write exits, %llu EOI-induced exits, %llu EPT violations "
		"in %d rounds\n", v->apicv_vid ? "virtual-interrupt delivery" :
		v->apicv ? "APIC virtualization" : "the emulator's path", writes, eois, ept, ROUNDS);
	if (v->apicv_vid) {
		KT_ASSERT(t, writes < ROUNDS && eois == 0 && ept < ROUNDS,
			  "expected no APIC-write, EOI-induced or EPT exit per round, saw %llu, "
			  "%llu and %llu", writes, eois, ept);
	} else if (v->apicv) {
		KT_ASSERT(t, writes >= WRITES_PER_ROUND * ROUNDS && ept < ROUNDS,
			  "expected %d APIC-write exits or more and no EPT violation per round, "
			  "saw %llu and %llu", WRITES_PER_ROUND * ROUNDS, writes, ept);
	} else {
		KT_ASSERT(t, writes == 0 && ept >= 3 * ROUNDS,
			  "expected no APIC-write exit and an EPT violation per xAPIC access "
			  "(ICR2, ICR, EOI), saw %llu and %llu", writes, ept);
	}
}

enum self_ipi_path {
	SELF_IPI_VID,		/* virtual-interrupt delivery where the CPU has it */
	SELF_IPI_NO_VID,	/* APIC virtualization without it */
	SELF_IPI_NO_APICV,	/* the emulator's path */
};

static void run_self_ipi(struct ktest_ctx *t, enum self_ipi_path path)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "self_ipi", MiB(4), &v);
	u64 val = 0, windows, writes, ept, eois;
	u32 host_tpr = lapic_tpr();
	int at;

	if (!vm)
		return;
	v->debug.no_apicv = path == SELF_IPI_NO_APICV;
	v->debug.vid = path == SELF_IPI_VID;
	v->debug.no_vid = path == SELF_IPI_NO_VID;
	vm_lapic_enable(vm, v);
	windows = v->exit_count[EXIT_REASON_INTERRUPT_WINDOW];
	writes = v->exit_count[EXIT_REASON_APIC_WRITE];
	ept = v->exit_count[EXIT_REASON_EPT_VIOLATION];
	eois = v->exit_count[EXIT_REASON_EOI_INDUCED];
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 1, &val))
		goto out;
	kprintf("self-ipi: %llu of %d rounds late, %llu interrupt-window exits\n", val, ROUNDS,
		v->exit_count[EXIT_REASON_INTERRUPT_WINDOW] - windows);
	KT_ASSERT(t, val == 0, "expected every self-IPI taken right after STI; NOP, saw %llu of "
		  "%d rounds late", val, ROUNDS);
	check_stage1_exits(t, v, v->exit_count[EXIT_REASON_APIC_WRITE] - writes,
			   v->exit_count[EXIT_REASON_EPT_VIOLATION] - ept,
			   v->exit_count[EXIT_REASON_EOI_INDUCED] - eois);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 2, &val))
		goto out;
	KT_ASSERT(t, val == VEC_HIGH * 256 + VEC_LOW,
		  "expected vector 0x%x, then 0x%x after its EOI, saw the order 0x%llx",
		  VEC_HIGH, VEC_LOW, val);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 3, &val))
		goto out;
	KT_ASSERT(t, val == ROUNDS, "expected the handler to run %d times, saw %llu", ROUNDS, val);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 4, &val) ||
	    !ktest_expect_sync(t, v, RUN_BUDGET, 5, &val))
		goto out;
	KT_ASSERT(t, val == 1, "expected ICR2 0x0f000000 read back after an exit and one IPI to "
		  "APIC ID 0, saw %s and %llu IPIs", val >= 100 ? "another ICR2" : "it",
		  val % 100);
	/* The disabled APIC's page: its read reaches the VMM, answered as the console does. */
	KT_ASSERT(t, vm_run(v, RUN_BUDGET, &(struct ucall){ 0 }) == 0 &&
		  v->exit.reason == VCPU_EXIT_MMIO && !v->exit.mmio.is_write &&
		  v->exit.mmio.gpa == VLAPIC_DEFAULT_BASE + APIC_ID,
		  "expected the disabled APIC's ID read as an MMIO exit, saw %s",
		  ktest_exit_name(v));
	v->exit.mmio.data = ~0ULL;
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 6, &val))
		goto out;
	KT_ASSERT(t, val == 0xffffffffULL, "expected the disabled APIC's ID read as all ones, saw "
		  "0x%llx", val);
	if (vm_run(v, RUN_BUDGET, &(struct ucall){ 0 }) != UCALL_DONE)
		ktest_fail(t, "expected the guest to finish (%s)", ktest_exit_name(v));
	KT_ASSERT(t, lapic_tpr() == host_tpr, "expected the host's TPR 0x%x after the guest, "
		  "saw 0x%x", host_tpr, lapic_tpr());
	if (v->apicv) {
		at = access_page_written(v->kvm);
		KT_ASSERT(t, at < 0, "expected the APIC-access frame untouched, saw byte 0x%x "
			  "written", at);
	}
out:
	vm_destroy(vm);
}

KTEST(test_guest_self_ipi, "guest.self-ipi")
{
	run_self_ipi(t, SELF_IPI_VID);
}

KTEST(test_guest_self_ipi_no_vid, "guest.self-ipi.no-vid")
{
	run_self_ipi(t, SELF_IPI_NO_VID);
}

KTEST(test_guest_self_ipi_no_apicv, "guest.self-ipi.no-apicv")
{
	run_self_ipi(t, SELF_IPI_NO_APICV);
}
