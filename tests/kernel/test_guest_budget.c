/*
 * A run's budget against a guest whose exits are all fast (vmx/run.c, "The
 * exit fast path"; guests/cpuid_storm.c: CPUID in a loop, an exit every few
 * guest instructions).  The preemption timer counts only the guest's time,
 * so the budget holds only because the fast path looks at the TSC:
 *  guest.budget.exact: vcpu_run()'s budget (a device's deadline) ends the
 *    run no sooner than it says and no later than the handling of one
 *    exit after it, besides the run's own entry and return;
 *  guest.budget.loose: vcpu_run_loose()'s no later than the handling of
 *    VCPU_LOOSE_CHECK_EVERY exits after it.
 * Without the looks, the run would last as long as the guest needs to use
 * the budget up in its own time: about twenty times the budget here.
 */
#include "arch/x86/cpu.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vmx/vmx.h"

#define STORM_BUDGET 3000000ULL	/* TSC ticks: some 20,000 CPUID exits */
/*
 * What a run costs besides its exits, in exits: the entry's loading and
 * the return's putting back (vcpu_run()), and the slow exit that ends it.
 * Measured in Bochs: about 1,000 ticks, against 142 to 192 for an exit of
 * the storm; eight exits' worth bounds it, and is far less than
 * VCPU_LOOSE_CHECK_EVERY exits, so that an exact run that looked at its
 * deadline only as a loose one does fails the exact bound.
 */
#define RUN_OVERHEAD_EXITS 8

struct storm_run {
	u64 elapsed;	/* TSC ticks from before vcpu_run() to its return */
	u64 exits;	/* CPUID exits in the run */
};

static bool storm_run(struct ktest_ctx *t, struct vcpu *v, bool loose, struct storm_run *s)
{
	u64 exits0 = v->exit_count[EXIT_REASON_CPUID], t0 = rdtsc();
	int r = loose ? vcpu_run_loose(v, STORM_BUDGET) : vcpu_run(v, STORM_BUDGET);

	s->elapsed = rdtsc() - t0;
	s->exits = v->exit_count[EXIT_REASON_CPUID] - exits0;
	KT_ASSERT(t, r == 0 && v->exit.reason == VCPU_EXIT_BUDGET,
		  "expected the budget to end the run, saw %d / %s", r, ktest_exit_name(v));
	KT_ASSERT(t, s->exits > 1000, "expected a storm of CPUID exits, saw %llu", s->exits);
	KT_ASSERT(t, s->elapsed >= STORM_BUDGET, "expected no end before the budget, saw %llu ticks",
		  s->elapsed);
	kprintf("  %s run: %llu ticks for a budget of %llu, %llu CPUID exits (%llu ticks each)\n",
		loose ? "loose" : "exact", s->elapsed, STORM_BUDGET, s->exits, s->elapsed / s->exits);
	return !t->failed;
}

static void storm_bound(struct ktest_ctx *t, bool loose)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "cpuid_storm", MiB(4), &v);
	struct storm_run s;
	u64 late_exits = loose ? VCPU_LOOSE_CHECK_EVERY : 1, limit;

	if (!vm)
		return;
	if (!v->preempt_timer_saved) {
		ktest_skip(t, "the CPU does not save the preemption timer: no fast path");
		vm_destroy(vm);
		return;
	}
	if (storm_run(t, v, loose, &s)) {
		/* Late by the handling of late_exits exits, one more for the one under way. */
		limit = STORM_BUDGET + (late_exits + 1 + RUN_OVERHEAD_EXITS) * (s.elapsed / s.exits);
		KT_ASSERT(t, s.elapsed <= limit,
			  "expected the run to end within %llu ticks, saw %llu (%llu exits)", limit,
			  s.elapsed, s.exits);
	}
	vm_destroy(vm);
}

KTEST(test_guest_budget_exact, "guest.budget.exact")
{
	storm_bound(t, false);
}

KTEST(test_guest_budget_loose, "guest.budget.loose")
{
	storm_bound(t, true);
}
