/* Inside memslot_perf: the VM, the vCPU's worker on CPU 1, sync points, unmap. */
#pragma once

#include "memslot_perf.h"
#include "memslot_perf_abi.h"
#include "vm/vm.h"

/* KVM's MEM_GPA: the area starts at 256 MiB, above the guest's RAM slot. */
#define PERF_TEST_GPA MiB(256)
#define PERF_FIRST_SLOT 1
/* KVM's MEM_TEST_UNMAP_SIZE: the unmap scenarios use the area's first 128 MiB at most. */
#define PERF_UNMAP_SIZE MiB(128)

/* KVM's vcpu_worker: the vCPU's run loop on CPU 1 and what it saw. */
struct perf_worker {
	struct vcpu *v;
	struct perf_sync *sync;
	u64 mmio_start, mmio_end;	/* where MMIO exits are expected (the moving slot) */
	u64 mmio_exits;
	bool bad_mmio;			/* an MMIO exit elsewhere (bad_mmio_gpa) ended the run */
	u64 bad_mmio_gpa;
	int cmd;			/* the ucall that ended the run, or 0 */
	volatile bool finished;
	struct ucall uc;
};

struct perf_vm {
	struct vm *vm;
	struct vcpu *v;
	struct perf_sync *sync;		/* the guest's struct, through the VMM's mapping */
	hva_t area;			/* the area's backing: one block, the slots in order */
	u64 area_size, slot_size;
	unsigned int nslots;
	struct perf_worker w;
	u64 mark;			/* what a perf_wait() condition compares with */
	struct memslot_perf_result *res;
};

/* The backing of the area's byte off (slots never change their backing, even when moved). */
static inline void *perf_hva(const struct perf_vm *pv, u64 off)
{
	return (void *)(pv->area + off);
}

/* Record the first failure in pv->res (err, why). */
void perf_fail(struct perf_vm *pv, const char *fmt, ...) __printf(2, 3);

/* A VM running the memslot_perf guest in mode with cfg's slots; 0 or res->err. */
int perf_vm_create(struct perf_vm *pv, const struct memslot_perf_cfg *cfg,
		   struct memslot_perf_result *res, enum perf_guest_mode mode);

/* Start the vCPU on CPU 1; MMIO exits are allowed in [mmio_start, mmio_end) only. */
void perf_vcpu_start(struct perf_vm *pv, u64 mmio_start, u64 mmio_end);

/* Wait until cond(pv); false, with the test failed, if the guest ends or hangs first. */
bool perf_wait(struct perf_vm *pv, bool (*cond)(struct perf_vm *pv), const char *what);

/* KVM's host_perform_sync(): release the guest's sync point and wait until it passed it. */
bool host_sync(struct perf_vm *pv, bool last);

/* Unmap [off, off + size) of the area in calls of at most chunk bytes (one slot each). */
void perf_unmap(struct perf_vm *pv, u64 off, u64 size, u64 chunk);

/* Whether the page at off has no EPT leaf (else the test fails). */
bool perf_expect_unmapped(struct perf_vm *pv, u64 off);

/*
 * Whether the word at byte word of every page of [off, off + size) holds
 * perf_page_value(val, the page's gpa); clear: zero it.
 */
bool perf_check_pages(struct perf_vm *pv, u64 off, u64 size, u64 word, u64 val, bool clear);

/* The move scenarios (vmm/memslot_perf_move.c), from a started VM to perf_vm_finish(). */
int memslot_perf_move(struct perf_vm *pv, const struct memslot_perf_cfg *cfg, bool active);

/*
 * Wait for the vCPU (stopping it if the scenario failed), check how it
 * ended and its exits, fill the counters of the result, destroy the VM.
 */
int perf_vm_finish(struct perf_vm *pv);
