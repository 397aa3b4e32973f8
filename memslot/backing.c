/*
 * A VM's backing: the host memory its memslots point at.  It is a list of
 * frame-allocator blocks that the VM owns until it is destroyed, so a slot's
 * userspace_addr may be checked against it (KVM checks a user address with
 * access_ok()), two slots may alias one backing and a MOVE keeps contents.
 * Each allocation is physically contiguous and aligned to the largest power
 * of two it can be, which is what lets the fault path map it with large
 * leaves.
 */
#include "kvm/kvm.h"
#include "arch/memory.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/string.h"

#define BLOCK_1G (FRAME_SIZE << ORDER_1G)
/* More than any machine slotvisor runs on has (and keeps the counts small). */
#define KVM_BACKING_MAX (1ULL << 46)

struct memslot_backing_block {
	struct memslot_backing_block *next;
	void *block;		/* as frame_alloc() returned it */
	u64 size;
};

/* A 1 GiB block being considered for a run, linked through its first bytes. */
struct gib_block {
	struct gib_block *next;
};

static unsigned int order_for(u64 size)
{
	unsigned int order = 0;

	while ((FRAME_SIZE << order) < size)
		order++;
	return order;
}

static void free_nodes(struct memslot_backing_block *head)
{
	struct memslot_backing_block *next;

	for (; head; head = next) {
		next = head->next;
		kfree(head);
	}
}

/* Nodes for n blocks, chained; NULL if out of memory. */
static struct memslot_backing_block *alloc_nodes(u64 n)
{
	struct memslot_backing_block *head = NULL, *b;

	while (n--) {
		b = kzalloc(sizeof(*b));
		if (!b) {
			free_nodes(head);
			return NULL;
		}
		b->next = head;
		head = b;
	}
	return head;
}

static bool taken_has(const struct gib_block *taken, hpa_t pa)
{
	for (; taken; taken = taken->next) {
		if (virt_to_phys(taken) == pa) {
			return true;
		}
	}
	return false;
}

/* The lowest block of n adjacent ones among taken, or NULL. */
static struct gib_block *find_run(struct gib_block *taken, u64 n)
{
	struct gib_block *b;
	u64 i;

	for (b = taken; b; b = b->next) {
		for (i = 1; i < n && taken_has(taken, virt_to_phys(b) + i * BLOCK_1G); i++)
			;
		if (i == n) {
			return b;
		}
	}
	return NULL;
}

/* Take 1 GiB blocks until n of them are adjacent; give back the others. */
static void *take_gib_run(u64 n)
{
	struct gib_block *taken = NULL, *b, *next;
	struct gib_block *run = NULL;
	hpa_t lo, hi;

	while (!run && (b = frame_alloc(ORDER_1G))) {
		b->next = taken;
		taken = b;
		run = find_run(taken, n);
	}
	lo = run ? virt_to_phys(run) : 0;
	hi = lo + n * BLOCK_1G;
	for (b = taken; b; b = next) {
		next = b->next;
		if (!run || virt_to_phys(b) < lo || virt_to_phys(b) >= hi) {
			frame_free(b);
		}
	}
	return run;
}

/* Record the n blocks of size bytes from start in the VM's list. */
static void add_blocks(struct kvm *kvm, struct memslot_backing_block *nodes, char *start, u64 n,
		       u64 size)
{
	struct memslot_backing_block *b;
	u64 i;

	for (i = 0; i < n; i++) {
		b = nodes;
		nodes = nodes->next;
		b->block = start + i * size;
		b->size = size;
		b->next = kvm->backing;
		kvm->backing = b;
	}
}

int memslot_backing_alloc(struct kvm *kvm, u64 size, hva_t *hva)
{
	struct memslot_backing_block *nodes;
	u64 n, block_size;
	char *mem;

	if (size == 0 || !IS_ALIGNED(size, FRAME_SIZE) || size > KVM_BACKING_MAX) {
		return -EINVAL;
	}
	n = size > BLOCK_1G ? ALIGN_UP(size, BLOCK_1G) / BLOCK_1G : 1;
	block_size = size > BLOCK_1G ? BLOCK_1G : FRAME_SIZE << order_for(size);
	nodes = alloc_nodes(n);
	if (!nodes) {
		return -ENOMEM;
	}
	mem = n > 1 ? take_gib_run(n) : frame_alloc(order_for(size));
	if (!mem) {
		free_nodes(nodes);
		return -ENOMEM;
	}
	/* Guest memory never shows what a previous owner left in it. */
	memset(mem, 0, n * block_size);
	add_blocks(kvm, nodes, mem, n, block_size);
	*hva = (hva_t)mem;
	return 0;
}

/* The block holding hva, or NULL. */
static const struct memslot_backing_block *find_block(const struct kvm *kvm, hva_t hva)
{
	const struct memslot_backing_block *b;

	for (b = kvm->backing; b; b = b->next) {
		if (hva >= (hva_t)b->block && hva - (hva_t)b->block < b->size) {
			return b;
		}
	}
	return NULL;
}

bool memslot_backing_owns(const struct kvm *kvm, hva_t start, u64 size)
{
	hva_t end = start + size;
	const struct memslot_backing_block *b;

	if (end < start) {
		return false;
	}
	/* Blocks may be adjacent: walk from one to the next. */
	while (start < end) {
		b = find_block(kvm, start);
		if (!b) {
			return false;
		}
		start = (hva_t)b->block + b->size;
	}
	return true;
}

/* Whether any slot of the active sets maps backing in [start, start + size). */
static bool backing_mapped(struct kvm *kvm, hva_t start, u64 size)
{
	struct kvm_memory_slot *s;

	for (u16 as_id = 0; as_id < KVM_ADDRESS_SPACE_NUM; as_id++) {
		kvm_for_each_memslot(s, __kvm_memslots(kvm, as_id)) {
			if (s->userspace_addr < start + size &&
			    start < s->userspace_addr + (s->npages << GFN_SHIFT))
				return true;
		}
	}
	return false;
}

int memslot_backing_release(struct kvm *kvm, hva_t hva)
{
	struct memslot_backing_block **pp, *b;

	lockdep_assert_held(&kvm->slots_lock);
	for (pp = &kvm->backing; (b = *pp); pp = &b->next) {
		if ((hva_t)b->block != hva)
			continue;
		if (backing_mapped(kvm, hva, b->size))
			return -EBUSY;
		*pp = b->next;
		frame_free(b->block);
		kfree(b);
		return 0;
	}
	return -EINVAL;
}

void memslot_backing_free(struct kvm *kvm)
{
	struct memslot_backing_block *b;

	while ((b = kvm->backing)) {
		kvm->backing = b->next;
		frame_free(b->block);
		kfree(b);
	}
}
