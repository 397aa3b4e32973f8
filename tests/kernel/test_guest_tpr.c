/*
 * TPR shadow (issue 16): MOV to and from CR8 reach the vCPU's virtual-APIC
 * page without an exit, the emulated xAPIC's TPR register and CR8 show one
 * TPR, and lowering CR8 past an interrupt the TPR held back exits ("TPR
 * below threshold") so that it is delivered before the guest's next
 * instruction (guests/tpr.c).  On a CPU without TPR shadow CR8 exits and
 * the same guest passes; only the exit counts differ.  These run without
 * virtual-interrupt delivery (v->debug.no_vid); guest.tpr-shadow.vid runs (v->debug.vid)
 * with it, where the CPU itself delivers the interrupt at the MOV, with no
 * exit.  Negative control: with no threshold set
 * (v->debug.no_tpr_threshold) the interrupt must still be pending right
 * after the MOV.
 */
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vm/pc.h"

#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */

enum tpr_path {
	TPR_VID,		/* virtual-interrupt delivery, where the CPU has it */
	TPR_THRESHOLD,		/* TPR shadow and its threshold, without it */
	TPR_NO_THRESHOLD,	/* ... and no threshold: the negative control */
};

/* Run the guest to its third stage; its value then, or -1 after a failure. */
static long run_tpr_guest(struct ktest_ctx *t, enum tpr_path path, bool *shadow, bool *vid)
{
	struct vcpu *v;
	struct vm *vm = ktest_guest64(t, "tpr", MiB(4), &v);
	bool no_threshold = path == TPR_NO_THRESHOLD;
	u64 cr_exits, val = 0;
	long r = -1;

	if (!vm)
		return -1;
	v->debug.vid = path == TPR_VID;
	v->debug.no_vid = path != TPR_VID;
	vm_lapic_enable(vm, v);
	v->debug.no_tpr_threshold = no_threshold;
	*shadow = v->vapic != NULL;
	*vid = v->apicv_vid;
	cr_exits = v->exit_count[EXIT_REASON_CR_ACCESS];
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 1, &val))
		goto out;
	KT_ASSERT(t, val == 7, "expected CR8 7 last, saw %llu", val);
	if (*shadow)
		KT_ASSERT(t, v->exit_count[EXIT_REASON_CR_ACCESS] == cr_exits,
			  "expected no CR access exits with TPR shadow, saw %llu",
			  v->exit_count[EXIT_REASON_CR_ACCESS] - cr_exits);
	KT_ASSERT(t, *v->tpr == 0x70, "expected the xAPIC's TPR 0x70 after the run, saw 0x%x",
		  *v->tpr);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 2, &val))
		goto out;
	KT_ASSERT(t, val == 5, "expected CR8 5 after the xAPIC and CR8 writes, saw %llu", val);
	if (!ktest_expect_sync(t, v, RUN_BUDGET, 3, &val))
		goto out;
	r = (long)val;
	/* With virtual-interrupt delivery the CPU delivers at the TPR write: no exit. */
	if (*vid)
		KT_ASSERT(t, v->exit_count[EXIT_REASON_TPR_BELOW_THRESHOLD] == 0,
			  "expected no TPR-below-threshold exit with virtual-interrupt delivery, "
			  "saw %llu", v->exit_count[EXIT_REASON_TPR_BELOW_THRESHOLD]);
	else if (*shadow && !no_threshold)
		KT_ASSERT(t, v->exit_count[EXIT_REASON_TPR_BELOW_THRESHOLD] >= 1,
			  "expected a TPR-below-threshold exit, saw none");
	kprintf("tpr: %s%s: %llu CR access exits, %llu TPR-below-threshold exits; the "
		"interrupt ran %ld times before CR8 was lowered, %ld right after\n",
		*vid ? "virtual-interrupt delivery" : *shadow ? "TPR shadow" : "CR8 exiting",
		no_threshold ? " without a threshold" : "",
		v->exit_count[EXIT_REASON_CR_ACCESS] - cr_exits,
		v->exit_count[EXIT_REASON_TPR_BELOW_THRESHOLD], r / 10, r % 10);
	if (vm_run(v, RUN_BUDGET, &(struct ucall){ 0 }) != UCALL_DONE)
		ktest_fail(t, "expected the guest to finish (%s)", ktest_exit_name(v));
out:
	vm_destroy(vm);
	return r;
}

static void tpr_taken_at_once(struct ktest_ctx *t, enum tpr_path path)
{
	bool shadow, vid;
	long r = run_tpr_guest(t, path, &shadow, &vid);

	if (r < 0)
		return;
	if (path == TPR_VID && !vid) {
		ktest_skip(t, "this CPU has no virtual-interrupt delivery (guest.tpr-shadow runs "
			   "the threshold)");
		return;
	}
	KT_ASSERT(t, r == 1, "expected the interrupt held back by CR8 15 (0 runs) and taken "
		  "before the instruction after CR8 0 (1 run), saw %ld and %ld", r / 10, r % 10);
}

KTEST(test_guest_tpr, "guest.tpr-shadow")
{
	tpr_taken_at_once(t, TPR_THRESHOLD);
}

KTEST(test_guest_tpr_vid, "guest.tpr-shadow.vid")
{
	tpr_taken_at_once(t, TPR_VID);
}

KTEST(test_guest_tpr_negative, "guest.tpr-shadow.negative-control")
{
	bool shadow, vid;
	long r = run_tpr_guest(t, TPR_NO_THRESHOLD, &shadow, &vid);

	if (r < 0)
		return;
	if (!shadow) {
		ktest_skip(t, "this CPU has no TPR shadow: CR8 exits, no threshold to leave out");
		return;
	}
	KT_ASSERT(t, r == 0, "expected the interrupt still pending right after CR8 0 without a "
		  "threshold (0 and 0 runs), saw %ld and %ld", r / 10, r % 10);
}
