/*
 * dirty_log_test in Bochs, write-protection flavour: a slot of 1040 pages
 * (not a multiple of 64) logs dirty pages while the guest writes the round
 * number to random pages.  Rounds are stop-the-world: the guest writes,
 * then syncs, then the VMM fetches and clears the log.  A page is reported
 * dirty exactly when it holds this round's number: a page written this
 * round must be reported, and a reported page must have been written this
 * round.  Fetching write-protects the dirty pages again, so the next
 * round's writes are caught too.
 */
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "lib/string.h"

#define LOG_GPA 0x10000000ULL
#define LOG_PAGES 1040
#define ROUNDS 8
#define PAGE 4096

static u64 bitmap[(LOG_PAGES + 63) / 64];

static bool check_round(struct ktest_ctx *t, hva_t log, u64 round, u64 *dirty)
{
	*dirty = 0;
	for (u64 i = 0; i < LOG_PAGES; i++) {
		bool reported = bitmap[i / 64] & (1ULL << (i % 64));
		bool written = *(u64 *)(log + i * PAGE) == round;

		if (reported != written) {
			ktest_fail(t, "round %llu, page %llu: %s", round, i,
				   written ? "written but not reported dirty" :
					     "reported dirty but not written this round");
			return false;
		}
		*dirty += reported;
	}
	return true;
}

KTEST(test_dirty_log_wp, "dirty-log.write-protect")
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "dirtier", MiB(4), &v);
	struct ucall uc;
	u64 total = 0;
	hva_t log;
	int err;

	if (!vm)
		return;
	err = vm_add_memory(vm, 1, LOG_GPA, LOG_PAGES * PAGE, KVM_MEM_LOG_DIRTY_PAGES, &log);
	KT_ASSERT(t, err == 0, "expected a dirty-logged slot of %d pages, saw %d", LOG_PAGES, err);
	for (u64 r = 1; r <= ROUNDS; r++) {
		u64 dirty;
		int cmd = vmm_run(v, 0, &uc);

		KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == r,
			  "round %llu: expected SYNC %llu, saw ucall %d (%s)", r, r, cmd,
			  ktest_exit_name(v));
		memset(bitmap, 0, sizeof(bitmap));
		err = kvm_get_dirty_log(vm->kvm, 1, bitmap);
		KT_ASSERT(t, err == 0, "round %llu: expected the dirty log, saw %d", r, err);
		if (!check_round(t, log, r, &dirty))
			return;
		KT_ASSERT(t, dirty > 0, "round %llu: expected some pages written", r);
		total += dirty;
	}
	kprintf("dirty-log: %d rounds, %llu dirty pages reported, every one checked\n", ROUNDS, total);
	vm_destroy(vm);
}
