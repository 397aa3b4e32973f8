/*
 * A memslot set's two indexes: the gfn tree, an AVL tree of slots ordered by
 * base_gfn, for gfn -> slot lookups in O(log n); and the id hash, for
 * id -> slot.  Both are intrusive (the links live in the slot, one node per
 * set), so inserting or erasing never allocates and a change can be
 * published without a chance to fail.  Slots in one set never overlap, so
 * ordering by base_gfn also orders them by their end.
 */
#include "memslot/sets.h"
#include "compiler.h"
#include "lib/panic.h"

static struct kvm_memslot_node *N(struct kvm_memory_slot *s, int idx)
{
	return &s->node[idx];
}

static int height(struct kvm_memory_slot *s, int idx)
{
	return s ? N(s, idx)->height : 0;
}

static int balance_of(struct kvm_memory_slot *s, int idx)
{
	return height(N(s, idx)->left, idx) - height(N(s, idx)->right, idx);
}

static void fix_height(struct kvm_memory_slot *s, int idx)
{
	N(s, idx)->height = MAX(height(N(s, idx)->left, idx), height(N(s, idx)->right, idx)) + 1;
}

static struct kvm_memory_slot *rotate_right(struct kvm_memory_slot *s, int idx)
{
	struct kvm_memory_slot *l = N(s, idx)->left;

	N(s, idx)->left = N(l, idx)->right;
	N(l, idx)->right = s;
	fix_height(s, idx);
	fix_height(l, idx);
	return l;
}

static struct kvm_memory_slot *rotate_left(struct kvm_memory_slot *s, int idx)
{
	struct kvm_memory_slot *r = N(s, idx)->right;

	N(s, idx)->right = N(r, idx)->left;
	N(r, idx)->left = s;
	fix_height(s, idx);
	fix_height(r, idx);
	return r;
}

/* Restore the AVL property at s, whose subtrees differ in height by at most 2. */
static struct kvm_memory_slot *rebalance(struct kvm_memory_slot *s, int idx)
{
	int bf;

	fix_height(s, idx);
	bf = balance_of(s, idx);
	if (bf > 1) {
		if (balance_of(N(s, idx)->left, idx) < 0) {
			N(s, idx)->left = rotate_left(N(s, idx)->left, idx);
		}
		return rotate_right(s, idx);
	}
	if (bf < -1) {
		if (balance_of(N(s, idx)->right, idx) > 0) {
			N(s, idx)->right = rotate_right(N(s, idx)->right, idx);
		}
		return rotate_left(s, idx);
	}
	return s;
}

static struct kvm_memory_slot *tree_insert(struct kvm_memory_slot *root,
					   struct kvm_memory_slot *s, int idx)
{
	if (!root) {
		N(s, idx)->left = NULL;
		N(s, idx)->right = NULL;
		N(s, idx)->height = 1;
		return s;
	}
	CHECK(s->base_gfn != root->base_gfn);
	if (s->base_gfn < root->base_gfn) {
		N(root, idx)->left = tree_insert(N(root, idx)->left, s, idx);
	} else {
		N(root, idx)->right = tree_insert(N(root, idx)->right, s, idx);
	}
	return rebalance(root, idx);
}

/* Detach the leftmost slot of a non-empty subtree into *min. */
static struct kvm_memory_slot *tree_pop_min(struct kvm_memory_slot *root, int idx,
					    struct kvm_memory_slot **min)
{
	if (!N(root, idx)->left) {
		*min = root;
		return N(root, idx)->right;
	}
	N(root, idx)->left = tree_pop_min(N(root, idx)->left, idx, min);
	return rebalance(root, idx);
}

static struct kvm_memory_slot *tree_erase(struct kvm_memory_slot *root,
					  struct kvm_memory_slot *s, int idx)
{
	struct kvm_memory_slot *l, *r, *min;

	CHECK(root);
	if (s->base_gfn < root->base_gfn) {
		N(root, idx)->left = tree_erase(N(root, idx)->left, s, idx);
		return rebalance(root, idx);
	}
	if (s->base_gfn > root->base_gfn) {
		N(root, idx)->right = tree_erase(N(root, idx)->right, s, idx);
		return rebalance(root, idx);
	}
	CHECK(root == s);
	l = N(s, idx)->left;
	r = N(s, idx)->right;
	if (!r) {
		return l;
	}
	r = tree_pop_min(r, idx, &min);
	N(min, idx)->left = l;
	N(min, idx)->right = r;
	return rebalance(min, idx);
}

static struct kvm_memory_slot **id_bucket(struct kvm_memslots *slots, int id)
{
	return &slots->id_hash[id & ((1U << KVM_MEMSLOT_ID_HASH_BITS) - 1)];
}

void memslot_set_insert(struct kvm_memslots *slots, struct kvm_memory_slot *slot)
{
	struct kvm_memory_slot **bucket = id_bucket(slots, slot->id);
	int idx = slots->node_idx;

	slot->id_next[idx] = *bucket;
	*bucket = slot;
	slots->gfn_tree = tree_insert(slots->gfn_tree, slot, idx);
	slots->nr_slots++;
}

void memslot_set_erase(struct kvm_memslots *slots, struct kvm_memory_slot *slot)
{
	struct kvm_memory_slot **pp = id_bucket(slots, slot->id);
	int idx = slots->node_idx;

	while (*pp != slot) {
		CHECK(*pp);
		pp = &(*pp)->id_next[idx];
	}
	*pp = slot->id_next[idx];
	slots->gfn_tree = tree_erase(slots->gfn_tree, slot, idx);
	slots->nr_slots--;
}

struct kvm_memory_slot *id_to_memslot(struct kvm_memslots *slots, int id)
{
	struct kvm_memory_slot *s = *id_bucket(slots, id);

	while (s && s->id != id)
		s = s->id_next[slots->node_idx];
	return s;
}

struct kvm_memory_slot *memslot_first_ending_after(struct kvm_memslots *slots, gfn_t gfn)
{
	struct kvm_memory_slot *s = slots->gfn_tree, *best = NULL;
	int idx = slots->node_idx;

	while (s) {
		if (memslot_end(s) > gfn) {
			best = s;
			s = N(s, idx)->left;
		} else {
			s = N(s, idx)->right;
		}
	}
	return best;
}

struct kvm_memory_slot *memslot_next(struct kvm_memslots *slots,
					 const struct kvm_memory_slot *slot)
{
	return memslot_first_ending_after(slots, memslot_end(slot));
}

struct kvm_memory_slot *search_memslots(struct kvm_memslots *slots, gfn_t gfn)
{
	struct kvm_memory_slot *s = slots->gfn_tree;
	int idx = slots->node_idx;

	while (s) {
		if (gfn < s->base_gfn) {
			s = N(s, idx)->left;
		} else if (gfn >= memslot_end(s)) {
			s = N(s, idx)->right;
		} else {
			return s;
		}
	}
	return NULL;
}

struct kvm_memory_slot *__gfn_to_memslot(struct kvm_memslots *slots, gfn_t gfn)
{
	struct kvm_memory_slot *slot = slots->last_used_slot;

	if (slot && memslot_contains(slot, gfn)) {
		return slot;
	}
	slot = search_memslots(slots, gfn);
	if (slot) {
		slots->last_used_slot = slot;
	}
	return slot;
}
