/*
 * Guest address types and page-size levels, with KVM's names so that
 * memslot/ and ept/ read side by side with Linux's virt/kvm and
 * arch/x86/kvm/mmu.
 */
#pragma once

#include "types.h"

/* Guest physical address, and guest frame number (its 4 KiB page). */
typedef u64 gpa_t;
typedef u64 gfn_t;

#define GFN_SHIFT 12
#define GFN_SIZE (1ULL << GFN_SHIFT)

static inline gfn_t gpa_to_gfn(gpa_t gpa)
{
	return gpa >> GFN_SHIFT;
}

static inline gpa_t gfn_to_gpa(gfn_t gfn)
{
	return gfn << GFN_SHIFT;
}

/*
 * Mapping levels: a leaf at PG_LEVEL_4K maps 4 KiB, at PG_LEVEL_2M 2 MiB, at
 * PG_LEVEL_1G 1 GiB.  The numbers are the EPT levels (1 = PTE ... 4 = PML4E).
 */
enum pg_level {
	PG_LEVEL_NONE,
	PG_LEVEL_4K,
	PG_LEVEL_2M,
	PG_LEVEL_1G,
	PG_LEVEL_512G,
};

#define KVM_NR_PAGE_SIZES 3	/* 4K, 2M, 1G */
#define KVM_MAX_HUGEPAGE_LEVEL PG_LEVEL_1G

/* How many gfns one entry at level covers, and the shift that gives it. */
#define KVM_HPAGE_GFN_SHIFT(level) (((level) - 1) * 9)
#define KVM_PAGES_PER_HPAGE(level) (1ULL << KVM_HPAGE_GFN_SHIFT(level))
