/*
 * KVM's memslot_perf_test, scenario by scenario (tools/testing/selftests/
 * kvm/memslot_perf_test.c): the guest (guests/memslot_perf.c) runs on CPU 1
 * while this CPU, as the VMM, unmaps, moves or rewrites the area of many
 * slots under it.  Each scenario checks what the guest and the VMM read
 * back, besides timing its loop with this CPU's TSC.
 */
#include "arch/x86/cpu.h"
#include "lib/errno.h"
#include "memslot_perf_vm.h"

#define UNMAP_CHUNK MiB(2)		/* the chunked unmap's size, as KVM's */
#define MOVE_AREA_SIZE KiB(64)		/* KVM's MEM_TEST_MOVE_SIZE: what the move guest writes */

static const char *const names[] = {
	[MEMSLOT_PERF_MAP] = "map",
	[MEMSLOT_PERF_UNMAP] = "unmap",
	[MEMSLOT_PERF_UNMAP_CHUNKED] = "unmap chunked",
	[MEMSLOT_PERF_MOVE_ACTIVE] = "move active area",
	[MEMSLOT_PERF_MOVE_INACTIVE] = "move inactive area",
	[MEMSLOT_PERF_RW] = "RW",
};

const char *memslot_perf_name(enum memslot_perf_scenario s)
{
	return s < MEMSLOT_PERF_NR_SCENARIOS ? names[s] : "?";
}

/*
 * The pages one EPT leaf of the area maps: slots whose size is a multiple
 * of 2 MiB are 2 MiB aligned in both the guest (the area starts at 256
 * MiB) and the backing (one block aligned to its size), so they get 2 MiB
 * leaves; smaller ones only 4 KiB leaves.
 */
static u64 leaf_pages(const struct perf_vm *pv)
{
	return pv->slot_size % MiB(2) ? 1 : MiB(2) / PERF_PAGE_SIZE;
}

/*
 * map: the guest writes every page of one half while the VMM unmaps the
 * other; at each sync the VMM checks the half the guest wrote.  Every page
 * was unmapped before the guest's write, so each leaf is an EPT fault.
 */
static void scenario_map(struct perf_vm *pv, unsigned int rounds)
{
	u64 half = pv->area_size / 2, pages = pv->area_size / PERF_PAGE_SIZE;
	u64 faults = 0;
	bool ok = true;

	for (unsigned int r = 0; r < rounds && ok; r++) {
		perf_unmap(pv, half, half, pv->slot_size);
		ok = host_sync(pv, false) && perf_check_pages(pv, 0, half, 0, PERF_VAL_1, false);
		if (ok)
			perf_unmap(pv, 0, half, pv->slot_size);
		ok = ok && host_sync(pv, r + 1 == rounds) &&
		     perf_check_pages(pv, half, half, 0, PERF_VAL_2, false);
		pv->res->pages += pages;
		faults += pages / leaf_pages(pv);
	}
	if (ok && pv->v->exit_count[EXIT_REASON_EPT_VIOLATION] < faults)
		perf_fail(pv, "expected an EPT fault for each of the %llu leaves written, saw %llu",
			  faults, pv->v->exit_count[EXIT_REASON_EPT_VIOLATION]);
}

/*
 * unmap: the guest writes one page of a half per sync; the VMM checks it
 * and unmaps the whole half in chunk-sized calls, then checks the page
 * has no EPT leaf left.  The guest finds the page zeroed next time.
 */
static void scenario_unmap(struct perf_vm *pv, unsigned int rounds, u64 chunk)
{
	u64 half = pv->sync->unmap_size / 2;
	bool ok = true;

	for (unsigned int r = 0; r < rounds && ok; r++) {
		ok = host_sync(pv, false) &&
		     perf_check_pages(pv, 0, PERF_PAGE_SIZE, 0, PERF_VAL_1, false);
		if (ok)
			perf_unmap(pv, 0, half, chunk);
		ok = ok && perf_expect_unmapped(pv, 0) && host_sync(pv, r + 1 == rounds) &&
		     perf_check_pages(pv, half, PERF_PAGE_SIZE, 0, PERF_VAL_2, false);
		if (ok)
			perf_unmap(pv, half, half, chunk);
		ok = ok && perf_expect_unmapped(pv, half);
		pv->res->pages += 2 * half / PERF_PAGE_SIZE;
	}
}

/*
 * RW: the guest writes VAL_1 at each page's start, the VMM VAL_2 at its
 * middle; each checks and clears what the other wrote.
 */
static void scenario_rw(struct perf_vm *pv, unsigned int rounds)
{
	u64 size = pv->area_size, mid = PERF_PAGE_SIZE / 2;
	bool ok = true;

	for (unsigned int r = 0; r < rounds && ok; r++) {
		u64 t0 = rdtsc();

		for (u64 p = 0; p < size; p += PERF_PAGE_SIZE)
			*(u64 *)perf_hva(pv, p + mid) = perf_page_value(PERF_VAL_2, PERF_TEST_GPA + p);
		pv->res->op_ticks += rdtsc() - t0;
		ok = host_sync(pv, false);
		t0 = rdtsc();
		ok = ok && perf_check_pages(pv, 0, size, 0, PERF_VAL_1, true);
		pv->res->op_ticks += rdtsc() - t0;
		ok = ok && host_sync(pv, r + 1 == rounds);
		pv->res->pages += size / PERF_PAGE_SIZE;
		pv->res->ops += 2 * size / PERF_PAGE_SIZE;
	}
}

static int run_unmap_family(struct perf_vm *pv, enum memslot_perf_scenario s,
			    const struct memslot_perf_cfg *cfg)
{
	u64 t0 = rdtsc();

	perf_vcpu_start(pv, 0, 0);
	if (s == MEMSLOT_PERF_MAP)
		scenario_map(pv, cfg->rounds);
	else if (s == MEMSLOT_PERF_RW)
		scenario_rw(pv, cfg->rounds);
	else
		scenario_unmap(pv, cfg->rounds,
			       s == MEMSLOT_PERF_UNMAP_CHUNKED ? UNMAP_CHUNK : PERF_PAGE_SIZE);
	pv->res->ticks = rdtsc() - t0;
	return perf_vm_finish(pv);
}

static enum perf_guest_mode guest_mode(enum memslot_perf_scenario s)
{
	switch (s) {
	case MEMSLOT_PERF_MAP:
		return PERF_GUEST_MAP;
	case MEMSLOT_PERF_UNMAP:
	case MEMSLOT_PERF_UNMAP_CHUNKED:
		return PERF_GUEST_UNMAP;
	case MEMSLOT_PERF_RW:
		return PERF_GUEST_RW;
	default:
		return PERF_GUEST_MOVE;
	}
}

int memslot_perf_run(enum memslot_perf_scenario s, const struct memslot_perf_cfg *cfg,
		     struct memslot_perf_result *res)
{
	struct perf_vm pv;
	int err;

	if (s >= MEMSLOT_PERF_NR_SCENARIOS)
		return -EINVAL;
	err = perf_vm_create(&pv, cfg, res, guest_mode(s));
	if (err)
		return err;
	if (s == MEMSLOT_PERF_MOVE_ACTIVE || s == MEMSLOT_PERF_MOVE_INACTIVE)
		return memslot_perf_move(&pv, cfg, s == MEMSLOT_PERF_MOVE_ACTIVE);
	return run_unmap_family(&pv, s, cfg);
}
