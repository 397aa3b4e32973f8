/*
 * Helpers shared by the memslot and EPT host tests: fake memory with the
 * frame allocator over it, a VM with backing, requests, and checks that
 * every test repeats (the MMU audit, frames returned).
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/memory.h"
#include "ept/fault.h"
#include "ept/flush.h"
#include "ept/mmu_cache.h"
#include "ept/root.h"
#include "ept/zap.h"
#include "memslot/kvm_arch.h"
#include "ept/walk.h"
#include "fake.h"
#include "fake_alloc.h"
#include "fake_invept.h"
#include "kvm/kvm.h"
#include "lib/errno.h"
#include "mm/frame.h"

#define MT_SLOT(as_id, id) (((u32)(as_id) << KVM_MEMSLOT_AS_SHIFT) | (id))

/*
 * Fail the test saying why.  cmocka's mt_fail() prints its message apart
 * from the TAP result, where tests/run-unit.sh does not look; an assertion's
 * message is printed under the result and ends up on the FAIL line.
 */
#define mt_fail(...)                                                  \
	do {                                                          \
		char mt_why_[1024];                                   \
		snprintf(mt_why_, sizeof(mt_why_), __VA_ARGS__);      \
		_assert_true(0, mt_why_, __FILE__, __LINE__);         \
	} while (0)

static struct frame_stats mt_initial;

/*
 * xorshift64 (13, 7, 17): a fixed sequence for a given seed, so that a
 * failure reproduces.  mt_rnd(n) is in [0, n).  Each program that includes
 * this header has its own state, seeded here unless it calls mt_rnd_seed().
 */
static u64 mt_rng = 88172645463325252ULL;

static inline void mt_rnd_seed(u64 seed)
{
	mt_rng = seed;
}

static inline u64 mt_rnd(u64 n)
{
	mt_rng ^= mt_rng << 13;
	mt_rng ^= mt_rng >> 7;
	mt_rng ^= mt_rng << 17;
	return mt_rng % n;
}

/* Fake memory of size bytes, all of it the frame allocator's; counters reset. */
static inline void mt_mem_init(u64 size)
{
	struct memmap m = { 0 };

	fake_alloc_disarm();
	fake_mem_init(size);
	memmap_add(&m, FAKE_PHYS_BASE, FAKE_PHYS_BASE + size);
	assert_int_equal(frame_init(&m), 0);
	frame_get_stats(&mt_initial);
	fake_invept_reset();
	fake_invept_hook = NULL;
}

static inline int mt_teardown(void **state)
{
	fake_alloc_disarm();
	fake_invept_hook = NULL;
	fake_mem_exit();
	return 0;
}

/* A VM with backing bytes of backing (none for 0), its address in *base. */
static inline struct kvm *mt_vm(u64 backing, hva_t *base)
{
	struct kvm *kvm = kvm_create_vm();

	assert_non_null(kvm);
	if (backing) {
		assert_int_equal(memslot_backing_alloc(kvm, backing, base), 0);
	}
	return kvm;
}

static inline struct kvm_userspace_memory_region mt_region(u32 slot, u32 flags, gpa_t gpa,
							   u64 size, hva_t ua)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = ua,
	};

	return r;
}

static inline int mt_set(struct kvm *kvm, u32 slot, u32 flags, gpa_t gpa, u64 size, hva_t ua)
{
	struct kvm_userspace_memory_region r = mt_region(slot, flags, gpa, size, ua);

	return kvm_set_memory_region(kvm, &r);
}

static inline u64 mt_gen(struct kvm *kvm, u16 as_id)
{
	return __kvm_memslots(kvm, as_id)->generation;
}

/* Fail the test with the audit's message unless the MMU's invariants hold. */
static inline void mt_audit(struct kvm *kvm)
{
	char why[512];

	if (ept_audit(kvm, why, sizeof(why))) {
		mt_fail("%s", why);
	}
}

/* Every frame taken since mt_mem_init() is back. */
static inline void mt_expect_frames_back(void)
{
	struct frame_stats st;

	frame_get_stats(&st);
	assert_int_equal(st.used_frames, mt_initial.used_frames);
	assert_int_equal(st.free_frames, mt_initial.free_frames);
}

/* The hpa that the backing address hva stands for. */
static inline hpa_t mt_hpa(hva_t hva)
{
	return virt_to_phys((void *)hva);
}

/* Fault gpa in as_id, failing the test unless the result is want. */
static inline void mt_fault(struct kvm *kvm, u16 as_id, gpa_t gpa, bool write, int want)
{
	int r = kvm_tdp_page_fault(kvm, as_id, gpa, write ? EPT_ACCESS_WRITE : EPT_ACCESS_READ);

	if (r != want) {
		mt_fail("fault as %u gpa 0x%llx %s: expected %d, got %d", as_id, gpa,
			 write ? "write" : "read", want, r);
	}
}
