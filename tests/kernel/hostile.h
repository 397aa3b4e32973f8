/*
 * The hostile suite's harness (issue 17; tests/kernel/hostile.c): each
 * attack in a VM of its own, driven to its end the way a VMM would, then
 * the host checked.  The suite's tests are in tests/kernel/test_hostile*.c.
 */
#pragma once

#include "ktest_vmx.h"
#include "vm/pc.h"

#define HOSTILE_SLICE_TICKS 50000000ULL

/* What the VM gets besides its RAM (hostile_begin()'s devices). */
#define HOSTILE_LAPIC (1u << 0)		/* an xAPIC for its vCPU */
#define HOSTILE_TESTDEV (1u << 1)	/* pc-testdev, its IORAM at 0xff000000 included */
#define HOSTILE_VIRTIO (1u << 2)	/* virtio-rng and a virtio-blk disk (windows 0 and 1) */

struct hostile {
	struct ktest_ctx *t;
	const char *name;
	struct vm *vm;
	struct vcpu *v;
	struct ucall uc;
	u64 exits, unclaimed, start, free_before;
	u64 msrs[10];		/* the host MSRs hostile.c watches */
	u64 reports[8];		/* SYNC n's value in reports[n] */
	/*
	 * The test's own answer to an MMIO exit no device claimed (true: it
	 * did), before the empty bus; NULL for none.
	 */
	bool (*mmio)(struct hostile *h, struct vcpu_exit *e);
	void *priv;		/* the test's */
};

/*
 * A VM running the embedded guest `image` with mem bytes of RAM and the
 * devices of `devices`, its baseline (the host MSRs, the free frames)
 * taken first; false with the test skipped or failed.
 */
bool hostile_begin(struct ktest_ctx *t, struct hostile *h, const char *name, const char *image,
		   u64 mem, unsigned int devices);

/*
 * Run until the guest is done (UCALL_DONE), or its VM stops in another
 * way; every SYNC's value is kept.  The ucall, or 0 with v->exit saying
 * why.  budget 0: the suite's own (30 s of Bochs); else the whole run
 * ends with a budget exit (0) after budget ticks, however many exits the
 * guest makes.  A guest assertion fails the test.
 */
int hostile_run(struct hostile *h, u64 budget);

/* hostile_run() to the guest's UCALL_DONE, or the test failed naming how it ended. */
void hostile_expect_done(struct hostile *h);

/*
 * Destroy the VM, check the host's MSRs and free frames against the
 * baseline, print "hostile: NAME: verdict (...)" and run a sanity guest.
 */
void hostile_end(struct hostile *h, const char *verdict);
