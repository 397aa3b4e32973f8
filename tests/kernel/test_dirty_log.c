/*
 * dirty_log_test in Bochs, stop-the-world flavour, once per mechanism
 * (write protection, PML): a slot of 1040 pages (not a multiple of 64)
 * logs dirty pages while the guest writes the round number to random
 * pages.  Each round the guest writes, then syncs, then the VMM fetches
 * and clears the log.  A page is reported dirty exactly when it holds this
 * round's number: a page written this round must be reported, and a
 * reported page must have been written this round.  Fetching re-arms the
 * dirty pages, so the next round's writes are caught too.  The exit and
 * PML counters show which mechanism did the work.
 */
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmx/exit_reason.h"

#define LOG_GPA 0x10000000ULL
#define LOG_PAGES 1040
#define ROUNDS 8
#define PAGE 4096

static u64 bitmap[(LOG_PAGES + 63) / 64];

/* Pages whose report disagrees with what they hold; *dirty: pages reported. */
static u64 round_mismatches(hva_t log, u64 round, u64 *dirty, u64 *first_bad)
{
	u64 bad = 0;

	*dirty = 0;
	for (u64 i = 0; i < LOG_PAGES; i++) {
		bool reported = bitmap[i / 64] & (1ULL << (i % 64));
		bool written = *(u64 *)(log + i * PAGE) == round;

		if (reported != written && !bad++)
			*first_bad = i;
		*dirty += reported;
	}
	return bad;
}

struct dirty_run {
	u64 dirty;		/* pages reported over all rounds */
	u64 bad_rounds;		/* rounds with a page reported wrongly */
	u64 faults;		/* EPT violations */
	u64 pml_entries;
};

/* Run the rounds; false with the test failed on anything but a wrong report. */
static bool dirty_rounds(struct ktest_ctx *t, bool pml, bool keep_dirty_bits,
			 struct dirty_run *out)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64_dirty(t, "dirtier", MiB(4), pml, &v);
	struct ucall uc;
	hva_t log;
	int err;

	if (!vm)
		return false;
	memset(out, 0, sizeof(*out));
	vm->kvm.debug.keep_dirty_bits = keep_dirty_bits;
	err = vm_add_memory(vm, 1, LOG_GPA, LOG_PAGES * PAGE, KVM_MEM_LOG_DIRTY_PAGES, &log);
	if (err) {
		ktest_fail(t, "expected a dirty-logged slot of %d pages, saw %d", LOG_PAGES, err);
		vm_destroy(vm);
		return false;
	}
	for (u64 r = 1; r <= ROUNDS; r++) {
		u64 dirty, first_bad = 0, bad;
		int cmd = vm_run(v, 0, &uc);

		if (cmd != UCALL_SYNC || uc.args[0] != r) {
			ktest_fail(t, "round %llu: expected SYNC %llu, saw ucall %d (%s)", r, r, cmd,
				   ktest_exit_name(v));
			vm_destroy(vm);
			return false;
		}
		memset(bitmap, 0, sizeof(bitmap));
		err = kvm_get_dirty_log(&vm->kvm, 1, bitmap);
		if (err) {
			ktest_fail(t, "round %llu: expected the dirty log, saw %d", r, err);
			vm_destroy(vm);
			return false;
		}
		bad = round_mismatches(log, r, &dirty, &first_bad);
		if (bad && !keep_dirty_bits)
			kprintf("dirty-log: round %llu, page %llu: %s\n", r, first_bad,
				bitmap[first_bad / 64] & (1ULL << (first_bad % 64)) ?
					"reported dirty but not written this round" :
					"written but not reported dirty");
		out->bad_rounds += bad != 0;
		out->dirty += dirty;
	}
	out->faults = v->exit_count[EXIT_REASON_EPT_VIOLATION];
	out->pml_entries = vm->kvm.stat.pml_entries;
	vm_destroy(vm);
	return true;
}

static void dirty_log_exact(struct ktest_ctx *t, bool pml)
{
	const char *how = pml ? "PML" : "write protection";
	struct dirty_run run;

	if (!dirty_rounds(t, pml, false, &run))
		return;
	KT_ASSERT(t, run.bad_rounds == 0, "%s: expected every page reported exactly when written, "
		  "%llu of %d rounds were not", how, run.bad_rounds, ROUNDS);
	kprintf("dirty-log: %s: %d rounds, %llu dirty pages reported, every one checked; "
		"%llu EPT violations, %llu PML entries\n", how, ROUNDS, run.dirty, run.faults,
		run.pml_entries);
	if (pml) {
		/* Rewrites of mapped pages are logged by the CPU, not by faults. */
		KT_ASSERT(t, run.pml_entries > 0 && run.faults < run.dirty,
			  "PML: expected the log to report writes without faults, saw %llu entries, "
			  "%llu faults for %llu dirty pages", run.pml_entries, run.faults, run.dirty);
	} else {
		/* Every write to a page made clean again faults. */
		KT_ASSERT(t, run.pml_entries == 0 && run.faults >= run.dirty,
			  "write protection: expected a fault per dirty page and no PML, saw %llu faults "
			  "for %llu pages, %llu PML entries", run.faults, run.dirty, run.pml_entries);
	}
}

KTEST(test_dirty_log_wp, "dirty-log.write-protect")
{
	dirty_log_exact(t, false);
}

KTEST(test_dirty_log_pml, "dirty-log.pml")
{
	dirty_log_exact(t, true);
}

/*
 * Negative control: getting the log leaves the EPT dirty bits set, so the
 * CPU does not log the next write to a page that was dirty: the check
 * above must see written pages go unreported.
 */
KTEST(test_dirty_log_pml_negative, "dirty-log.pml.negative-control")
{
	struct dirty_run run;

	if (!dirty_rounds(t, true, true, &run))
		return;
	kprintf("dirty-log: PML with dirty bits kept: %llu of %d rounds reported wrongly\n",
		run.bad_rounds, ROUNDS);
	KT_ASSERT(t, run.bad_rounds > 0,
		  "expected unreported writes with the dirty bits kept, saw every round right");
}
