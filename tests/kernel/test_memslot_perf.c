/*
 * memslot_perf_test in Bochs with two CPUs: each scenario of
 * include/vmm/memslot_perf.h once, with the guest on CPU 1 while the BSP
 * changes the slots, as KVM runs the vCPU in its own thread.  Besides the
 * checks each scenario makes (vmm/memslot_perf*.c), every frame must come
 * back when its VM is destroyed.  `make bench` times the same scenarios.
 *
 * 512 slots of 512 KiB: below 2 MiB a slot maps only 4 KiB leaves, as
 * KVM's 32763 slots of 16 KiB do, so every page is one fault and one
 * unmap; 256 MiB (KVM uses 512 MiB) keeps the case's Bochs time modest.
 * KVM's 16 KiB slots (16384 here) work too, but their creation costs
 * about 50M ticks per scenario: `make bench` runs them.
 */
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "mm/frame.h"
#include "memslot_perf.h"
#include "remote_run.h"

#define PERF_TEST_SLOTS 512
#define PERF_TEST_AREA MiB(256)
#define PERF_TEST_ROUNDS 2		/* passes over the area */
#define PERF_TEST_MOVES 20		/* MOVE-away-and-back pairs */

static void perf_print(enum memslot_perf_scenario s, const struct memslot_perf_cfg *cfg,
		       const struct memslot_perf_result *res)
{
	kprintf("memslot_perf: %s%s: %u slots, %llu MiB (set up in %llu ticks): %llu guest "
		"passes, %llu EPT faults (%llu MMIO), %llu remote flushes, %llu kicks, %llu VMM "
		"operations; %llu ticks\n",
		memslot_perf_name(s), cfg->no_kick ? " without the remote kick" : "", cfg->nslots,
		cfg->area_size >> 20, res->setup_ticks, res->guest_rounds, res->ept_faults,
		res->mmio_exits, res->remote_flushes, res->kicks, res->ops, res->ticks);
	if (s == MEMSLOT_PERF_MOVE_ACTIVE)
		kprintf("memslot_perf: the guest's reads: %llu answered by MMIO, %llu of an older "
			"write of its own after an MMIO write; %llu pages of the moved-away slot "
			"changed\n",
			res->guest_mmio_reads, res->guest_old_reads, res->stale_writes);
}

/*
 * Run scenario s with cfg and check that its VM gave every frame back:
 * true when it ran (res->err says whether its own checks passed), false
 * with the test skipped or failed.
 */
static bool perf_scenario(struct ktest_ctx *t, enum memslot_perf_scenario s,
			  const struct memslot_perf_cfg *cfg, struct memslot_perf_result *res)
{
	struct frame_stats before, after;

	/* The guest must run while the VMM changes its slots. */
	if (!ktest_need_ap_vmx(t))
		return false;
	/* After both VMXONs: their regions stay allocated while VMX is on. */
	frame_get_stats(&before);
	memslot_perf_run(s, cfg, res);
	frame_get_stats(&after);
	perf_print(s, cfg, res);
	if (after.free_frames != before.free_frames) {
		ktest_fail(t, "expected every frame back after destroying the VM: "
			      "free %llu -> %llu", before.free_frames, after.free_frames);
		return false;
	}
	return true;
}

static void area_scenario(struct ktest_ctx *t, enum memslot_perf_scenario s)
{
	const struct memslot_perf_cfg cfg = {
		.area_size = PERF_TEST_AREA, .nslots = PERF_TEST_SLOTS, .rounds = PERF_TEST_ROUNDS,
	};
	struct memslot_perf_result res;

	if (perf_scenario(t, s, &cfg, &res))
		KT_ASSERT(t, !res.err, "%s (error %d)", res.why, res.err);
}

/* A move scenario; true when it ran (res->err: whether its checks passed). */
static bool move_scenario(struct ktest_ctx *t, enum memslot_perf_scenario s, bool no_kick,
			  struct memslot_perf_result *res)
{
	const struct memslot_perf_cfg cfg = {
		.area_size = PERF_TEST_AREA, .nslots = PERF_TEST_SLOTS, .rounds = PERF_TEST_MOVES,
		.no_kick = no_kick,
	};

	return perf_scenario(t, s, &cfg, res);
}

KTEST(test_memslot_perf_map, "smp.memslot-perf.map")
{
	area_scenario(t, MEMSLOT_PERF_MAP);
}

KTEST(test_memslot_perf_unmap, "smp.memslot-perf.unmap")
{
	area_scenario(t, MEMSLOT_PERF_UNMAP);
}

KTEST(test_memslot_perf_unmap_chunked, "smp.memslot-perf.unmap-chunked")
{
	area_scenario(t, MEMSLOT_PERF_UNMAP_CHUNKED);
}

KTEST(test_memslot_perf_rw, "smp.memslot-perf.rw")
{
	area_scenario(t, MEMSLOT_PERF_RW);
}

KTEST(test_memslot_perf_move_active, "smp.memslot-perf.move-active")
{
	struct memslot_perf_result res;

	if (!move_scenario(t, MEMSLOT_PERF_MOVE_ACTIVE, false, &res))
		return;
	KT_ASSERT(t, !res.err, "%s (error %d)", res.why, res.err);
	KT_ASSERT(t, res.mmio_exits > 0, "expected MMIO exits while the slot was away, saw none");
}

/*
 * The move scenario must be able to fail: without the remote kick the
 * vCPU goes on writing the moved-away slot through the translations its
 * CPU cached (Bochs keeps them within one guest run), and the scenario
 * must see the slot's backing change after the MOVE returned.
 */
KTEST(test_memslot_perf_move_no_kick, "smp.memslot-perf.move-active.negative-control")
{
	struct memslot_perf_result res;

	if (!move_scenario(t, MEMSLOT_PERF_MOVE_ACTIVE, true, &res))
		return;
	KT_ASSERT(t, res.stale_writes > 0,
		  "expected writes to the moved-away slot with the remote kick switched off (the "
		  "scenario must be able to fail), saw %s", res.err ? res.why : "none");
}

KTEST(test_memslot_perf_move_inactive, "smp.memslot-perf.move-inactive")
{
	struct memslot_perf_result res;

	if (!move_scenario(t, MEMSLOT_PERF_MOVE_INACTIVE, false, &res))
		return;
	KT_ASSERT(t, !res.err, "%s (error %d)", res.why, res.err);
	KT_ASSERT(t, res.mmio_exits == 0, "expected no MMIO exit, saw %llu", res.mmio_exits);
}
