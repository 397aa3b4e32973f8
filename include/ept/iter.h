/*
 * The one EPT walker (after KVM's tdp_iter): visits the entries of the
 * tables under a root that map gfns in [start, end), top-down and in gfn
 * order.  Map, zap, write-protect, translate, dump and the audit all use
 * it; nothing else loops over a table's 512 entries.
 *
 * Pre-order (for_each_ept_pte): an entry is visited before the table it
 * points at; the walk descends into a present non-leaf entry after the
 * visit, so a visitor may link a table there (map) or zap it (no descent).
 * Post-order (for_each_ept_pte_postorder): a non-leaf entry is visited
 * after every entry below it, so a teardown frees tables leaves first.
 * The entries visited at a level are those whose range meets [start, end):
 * a large leaf or a table may extend beyond it.
 */
#pragma once

#include "ept/spte.h"

struct ept_iter {
	u64 *pt[EPT_ROOT_LEVEL + 1];	/* pt[l]: the table holding level-l entries */
	gfn_t start, end;
	gfn_t gfn;		/* the first gfn the current entry maps */
	int level;		/* the current entry's level, EPT_ROOT_LEVEL .. min_level */
	int min_level;		/* do not descend below this level */
	bool postorder;
	bool post;		/* post-order: visiting a non-leaf after its table */
	bool valid;		/* false once the walk is over */
	u64 *sptep;		/* the current entry */
	u64 old_spte;		/* its value when the walk reached it */
};

/* Start a walk of the tables under root_hpa over [start, end). */
void ept_iter_start(struct ept_iter *it, hpa_t root_hpa, gfn_t start, gfn_t end,
		    int min_level, bool postorder);

/* Move to the next entry; it->valid turns false at the end. */
void ept_iter_next(struct ept_iter *it);

/* Store spte in the current entry. */
void ept_iter_set_spte(struct ept_iter *it, u64 spte);

#define for_each_ept_pte_min_level(it, root_hpa, start, end, min_level)          \
	for (ept_iter_start(&(it), (root_hpa), (start), (end), (min_level), false); \
	     (it).valid; ept_iter_next(&(it)))

#define for_each_ept_pte(it, root_hpa, start, end) \
	for_each_ept_pte_min_level(it, root_hpa, start, end, PG_LEVEL_4K)

#define for_each_ept_pte_postorder(it, root_hpa, start, end)                       \
	for (ept_iter_start(&(it), (root_hpa), (start), (end), PG_LEVEL_4K, true); \
	     (it).valid; ept_iter_next(&(it)))

/* The number of gfns an entry at level maps. */
static inline u64 ept_level_pages(int level)
{
	return KVM_PAGES_PER_HPAGE(level);
}
