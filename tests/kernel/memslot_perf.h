/*
 * KVM's memslot_perf_test in slotvisor (vmm/memslot_perf*.c): a VM with an
 * area of many slots, its vCPU running guests/memslot_perf.c on CPU 1,
 * while the calling CPU (the VMM) unmaps, moves or rewrites the area.
 * Shared by the in-hypervisor tests (tests/kernel/test_memslot_perf.c) and
 * `make bench` (vmm/bench_perf.c).  Needs two online CPUs with VT-x.
 */
#pragma once

#include "types.h"

enum memslot_perf_scenario {
	MEMSLOT_PERF_MAP,		/* the guest faults in the area, the VMM unmaps it */
	MEMSLOT_PERF_UNMAP,		/* the VMM unmaps page by page */
	MEMSLOT_PERF_UNMAP_CHUNKED,	/* the VMM unmaps in 2 MiB chunks */
	MEMSLOT_PERF_MOVE_ACTIVE,	/* the VMM moves the slot the guest writes */
	MEMSLOT_PERF_MOVE_INACTIVE,	/* the VMM moves a slot the guest does not touch */
	MEMSLOT_PERF_RW,		/* both write and check every page */
	MEMSLOT_PERF_NR_SCENARIOS,
};

struct memslot_perf_cfg {
	u64 area_size;		/* bytes of the area: nslots slots of equal, page-multiple size */
	unsigned int nslots;
	unsigned int rounds;	/* passes over the area; for the moves, MOVE-away-and-back pairs */
	bool no_kick;		/* negative control: kvm->debug.no_kick, no remote kick */
};

struct memslot_perf_result {
	int err;		/* 0, or negative: the scenario failed, why says how */
	char why[200];
	u64 setup_ticks;	/* creating the nslots slots (TSC of the calling CPU) */
	u64 ticks;		/* the scenario's loop */
	u64 ops;		/* the VMM's operations in it: unmap calls, MOVEs, pages checked */
	u64 op_ticks;		/* the part of ticks spent in those operations */
	u64 pages;		/* pages the loop went through: faulted in, unmapped, written */
	u64 guest_rounds;	/* passes the guest finished */
	u64 ept_faults;		/* EPT violation exits of the vCPU (MMIO included) */
	u64 mmio_exits;
	u64 kicks;		/* external-interrupt exits: flush and reload kicks */
	u64 remote_flushes;	/* KVM_REQ_TLB_FLUSH rounds */
	u64 guest_mmio_reads;	/* moves: the guest's reads answered by MMIO */
	u64 guest_old_reads;	/* moves: its reads of an older value after an MMIO write */
	u64 stale_writes;	/* moves: pages of the moved-away slot that changed */
};

/* Scenario names as memslot_perf_test prints them ("map", "unmap", ...). */
const char *memslot_perf_name(enum memslot_perf_scenario s);

/*
 * Run scenario s once with a fresh VM (destroyed before returning) and
 * fill *res.  Every check failed fills res->err and res->why; -ENODEV
 * without a second CPU or VT-x, -ENOMEM without memory for the area.
 */
int memslot_perf_run(enum memslot_perf_scenario s, const struct memslot_perf_cfg *cfg,
		     struct memslot_perf_result *res);
