/*
 * The EPT entry format and the EPTP (SDM Vol. 3C 29.3.2 "EPT Translation
 * Mechanism", Tables 29-1 to 29-6; 25.6.11 "Extended-Page-Table Pointer").
 * Nothing outside this header looks at an entry's raw bits.
 *
 * slotvisor uses a 4-level walk: PML4E (level 4), PDPTE (3), PDE (2),
 * PTE (1).  A PDPTE or PDE with bit 7 set is a leaf mapping 1 GiB or 2 MiB.
 * An entry is present when any of bits 2:0 is set.
 */
#pragma once

#include "compiler.h"
#include "kvm/kvm_types.h"

#define EPT_READABLE BIT(0)
#define EPT_WRITABLE BIT(1)
#define EPT_EXECUTABLE BIT(2)		/* supervisor-mode execute */
#define EPT_RWX_MASK (EPT_READABLE | EPT_WRITABLE | EPT_EXECUTABLE)
#define EPT_MT_SHIFT 3			/* leaf: memory type, bits 5:3 (29.3.7) */
#define EPT_MT_MASK (7ULL << EPT_MT_SHIFT)
#define EPT_MT_WB 6ULL
#define EPT_IPAT BIT(6)			/* leaf: ignore the guest's PAT */
#define EPT_LARGE BIT(7)		/* PDPTE/PDE: maps a page, not a table */
#define EPT_ACCESSED BIT(8)		/* set by the CPU when EPTP[6] enables A/D */
#define EPT_DIRTY BIT(9)		/* leaf, likewise */
#define EPT_ADDR_MASK 0x000ffffffffff000ULL	/* bits 51:12 */
#define EPT_SUPPRESS_VE BIT(63)

#define EPT_ENTRIES 512
#define EPT_ROOT_LEVEL 4
/* A 4-level walk translates 48-bit guest-physical addresses. */
#define EPT_MAX_GPA_BITS 48
#define EPT_MAX_GFN (1ULL << (EPT_MAX_GPA_BITS - GFN_SHIFT))

/* EPTP (25.6.11): memory type WB, walk length - 1, A/D enable. */
#define EPTP_MT_WB 6ULL
#define EPTP_WALK_LENGTH_SHIFT 3
#define EPTP_WALK_4 ((u64)(EPT_ROOT_LEVEL - 1) << EPTP_WALK_LENGTH_SHIFT)
#define EPTP_AD_ENABLE BIT(6)

/* One EPT paging structure: a 4 KiB frame of 512 entries. */
struct ept_table {
	u64 e[EPT_ENTRIES];
};

_Static_assert(sizeof(u64) == 8, "an EPT entry is 64 bits");
_Static_assert(sizeof(struct ept_table) == 4096, "an EPT table is one 4 KiB frame");
_Static_assert((EPT_ADDR_MASK & (EPT_RWX_MASK | EPT_MT_MASK | EPT_IPAT | EPT_LARGE |
				 EPT_ACCESSED | EPT_DIRTY | EPT_SUPPRESS_VE)) == 0,
	       "the address field overlaps a flag");
_Static_assert(EPT_MT_MASK == 0x38 && EPT_IPAT == 0x40 && EPT_LARGE == 0x80,
	       "leaf attribute bits as in Table 29-4");
_Static_assert(EPTP_WALK_4 == 0x18, "EPTP bits 5:3 hold the walk length minus one");

static inline bool is_shadow_present_pte(u64 spte)
{
	return spte & EPT_RWX_MASK;
}

/* Does spte, at level, map a page (rather than point at a table)? */
static inline bool is_last_spte(u64 spte, int level)
{
	return level == PG_LEVEL_4K || (spte & EPT_LARGE);
}

static inline bool is_writable_pte(u64 spte)
{
	return spte & EPT_WRITABLE;
}

/* The table a non-leaf entry points at, or the page a leaf maps. */
static inline hpa_t spte_to_hpa(u64 spte)
{
	return spte & EPT_ADDR_MASK;
}

static inline u64 make_nonleaf_spte(hpa_t table)
{
	/* Permissions are the intersection down the walk: grant all here. */
	return (table & EPT_ADDR_MASK) | EPT_RWX_MASK;
}

/* A leaf mapping hpa (aligned to level's size), write-back, readable and executable. */
static inline u64 make_leaf_spte(hpa_t hpa, int level, bool writable)
{
	u64 spte = (hpa & EPT_ADDR_MASK) | EPT_READABLE | EPT_EXECUTABLE |
		   (EPT_MT_WB << EPT_MT_SHIFT) | EPT_IPAT;

	if (writable) {
		spte |= EPT_WRITABLE;
	}
	if (level > PG_LEVEL_4K) {
		spte |= EPT_LARGE;
	}
	return spte;
}

/* The EPTP that names the tables rooted at the PML4 root_hpa. */
static inline u64 ept_make_eptp(hpa_t root_hpa, bool ad_enabled)
{
	return (root_hpa & EPT_ADDR_MASK) | EPTP_MT_WB | EPTP_WALK_4 |
	       (ad_enabled ? EPTP_AD_ENABLE : 0);
}
