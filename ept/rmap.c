/*
 * Reverse maps: which leaves map a gfn (include/ept/rmap.h).  A head's val
 * is 0 (empty), an entry pointer (bit 0 clear; entries are 8-byte aligned),
 * or a descriptor pointer with bit 0 set.  The first descriptor of a chain
 * is the only one that may be partly filled, so adding and removing touch
 * it alone.  Descriptors come from a cache topped up before each fault, so
 * recording a leaf cannot fail halfway.
 */
#include "ept/rmap.h"
#include "ept_internal.h"
#include "mm/kmalloc.h"
#include "lib/panic.h"

#define RMAP_DESC_BIT 1UL

static bool head_is_desc(const struct kvm_rmap_head *head)
{
	return head->val & RMAP_DESC_BIT;
}

static struct pte_list_desc *head_desc(const struct kvm_rmap_head *head)
{
	return (struct pte_list_desc *)(head->val & ~RMAP_DESC_BIT);
}

static void head_set_desc(struct kvm_rmap_head *head, struct pte_list_desc *desc)
{
	head->val = desc ? (unsigned long)desc | RMAP_DESC_BIT : 0;
}

struct kvm_rmap_head *gfn_to_rmap(gfn_t gfn, int level, const struct kvm_memory_slot *slot)
{
	return &slot->arch.rmap[level - 1][gfn_to_index(gfn, slot->base_gfn, level)];
}

void pte_list_add(struct kvm *kvm, u64 *sptep, struct kvm_rmap_head *head)
{
	struct pte_list_desc *desc;

	if (!head->val) {
		head->val = (unsigned long)sptep;
		return;
	}
	if (!head_is_desc(head)) {
		desc = kvm_mmu_memory_cache_alloc(kvm, &kvm->pte_list_desc_cache);
		desc->sptes[0] = (u64 *)head->val;
		desc->spte_count = 1;
		head_set_desc(head, desc);
	}
	desc = head_desc(head);
	if (desc->spte_count == PTE_LIST_EXT) {
		struct pte_list_desc *first = kvm_mmu_memory_cache_alloc(kvm, &kvm->pte_list_desc_cache);

		first->more = desc;
		desc = first;
		head_set_desc(head, desc);
	}
	desc->sptes[desc->spte_count++] = sptep;
}

/* Fill the hole at desc->sptes[i] with the last entry of the first descriptor. */
static void desc_remove_entry(struct kvm_rmap_head *head, struct pte_list_desc *desc,
			      unsigned int i)
{
	struct pte_list_desc *first = head_desc(head);

	desc->sptes[i] = first->sptes[--first->spte_count];
	first->sptes[first->spte_count] = NULL;
	if (first->spte_count == 0) {
		head_set_desc(head, first->more);
		kfree(first);
	}
}

void pte_list_remove(struct kvm *kvm, u64 *sptep, struct kvm_rmap_head *head)
{
	struct pte_list_desc *desc;
	unsigned int i;

	CHECK(head->val);
	if (!head_is_desc(head)) {
		CHECK(head->val == (unsigned long)sptep);
		head->val = 0;
		return;
	}
	for (desc = head_desc(head); desc; desc = desc->more) {
		for (i = 0; i < desc->spte_count; i++) {
			if (desc->sptes[i] == sptep) {
				desc_remove_entry(head, desc, i);
				return;
			}
		}
	}
	panic("pte_list_remove: %p is not in rmap head %p", (void *)sptep, (void *)head);
}

u64 *pte_list_first(const struct kvm_rmap_head *head)
{
	if (!head_is_desc(head)) {
		return (u64 *)head->val;
	}
	return head_desc(head)->sptes[0];
}

void pte_list_walk(const struct kvm_rmap_head *head, void (*fn)(u64 *sptep, void *data),
		   void *data)
{
	const struct pte_list_desc *desc;
	unsigned int i;

	if (!head_is_desc(head)) {
		if (head->val) {
			fn((u64 *)head->val, data);
		}
		return;
	}
	for (desc = head_desc(head); desc; desc = desc->more) {
		for (i = 0; i < desc->spte_count; i++)
			fn(desc->sptes[i], data);
	}
}

static void count_one(u64 *sptep, void *data)
{
	(*(unsigned int *)data)++;
}

unsigned int pte_list_count(const struct kvm_rmap_head *head)
{
	unsigned int n = 0;

	pte_list_walk(head, count_one, &n);
	return n;
}

struct occurrences {
	const u64 *sptep;
	unsigned int n;
};

static void count_match(u64 *sptep, void *data)
{
	struct occurrences *o = data;

	if (sptep == o->sptep) {
		o->n++;
	}
}

unsigned int pte_list_occurrences(const struct kvm_rmap_head *head, const u64 *sptep)
{
	struct occurrences o = { .sptep = sptep };

	pte_list_walk(head, count_match, &o);
	return o.n;
}

void rmap_add(struct kvm *kvm, const struct kvm_memory_slot *slot, u64 *sptep, gfn_t gfn,
	      int level)
{
	pte_list_add(kvm, sptep, gfn_to_rmap(gfn, level, slot));
}

void rmap_remove(struct kvm *kvm, u16 as_id, u64 *sptep, gfn_t gfn, int level)
{
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, as_id, gfn);

	if (!slot) {
		/* A negative control left this leaf behind its slot's deletion: its rmap went with it. */
		if (TEST_SWITCH(kvm, zap_skipped))
			return;
		panic("rmap_remove: as %u gfn 0x%llx level %d: no slot holds the leaf's gfn",
		      as_id, gfn, level);
	}
	pte_list_remove(kvm, sptep, gfn_to_rmap(gfn, level, slot));
}
