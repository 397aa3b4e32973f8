/*
 * The spinning reader: a vCPU on CPU 1 reads a slot in a tight
 * loop while the BSP deletes the slot.  Bochs keeps stale translations
 * within an uninterrupted guest run (docs/bochs.md), so only a remote kick that
 * forces the vCPU out of its guest before the delete returns keeps it from
 * reading the old frame afterwards.  The guest counts its successful reads
 * in a progress word: after the delete returns, at most the one read that
 * was already under way may still be counted, then the next read is an
 * MMIO exit.  The negative control turns the kick off and must see stale
 * reads.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "remote_run.h"

#define DATA_GPA 0x1000000ULL
#define PROGRESS_GPA 0x300000ULL
#define START_VALUE 0x1234
#define MOVED_VALUE 0x5678	/* what the moved slot shows at DATA_GPA */
#define MOVE_DELTA KiB(4)
#define WARMUP_READS 2000
#define RUN_BUDGET 4000000	/* ticks per vcpu_run on the AP, so a broken kick cannot hang */
#define MAX_RUNS 64
#define WAIT_POLLS 200000000ULL

/*
 * After a MOVE by -4 KiB, DATA_GPA shows the slot's second page: the guest
 * may see an MMIO exit (while the slot is INVALID) or that page, never the
 * old one.  Returns false with the test failed otherwise.
 */
static bool moved_view_ok(struct ktest_ctx *t, struct vm *vm, struct vcpu *v, long reason)
{
	const struct ucall *uc;

	if (reason == VCPU_EXIT_MMIO)
		return true;
	uc = vm_gpa_to_hva(vm, v->gprs.rdi);
	if (reason != VCPU_EXIT_IO || v->exit.io.port != UCALL_PORT || !uc ||
	    uc->args[1] != MOVED_VALUE) {
		ktest_fail(t, "expected an MMIO exit or the moved slot's 0x%x, saw exit %ld value 0x%llx",
			   MOVED_VALUE, reason, uc ? (u64)uc->args[1] : 0);
		return false;
	}
	return true;
}

/*
 * The extra successful reads of the old frame after the DELETE (or MOVE)
 * returned, or -1 on a failure.
 */
static long spinning_reader(struct ktest_ctx *t, bool kick, bool move)
{
	struct vcpu *v;
	struct vm *vm;
	struct vmm_remote_run run = { .budget = RUN_BUDGET, .max_runs = MAX_RUNS };
	struct kvm_userspace_memory_region del = { .slot = 1, .guest_phys_addr = DATA_GPA };
	volatile u64 *progress;
	hva_t data;
	u64 before, after, i;
	long reason;
	int err;

	if (!ktest_need_ap_vmx(t))
		return -1;
	vm = ktest_guest64(t, "spinner", MiB(4), &v);
	if (!vm)
		return -1;
	err = vm_add_memory(vm, 1, DATA_GPA, KiB(64), 0, &data);
	if (err) {
		ktest_fail(t, "expected the data slot, saw %d", err);
		vm_destroy(vm);
		return -1;
	}
	*(u64 *)data = START_VALUE;
	*(u64 *)(data + MOVE_DELTA) = MOVED_VALUE;
	progress = vm_gpa_to_hva(vm, PROGRESS_GPA);
	vcpu_put(v);
	run.v = v;
	smp_call_async(1, vmm_remote_run, &run);
	for (i = 0; READ_ONCE(*progress) < WARMUP_READS && i < WAIT_POLLS; i++)
		cpu_relax();
	vm->kvm.debug.no_kick = !kick;
	del.userspace_addr = data;
	if (move) {
		del.guest_phys_addr = DATA_GPA - MOVE_DELTA;
		del.memory_size = KiB(64);
	}
	err = kvm_set_memory_region(&vm->kvm, &del);
	before = READ_ONCE(*progress);
	reason = smp_wait(1);
	after = READ_ONCE(*progress);
	if (i == WAIT_POLLS || err || (!move && reason != VCPU_EXIT_MMIO) ||
	    (move && !moved_view_ok(t, vm, v, reason))) {
		if (!t->failed)
			ktest_fail(t, "expected the guest to spin, the change to work and an MMIO "
				      "exit; saw %llu reads, change %d, exit %ld", before, err, reason);
		vm_destroy(vm);
		return -1;
	}
	vm_destroy(vm);
	kprintf("smp: %s, remote kick %s: %llu reads of the old frame before the call returned, "
		"%llu after\n", move ? "MOVE" : "DELETE", kick ? "on" : "off", before, after - before);
	return (long)(after - before);
}

KTEST(test_smp_spinning_reader, "smp.spinning-reader")
{
	long stale = spinning_reader(t, true, false);

	if (stale < 0)
		return;
	KT_ASSERT(t, stale <= 1,
		  "expected no read of the deleted slot after the delete returned, saw %ld", stale);
}

/* set_memory_region_test: MOVE the slot by -4 KiB while the guest spins reading it. */
KTEST(test_smp_move_while_spinning, "smp.move-while-spinning")
{
	long stale = spinning_reader(t, true, true);

	if (stale < 0)
		return;
	KT_ASSERT(t, stale <= 1,
		  "expected no read of the old frame after the move returned, saw %ld", stale);
}

KTEST(test_smp_spinning_reader_no_kick, "smp.spinning-reader.negative-control")
{
	long stale = spinning_reader(t, false, false);

	if (stale < 0)
		return;
	KT_ASSERT(t, stale > 1,
		  "expected stale reads with the remote kick switched off (the scenario must be "
		  "able to fail), saw %ld",
		  stale);
}
