/*
 * The buddy frame allocator.
 *
 * One metadata byte per 4 KiB frame of the span [lowest usable, highest
 * usable) says what the frame is: the head of a free or allocated block of
 * some order, a tail frame inside a block, or reserved (a hole, or the
 * metadata array itself).  Free blocks of each order sit on a doubly linked
 * list whose links live in the first bytes of the blocks, reached through
 * the direct map, so the allocator needs no memory besides the array.
 */
#include "mm/frame.h"
#include "arch/memory.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

/*
 * A metadata byte: the state in the top two bits, the block order in the low
 * five.  RESERVED is zero so that clearing the array reserves every frame
 * before the usable ranges are handed to the free lists.
 */
#define META_RESERVED 0x00
#define META_FREE 0x40
#define META_ALLOC 0x80
#define META_TAIL 0xc0
#define META_STATE(m) ((m) & 0xc0)
#define META_ORDER(m) ((unsigned int)((m) & 0x1f))

/* The links at the start of every free block. */
struct free_block {
	struct free_block *next;
	struct free_block *prev;
};

/* What the frame at an address is, as frame_free and frame_order see it. */
enum block_kind {
	BLOCK_ALLOCATED,
	BLOCK_FREE,
	BLOCK_UNKNOWN,	/* a tail, reserved, unaligned or outside the span */
};

/*
 * All allocator state.  Only the public functions below touch it, each
 * between frame_lock() and frame_unlock(); frame_init() starts it afresh.
 */
static struct {
	hpa_t base;		/* the span the metadata describes: [base, limit) */
	hpa_t limit;
	u8 *meta;		/* one byte per frame of the span */
	struct free_block *free[FRAME_MAX_ORDER + 1];
	u64 free_blocks[FRAME_MAX_ORDER + 1];
	u64 total_frames;
	u64 free_frames;
} fa;

/*
 * Several CPUs allocate at once: the BSP (slot backing, metadata) and the
 * vCPUs on APs (EPT tables in their fault path), which hold only their own
 * VM's mmu_lock.  Interrupts are off in slotvisor, so a plain spinlock.
 */
static spinlock_t frame_spinlock;

static void frame_lock(void)
{
	spin_lock(&frame_spinlock);
}

static void frame_unlock(void)
{
	spin_unlock(&frame_spinlock);
}

static u64 order_bytes(unsigned int order)
{
	return FRAME_SIZE << order;
}

static bool in_span(hpa_t pa)
{
	return pa >= fa.base && pa < fa.limit;
}

static u8 *meta_of(hpa_t pa)
{
	return &fa.meta[(pa - fa.base) >> FRAME_SHIFT];
}

/* Put the block at pa on the free list of its order and mark its head. */
static void free_list_add(hpa_t pa, unsigned int order)
{
	struct free_block *b = phys_to_virt(pa);

	b->prev = NULL;
	b->next = fa.free[order];
	if (b->next) {
		b->next->prev = b;
	}
	fa.free[order] = b;
	*meta_of(pa) = META_FREE | order;
	fa.free_blocks[order]++;
	fa.free_frames += 1ULL << order;
}

/* Take block b off the free list of its order; the caller re-marks its head. */
static void free_list_del(struct free_block *b, unsigned int order)
{
	if (b->prev) {
		b->prev->next = b->next;
	} else {
		fa.free[order] = b->next;
	}
	if (b->next) {
		b->next->prev = b->prev;
	}
	fa.free_blocks[order]--;
	fa.free_frames -= 1ULL << order;
}

/* The largest order of a naturally aligned block at pa that ends by end. */
static unsigned int largest_order(hpa_t pa, hpa_t end)
{
	unsigned int order = 0;

	while (order < FRAME_MAX_ORDER && IS_ALIGNED(pa, order_bytes(order + 1)) &&
	       order_bytes(order + 1) <= end - pa)
		order++;
	return order;
}

/* Free [start, end) as maximal naturally aligned blocks. */
static void add_usable(hpa_t start, hpa_t end)
{
	while (start < end) {
		unsigned int order = largest_order(start, end);

		memset(meta_of(start) + 1, META_TAIL, (1UL << order) - 1);
		free_list_add(start, order);
		fa.total_frames += 1ULL << order;
		start += order_bytes(order);
	}
}

/* -EINVAL unless usable is non-empty, sorted, disjoint and page-aligned. */
static int check_usable(const struct memmap *usable)
{
	unsigned int i;

	if (!usable || usable->nr == 0 || usable->nr > MEMMAP_MAX) {
		return -EINVAL;
	}
	for (i = 0; i < usable->nr; i++) {
		const struct mem_range *r = &usable->r[i];

		if (r->start >= r->end || !IS_ALIGNED(r->start, FRAME_SIZE) ||
		    !IS_ALIGNED(r->end, FRAME_SIZE)) {
			return -EINVAL;
		}
		if (i > 0 && r->start < usable->r[i - 1].end) {
			return -EINVAL;
		}
	}
	return 0;
}

/* The index of the first range that can hold len bytes of metadata, or -1. */
static int find_meta_home(const struct memmap *usable, u64 len)
{
	unsigned int i;

	for (i = 0; i < usable->nr; i++) {
		if (usable->r[i].end - usable->r[i].start >= len) {
			return (int)i;
		}
	}
	return -1;
}

/* Carve the metadata from usable and free everything else; -ENOMEM if it fits nowhere. */
static int take_over(const struct memmap *usable)
{
	hpa_t base = usable->r[0].start;
	hpa_t limit = usable->r[usable->nr - 1].end;
	u64 meta_len = ALIGN_UP((limit - base) >> FRAME_SHIFT, FRAME_SIZE);
	int home = find_meta_home(usable, meta_len);
	unsigned int i;

	if (home < 0) {
		return -ENOMEM;
	}
	fa.base = base;
	fa.limit = limit;
	fa.meta = phys_to_virt(usable->r[home].start);
	memset(fa.meta, META_RESERVED, (limit - base) >> FRAME_SHIFT);
	for (i = 0; i < usable->nr; i++) {
		hpa_t start = usable->r[i].start;

		if ((int)i == home) {
			start += meta_len;
		}
		add_usable(start, usable->r[i].end);
	}
	return 0;
}

int frame_init(const struct memmap *usable)
{
	int err;

	frame_lock();
	/* Forget the old state first: a failed init leaves an empty allocator. */
	memset(&fa, 0, sizeof(fa));
	err = check_usable(usable);
	if (!err) {
		err = take_over(usable);
	}
	frame_unlock();
	return err;
}

/* Take a block of exactly 2^order frames, splitting a larger one if needed. */
static void *take_block(unsigned int order)
{
	unsigned int o = order;
	struct free_block *b;
	hpa_t pa;

	while (o <= FRAME_MAX_ORDER && !fa.free[o])
		o++;
	if (o > FRAME_MAX_ORDER) {
		return NULL;
	}
	b = fa.free[o];
	free_list_del(b, o);
	pa = virt_to_phys(b);
	/* Keep the lower half each time; the upper halves' tails stay tails. */
	while (o > order) {
		o--;
		free_list_add(pa + order_bytes(o), o);
	}
	*meta_of(pa) = META_ALLOC | order;
	return b;
}

void *frame_alloc(unsigned int order)
{
	void *block;

	if (order > FRAME_MAX_ORDER) {
		return NULL;
	}
	frame_lock();
	block = take_block(order);
	frame_unlock();
	return block;
}

void *frame_zalloc(unsigned int order)
{
	void *block = frame_alloc(order);

	if (block) {
		memset(block, 0, order_bytes(order));
	}
	return block;
}

/* Return the block at pa, merging it with its buddy as long as that is free. */
static void put_block(hpa_t pa, unsigned int order)
{
	while (order < FRAME_MAX_ORDER) {
		hpa_t buddy = pa ^ order_bytes(order);

		if (!in_span(buddy) || *meta_of(buddy) != (META_FREE | order)) {
			break;
		}
		free_list_del(phys_to_virt(buddy), order);
		*meta_of(MAX(pa, buddy)) = META_TAIL;
		pa = MIN(pa, buddy);
		order++;
	}
	free_list_add(pa, order);
}

/* What the frame at pa is; the caller holds the lock. */
static enum block_kind block_kind(hpa_t pa)
{
	u8 m;

	if (!IS_ALIGNED(pa, FRAME_SIZE) || !in_span(pa)) {
		return BLOCK_UNKNOWN;
	}
	m = *meta_of(pa);
	if (META_STATE(m) == META_ALLOC) {
		return BLOCK_ALLOCATED;
	}
	if (META_STATE(m) == META_FREE) {
		return BLOCK_FREE;
	}
	return BLOCK_UNKNOWN;
}

/*
 * The physical address of a block handed to frame_free or frame_order (who).
 * Those classify it under the lock and panic only after dropping it, so a
 * caught panic in a host test never leaves the lock held.
 */
static hpa_t block_pa(const void *block, const char *who)
{
	if (!block) {
		panic("%s: NULL was never allocated", who);
	}
	return virt_to_phys(block);
}

void frame_free(void *block)
{
	hpa_t pa = block_pa(block, "frame_free");
	enum block_kind kind;

	frame_lock();
	kind = block_kind(pa);
	if (kind == BLOCK_ALLOCATED) {
		put_block(pa, META_ORDER(*meta_of(pa)));
	}
	frame_unlock();
	if (kind == BLOCK_FREE) {
		panic("frame_free: double free of 0x%llx", (unsigned long long)pa);
	}
	if (kind == BLOCK_UNKNOWN) {
		panic("frame_free: 0x%llx was never allocated", (unsigned long long)pa);
	}
}

unsigned int frame_order(const void *block)
{
	hpa_t pa = block_pa(block, "frame_order");
	enum block_kind kind;
	unsigned int order = 0;

	frame_lock();
	kind = block_kind(pa);
	if (kind == BLOCK_ALLOCATED) {
		order = META_ORDER(*meta_of(pa));
	}
	frame_unlock();
	if (kind == BLOCK_FREE) {
		panic("frame_order: 0x%llx is free, not allocated", (unsigned long long)pa);
	}
	if (kind == BLOCK_UNKNOWN) {
		panic("frame_order: 0x%llx was never allocated", (unsigned long long)pa);
	}
	return order;
}

void frame_get_stats(struct frame_stats *st)
{
	unsigned int o;

	frame_lock();
	st->total_frames = fa.total_frames;
	st->free_frames = fa.free_frames;
	st->used_frames = fa.total_frames - fa.free_frames;
	for (o = 0; o <= FRAME_MAX_ORDER; o++)
		st->free_blocks[o] = fa.free_blocks[o];
	frame_unlock();
}

void frame_print_stats(void)
{
	struct frame_stats st;

	frame_get_stats(&st);
	kprintf("mm: %llu frames free (%llu MiB), %llu used, %llu total\n",
		(unsigned long long)st.free_frames,
		(unsigned long long)(st.free_frames >> (20 - FRAME_SHIFT)),
		(unsigned long long)st.used_frames, (unsigned long long)st.total_frames);
}
