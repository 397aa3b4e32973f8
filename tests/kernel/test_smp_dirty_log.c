/*
 * dirty_log_test with the log fetched while the vCPU keeps writing on CPU
 * 1, for both mechanisms (write protection, PML).  The guest
 * (guests/dirty_spin.c) writes the round number to random pages; each
 * round the BSP sets the round, waits for the guest to make WRITES_PER_ROUND
 * more writes, and fetches the log.  Page values only grow, so a changed
 * value is a write.  For every page, with P its value read just before a
 * fetch and Q just after:
 *  - a change between the last fetch's Q and this fetch's P happened
 *    between the two fetches: this one must report it;
 *  - a change between P and Q may have raced with the fetch: if this one
 *    does not report it, the next one must;
 *  - a reported page must hold this round's or the last round's number
 *    (no write older than the last fetch is reported again, no page
 *    never written is reported), with one exception: a write that faults
 *    marks its page dirty in the fault path before the store retires (as
 *    KVM's does), so a fetch may report a page whose new value has not
 *    landed yet.  Such a page must hold a new value by the next fetch
 *    (and after the vCPU stopped, nothing is in flight any more).
 * The PML negative control skips emptying the vCPU's log before the fetch
 * (what the vCPU logged since its last exit is then missed) and must fail
 * the first rule.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "remote_run.h"

#define LOG_GPA 0x10000000ULL
#define LOG_PAGES 1040
#define CTRL_GPA 0x300000ULL
#define PAGE 4096
#define ROUNDS 10
#define WRITES_PER_ROUND 400
#define RUN_BUDGET 4000000	/* ticks per vcpu_run on the AP */
#define WAIT_POLLS 200000000ULL

struct dirty_ctrl {
	volatile u64 round;
	volatile u64 writes;
	volatile u64 stop;
};

struct dirty_check {
	u64 before[LOG_PAGES];	/* P: values just before this fetch */
	u64 after[LOG_PAGES];	/* Q: values just after the last fetch, then this one */
	bool pending[LOG_PAGES];	/* changed during the last fetch, not reported by it */
	bool in_flight[LOG_PAGES];	/* reported by the last fetch before its new value landed */
	u64 bitmap[(LOG_PAGES + 63) / 64];
	u64 missed, wrong, reported;
	u64 first_page;
	const char *first_what;
};

static struct dirty_check dc;

static void snapshot(hva_t log, u64 *vals)
{
	for (u64 i = 0; i < LOG_PAGES; i++)
		vals[i] = READ_ONCE(*(volatile u64 *)(log + i * PAGE));
}

static void note(struct dirty_check *c, u64 page, const char *what, u64 *count)
{
	if (!c->missed && !c->wrong) {
		c->first_page = page;
		c->first_what = what;
	}
	(*count)++;
}

/* Whether a reported page's value q is older than round r's last fetch (or never written). */
static bool stale(u64 q, u64 r)
{
	return q == 0 || q + 1 < r;
}

/*
 * Fetch the log for round r and apply the three rules to every page; with
 * the vCPU still running, a write may be in flight.
 */
static int fetch_and_check(struct kvm *kvm, hva_t log, u64 r, bool running)
{
	struct dirty_check *c = &dc;
	int err;

	snapshot(log, c->before);
	memset(c->bitmap, 0, sizeof(c->bitmap));
	err = kvm_get_dirty_log(kvm, 1, c->bitmap);
	if (err)
		return err;
	for (u64 i = 0; i < LOG_PAGES; i++) {
		bool rep = c->bitmap[i / 64] & (1ULL << (i % 64));
		u64 q = READ_ONCE(*(volatile u64 *)(log + i * PAGE));

		if (!rep && c->before[i] != c->after[i])
			note(c, i, "written between two fetches, not reported", &c->missed);
		if (!rep && c->pending[i])
			note(c, i, "written during a fetch, reported by neither", &c->missed);
		if (c->in_flight[i] && c->before[i] == c->after[i])
			note(c, i, "reported dirty, and no write landed before the next fetch",
			     &c->wrong);
		if (rep && (q > r || (stale(q, r) && !running)))
			note(c, i, "reported dirty without a write since the last fetch", &c->wrong);
		c->in_flight[i] = rep && stale(q, r) && running;
		c->pending[i] = !rep && q != c->before[i];
		c->after[i] = q;
		c->reported += rep;
	}
	return 0;
}

static bool wait_writes(struct dirty_ctrl *ctrl, u64 target)
{
	for (u64 i = 0; i < WAIT_POLLS; i++) {
		if (READ_ONCE(ctrl->writes) >= target)
			return true;
		cpu_relax();
	}
	return false;
}

/* The rounds; false with the test failed (or skipped) for anything but the checks. */
static bool dirty_log_while_running(struct ktest_ctx *t, bool pml, bool no_sync)
{
	struct vmm_remote_run run = { .budget = RUN_BUDGET };
	struct dirty_ctrl *ctrl;
	struct vcpu *v;
	struct vm *vm;
	hva_t log;
	long reason;
	int err;

	if (!ktest_need_ap_vmx(t))
		return false;
	vm = ktest_guest64_dirty(t, "dirty_spin", MiB(4), pml, &v);
	if (!vm)
		return false;
	memset(&dc, 0, sizeof(dc));
	vm->kvm.debug.no_dirty_log_sync = no_sync;
	err = vm_add_memory(vm, 1, LOG_GPA, LOG_PAGES * PAGE, KVM_MEM_LOG_DIRTY_PAGES, &log);
	ctrl = vm_gpa_to_hva(vm, CTRL_GPA);
	if (err || !ctrl) {
		ktest_fail(t, "expected a dirty-logged slot, saw %d", err);
		vm_destroy(vm);
		return false;
	}
	ctrl->round = 1;
	vcpu_put(v);
	run.v = v;
	smp_call_async(1, vmm_remote_run, &run);
	for (u64 r = 1; r <= ROUNDS && !err; r++) {
		ctrl->round = r;
		if (!wait_writes(ctrl, READ_ONCE(ctrl->writes) + WRITES_PER_ROUND))
			err = -ETIMEDOUT;
		err = err ?: fetch_and_check(&vm->kvm, log, r, true);
	}
	ctrl->stop = 1;
	run.stop = true;
	reason = smp_wait(1);
	/* The guest has stopped: a last fetch must report whatever is left. */
	err = err ?: fetch_and_check(&vm->kvm, log, ROUNDS + 1, false);
	if (err || reason != VCPU_EXIT_IO || v->exit.io.port != UCALL_PORT) {
		ktest_fail(t, "expected %d rounds and the guest's DONE, saw error %d, exit %ld (%s) "
			   "after %llu writes", ROUNDS, err, reason, ktest_exit_name(v), ctrl->writes);
		vm_destroy(vm);
		return false;
	}
	kprintf("smp: dirty log %s%s, fetched while CPU 1 writes: %d rounds, %llu writes, "
		"%llu pages reported, %llu missed, %llu wrongly reported; %llu EPT violations, "
		"%llu PML entries\n", pml ? "by PML" : "by write protection",
		no_sync ? " without emptying the vCPU's log" : "", ROUNDS, ctrl->writes, dc.reported,
		dc.missed, dc.wrong, v->exit_count[EXIT_REASON_EPT_VIOLATION],
		vm->kvm.stat.pml_entries);
	if (dc.missed || dc.wrong)
		kprintf("smp: first: page %llu %s\n", dc.first_page, dc.first_what);
	vm_destroy(vm);
	return true;
}

static void dirty_log_smp(struct ktest_ctx *t, bool pml)
{
	if (!dirty_log_while_running(t, pml, false))
		return;
	KT_ASSERT(t, dc.missed == 0 && dc.wrong == 0,
		  "expected every write reported and nothing else, saw %llu missed, %llu wrong "
		  "(first: page %llu %s)", dc.missed, dc.wrong, dc.first_page, dc.first_what);
	KT_ASSERT(t, dc.reported > 0, "expected dirty pages, saw none reported");
}

KTEST(test_smp_dirty_log_wp, "smp.dirty-log.write-protect")
{
	dirty_log_smp(t, false);
}

KTEST(test_smp_dirty_log_pml, "smp.dirty-log.pml")
{
	dirty_log_smp(t, true);
}

KTEST(test_smp_dirty_log_pml_no_sync, "smp.dirty-log.pml.negative-control")
{
	if (!dirty_log_while_running(t, true, true))
		return;
	KT_ASSERT(t, dc.missed > 0,
		  "expected writes missed when the vCPU's log is not emptied first, saw none");
}
