/*
 * A run's budget against a guest whose exits are all fast (vmx/run.c, "The
 * exit fast path"; guests/cpuid_storm.c: CPUID in a loop, an exit every few
 * guest instructions).  The preemption timer counts only the guest's time,
 * so the budget holds only because the fast path looks at the TSC:
 *  guest.budget.exact: vcpu_run()'s budget (a device's deadline): the fast
 *    path looks at it on every fast exit (v->fast_looks);
 *  guest.budget.loose: vcpu_run_loose()'s: on every VCPU_LOOSE_CHECK_EVERY-th;
 * and either run ends no sooner than its budget and no later than
 * STORM_SLACK after it.  Without the looks the run would last as long as
 * the guest needs to use the budget up in its own time: about twelve times
 * the budget here.
 */
#include "arch/x86/cpu.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vmx/vmx.h"

#define STORM_BUDGET 3000000ULL	/* TSC ticks: some 20,000 CPUID exits */
/*
 * How late a run may end: the handling of the exits since the last look
 * (one, or 32: 142 to 192 ticks each in Bochs), the run's own entry and
 * return (about 1,000 ticks), and whatever the host's own interrupts add
 * meanwhile (a few thousand ticks in an SMP boot).  Far below the overrun
 * of a run that never looks.
 */
#define STORM_SLACK (STORM_BUDGET / 50)

static void storm_bound(struct ktest_ctx *t, bool loose)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "cpuid_storm", MiB(4), &v);
	u64 exits0, looks0, t0, elapsed, exits, looks;
	int r;

	if (!vm)
		return;
	if (!v->preempt_timer_saved) {
		ktest_skip(t, "the CPU does not save the preemption timer: no fast path");
		vm_destroy(vm);
		return;
	}
	exits0 = v->exit_count[EXIT_REASON_CPUID];
	looks0 = v->fast_looks;
	t0 = rdtsc();
	r = loose ? vcpu_run_loose(v, STORM_BUDGET) : vcpu_run(v, STORM_BUDGET);
	elapsed = rdtsc() - t0;
	exits = v->exit_count[EXIT_REASON_CPUID] - exits0;
	looks = v->fast_looks - looks0;
	kprintf("  %s run: %llu ticks for a budget of %llu, %llu CPUID exits, %llu looks at the "
		"deadline\n", loose ? "loose" : "exact", elapsed, STORM_BUDGET, exits, looks);
	KT_ASSERT(t, r == 0 && v->exit.reason == VCPU_EXIT_BUDGET,
		  "expected the budget to end the run, saw %d / %s", r, ktest_exit_name(v));
	KT_ASSERT(t, exits > 1000, "expected a storm of CPUID exits, saw %llu", exits);
	if (loose)
		KT_ASSERT(t, looks && looks <= exits / (VCPU_LOOSE_CHECK_EVERY / 2),
			  "expected a look every %d exits, saw %llu looks in %llu exits",
			  VCPU_LOOSE_CHECK_EVERY, looks, exits);
	else
		KT_ASSERT(t, looks + 1 >= exits, "expected a look at every exit but the last, saw "
			  "%llu looks in %llu exits", looks, exits);
	KT_ASSERT(t, elapsed >= STORM_BUDGET && elapsed <= STORM_BUDGET + STORM_SLACK,
		  "expected the run to end within %llu ticks after its budget of %llu, saw %llu",
		  STORM_SLACK, STORM_BUDGET, elapsed);
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
