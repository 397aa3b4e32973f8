/*
 * The EPT walker (include/ept/iter.h).  Its state is one table pointer per
 * level and the gfn of the current entry, from which the entry's index at
 * every level follows; stepping is down (into the table the entry points
 * at), side (the next entry of the same table) and up (when a table or the
 * range is finished).
 */
#include "ept/iter.h"
#include "arch/memory.h"
#include "lib/string.h"

static unsigned int level_index(gfn_t gfn, int level)
{
	return (gfn >> KVM_HPAGE_GFN_SHIFT(level)) & (EPT_ENTRIES - 1);
}

static void iter_load(struct ept_iter *it)
{
	it->sptep = &it->pt[it->level][level_index(it->gfn, it->level)];
	it->old_spte = READ_ONCE(*it->sptep);
}

/* Read the entry afresh: the visitor may have linked or zapped a table. */
static bool iter_can_descend(const struct ept_iter *it)
{
	u64 spte = READ_ONCE(*it->sptep);

	return !it->post && it->level > it->min_level && is_shadow_present_pte(spte) &&
	       !is_last_spte(spte, it->level);
}

static void iter_step_down(struct ept_iter *it)
{
	u64 spte = READ_ONCE(*it->sptep);

	it->pt[it->level - 1] = phys_to_virt(spte_to_hpa(spte));
	it->level--;
	it->gfn = ALIGN_DOWN(MAX(it->gfn, it->start), ept_level_pages(it->level));
	it->post = false;
	iter_load(it);
}

/* Step to the next entry, climbing out of finished tables; false at the end. */
static bool iter_step_side_or_up(struct ept_iter *it)
{
	for (;;) {
		gfn_t next = it->gfn + ept_level_pages(it->level);

		if (next < it->end && level_index(next, it->level) != 0) {
			it->gfn = next;
			it->post = false;
			iter_load(it);
			return true;
		}
		if (it->level == EPT_ROOT_LEVEL) {
			return false;
		}
		it->level++;
		it->gfn = ALIGN_DOWN(it->gfn, ept_level_pages(it->level));
		if (it->postorder) {
			it->post = true;
			iter_load(it);
			return true;
		}
	}
}

/* Post-order visits a table's entries before the entry that points at it. */
static void iter_descend_if_postorder(struct ept_iter *it)
{
	while (it->postorder && iter_can_descend(it))
		iter_step_down(it);
}

void ept_iter_start(struct ept_iter *it, hpa_t root_hpa, gfn_t start, gfn_t end,
		    int min_level, bool postorder)
{
	memset(it, 0, sizeof(*it));
	it->pt[EPT_ROOT_LEVEL] = phys_to_virt(root_hpa);
	it->start = start;
	it->end = MIN(end, EPT_MAX_GFN);
	it->min_level = min_level;
	it->postorder = postorder;
	it->level = EPT_ROOT_LEVEL;
	it->gfn = ALIGN_DOWN(start, ept_level_pages(EPT_ROOT_LEVEL));
	it->valid = start < it->end;
	if (it->valid) {
		iter_load(it);
		iter_descend_if_postorder(it);
	}
}

void ept_iter_next(struct ept_iter *it)
{
	if (iter_can_descend(it)) {
		iter_step_down(it);
	} else if (!iter_step_side_or_up(it)) {
		it->valid = false;
		return;
	}
	iter_descend_if_postorder(it);
}

void ept_iter_set_spte(struct ept_iter *it, u64 spte)
{
	WRITE_ONCE(*it->sptep, spte);
	it->old_spte = spte;
}
