/*
 * `make bench`'s memslot_perf figures (slotvisor.bench=perf, two CPUs):
 * the scenarios of KVM's memslot_perf_test (include/vmm/memslot_perf.h),
 * the guest on CPU 1 and the VMM on the BSP, with few large slots (2 MiB
 * leaves), with the tests' 512 slots of 512 KiB and with KVM's slot size,
 * 16 KiB (16384 slots; both give 4 KiB leaves only).
 * Ticks are the BSP's TSC, which in Bochs counts its instructions.
 */
#include "arch/x86/smp.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "bench.h"
#include "memslot_perf.h"

#define BENCH_AREA MiB(256)
#define BENCH_ROUNDS 2		/* passes over the area */
#define BENCH_MOVES 50		/* MOVE-away-and-back pairs */

static const unsigned int bench_slots[] = { 32, 512, 16384 };

/* What one of the VMM's operations is, per scenario. */
static const char *const op_names[] = {
	[MEMSLOT_PERF_MAP] = "unmap call (one slot)",
	[MEMSLOT_PERF_UNMAP] = "4 KiB unmap call",
	[MEMSLOT_PERF_UNMAP_CHUNKED] = "unmap call (2 MiB chunk, split at slots)",
	[MEMSLOT_PERF_MOVE_ACTIVE] = "MOVE",
	[MEMSLOT_PERF_MOVE_INACTIVE] = "MOVE",
	[MEMSLOT_PERF_RW] = "page the VMM wrote or checked",
};

static u64 per(u64 total, u64 n)
{
	return n ? total / n : 0;
}

/* Moves: per MOVE; the others: per operation, per page of the area and per pass over it. */
static void bench_print(enum memslot_perf_scenario s, const struct memslot_perf_cfg *cfg,
			const struct memslot_perf_result *res)
{
	char per_page[96] = "";

	if (s != MEMSLOT_PERF_MOVE_ACTIVE && s != MEMSLOT_PERF_MOVE_INACTIVE)
		ksnprintf(per_page, sizeof(per_page), ", %llu ticks per page, %llu ticks per pass",
			  per(res->ticks, res->pages), per(res->ticks, cfg->rounds));
	kprintf("bench: memslot_perf %s (%u slots, %llu MiB): %llu ticks per %s%s; %llu EPT "
		"faults, %llu MMIO exits, %llu remote flushes\n",
		memslot_perf_name(s), cfg->nslots, cfg->area_size >> 20,
		per(res->op_ticks, res->ops), op_names[s], per_page, res->ept_faults,
		res->mmio_exits, res->remote_flushes);
}

static int bench_slot_count(unsigned int nslots)
{
	struct memslot_perf_cfg cfg = { .area_size = BENCH_AREA, .nslots = nslots };
	struct memslot_perf_result res;
	int err;

	for (int s = 0; s < MEMSLOT_PERF_NR_SCENARIOS; s++) {
		bool move = s == MEMSLOT_PERF_MOVE_ACTIVE || s == MEMSLOT_PERF_MOVE_INACTIVE;

		cfg.rounds = move ? BENCH_MOVES : BENCH_ROUNDS;
		err = memslot_perf_run(s, &cfg, &res);
		if (err) {
			kprintf("bench: memslot_perf %s failed: %s (%d)\n", memslot_perf_name(s),
				res.why, err);
			return err;
		}
		bench_print(s, &cfg, &res);
	}
	kprintf("bench: memslot_perf slot setup (%u slots, %llu MiB): %llu ticks per slot "
		"created\n", nslots, BENCH_AREA >> 20, per(res.setup_ticks, nslots));
	return 0;
}

int bench_perf_run(void)
{
	int err = 0;

	if (nr_cpus < 2) {
		kprintf("bench: memslot_perf needs two CPUs with VT-x\n");
		return -ENODEV;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bench_slots) && !err; i++)
		err = bench_slot_count(bench_slots[i]);
	if (!err)
		kprintf("bench: memslot_perf done\n");
	return err;
}
