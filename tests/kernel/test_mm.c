/*
 * The frame allocator and kmalloc on the real memory map of this machine.
 * Every test leaves the allocator as it found it (checked by stats).
 */
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/layout.h"
#include "arch/x86/setup.h"
#include "ktest.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

static bool stats_equal(const struct frame_stats *a, const struct frame_stats *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Is there a free block of this order or larger? */
static bool block_available(unsigned int order)
{
	struct frame_stats st;

	frame_get_stats(&st);
	for (unsigned int o = order; o <= FRAME_MAX_ORDER; o++) {
		if (st.free_blocks[o])
			return true;
	}
	return false;
}

static void check_block(struct ktest_ctx *t, unsigned int order)
{
	u64 size = FRAME_SIZE << order;
	u8 *p = frame_alloc(order);
	hpa_t pa;

	KT_ASSERT(t, p, "expected a block of order %u, saw NULL", order);
	pa = virt_to_phys(p);
	KT_ASSERT(t, (pa & (size - 1)) == 0, "expected order-%u block aligned to 0x%llx, saw 0x%llx",
		  order, (unsigned long long)size, (unsigned long long)pa);
	KT_ASSERT_EQ(t, frame_order(p), order);
	/* Contiguous and really ours: the direct map reaches every byte of it. */
	p[0] = 0xa5;
	p[size - 1] = 0x5a;
	for (u64 off = 0; off < size; off += FRAME_SIZE)
		*(volatile u64 *)(p + off + 8) = pa + off;
	for (u64 off = 0; off < size; off += FRAME_SIZE)
		KT_ASSERT_EQ(t, *(volatile u64 *)(p + off + 8), pa + off);
	frame_free(p);
}

KTEST(test_mm_alloc_sizes, "mm.alloc.sizes")
{
	static const unsigned int orders[] = { ORDER_4K, 1, 4, ORDER_2M, 12, ORDER_1G };
	struct frame_stats before, after;

	frame_get_stats(&before);
	for (unsigned int i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		if (orders[i] == ORDER_1G && !block_available(ORDER_1G)) {
			ktest_skip(t, "no free 1 GiB block on this machine (other sizes passed)");
			return;
		}
		check_block(t, orders[i]);	/* its failed assertion ends the test */
	}
	frame_get_stats(&after);
	KT_ASSERT(t, stats_equal(&before, &after),
		  "expected stats unchanged after freeing, free %llu -> %llu",
		  (unsigned long long)before.free_frames, (unsigned long long)after.free_frames);
}

KTEST(test_mm_alloc_align, "mm.alloc.align")
{
	void *blocks[16];

	/* Many live blocks at once, mixed orders: each aligned, none overlapping. */
	for (int i = 0; i < 16; i++) {
		unsigned int order = (i * 5) % 11;

		blocks[i] = frame_alloc(order);
		KT_ASSERT(t, blocks[i], "expected an order-%u block, saw NULL", order);
		KT_ASSERT(t, IS_ALIGNED(virt_to_phys(blocks[i]), FRAME_SIZE << order),
			  "expected alignment 0x%llx, saw 0x%llx",
			  (unsigned long long)(FRAME_SIZE << order),
			  (unsigned long long)virt_to_phys(blocks[i]));
		for (int j = 0; j < i; j++) {
			hpa_t a = virt_to_phys(blocks[i]), b = virt_to_phys(blocks[j]);
			u64 as = FRAME_SIZE << frame_order(blocks[i]);
			u64 bs = FRAME_SIZE << frame_order(blocks[j]);

			KT_ASSERT(t, a + as <= b || b + bs <= a,
				  "expected disjoint blocks, saw %llx+%llx and %llx+%llx",
				  (unsigned long long)a, (unsigned long long)as,
				  (unsigned long long)b, (unsigned long long)bs);
		}
	}
	for (int i = 0; i < 16; i++)
		frame_free(blocks[i]);
}

KTEST(test_mm_alloc_exhaust, "mm.alloc.exhaust")
{
	struct frame_stats before, after;
	void *head = NULL;
	u64 n = 0;

	frame_get_stats(&before);
	/* Take every 4 KiB frame, chaining them through their first word. */
	for (void **p; (p = frame_alloc(ORDER_4K)); n++) {
		*p = head;
		head = p;
	}
	frame_get_stats(&after);
	KT_ASSERT_EQ(t, after.free_frames, 0);
	KT_ASSERT(t, frame_alloc(ORDER_2M) == NULL, "expected NULL from an empty allocator");
	while (head) {
		void *next = *(void **)head;

		frame_free(head);
		head = next;
	}
	KT_ASSERT_EQ(t, n, before.free_frames);
	frame_get_stats(&after);
	KT_ASSERT(t, stats_equal(&before, &after),
		  "expected every block merged back, free 2M blocks %llu -> %llu",
		  (unsigned long long)before.free_blocks[ORDER_2M],
		  (unsigned long long)after.free_blocks[ORDER_2M]);
}

KTEST(test_mm_alloc_free, "mm.alloc.free")
{
	struct frame_stats before, mid, after;
	void *a, *b;

	frame_get_stats(&before);
	a = frame_alloc(ORDER_2M);
	b = frame_zalloc(ORDER_4K);
	KT_ASSERT(t, a && b, "expected two blocks, saw %p %p", a, b);
	for (u64 i = 0; i < FRAME_SIZE; i++)
		KT_ASSERT(t, ((u8 *)b)[i] == 0, "expected a zeroed frame, byte %llu is %u",
			  (unsigned long long)i, ((u8 *)b)[i]);
	frame_get_stats(&mid);
	KT_ASSERT_EQ(t, mid.used_frames - before.used_frames, 512 + 1);
	frame_free(a);
	frame_free(b);
	frame_get_stats(&after);
	KT_ASSERT(t, stats_equal(&before, &after), "expected stats restored after free");
}

KTEST(test_mm_kmalloc, "mm.kmalloc")
{
	static const size_t sizes[] = { 1, 16, 24, 100, 512, 2048, 2049, 5000, 70000 };
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	struct frame_stats before, after;

	frame_get_stats(&before);
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = kzalloc(sizes[i]);
		KT_ASSERT(t, p[i], "expected %zu bytes, saw NULL", sizes[i]);
		KT_ASSERT(t, IS_ALIGNED((u64)p[i], 16), "expected 16-byte alignment, saw %p", p[i]);
		memset(p[i], 0x77, sizes[i]);
	}
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		kfree(p[i]);
	KT_ASSERT(t, kcalloc((size_t)-1 / 2, 4) == NULL, "expected NULL on kcalloc overflow");
	frame_get_stats(&after);
	KT_ASSERT(t, after.used_frames <= before.used_frames + 8,
		  "expected kmalloc to give frames back, used %llu -> %llu",
		  (unsigned long long)before.used_frames, (unsigned long long)after.used_frames);
}

#define PTE_P		BIT(0)
#define PTE_W		BIT(1)
#define PTE_PWT		BIT(3)
#define PTE_PCD		BIT(4)
#define PTE_PS		BIT(7)
#define PTE_ADDR	0x000ffffffffff000ULL

/* The 4 KiB leaf that maps va in the current page tables, or 0. */
static u64 leaf_pte(u64 va)
{
	u64 *table = phys_to_virt(read_cr3() & PTE_ADDR);
	static const unsigned int shifts[] = { 39, 30, 21, 12 };

	for (unsigned int level = 0; level < ARRAY_SIZE(shifts); level++) {
		u64 e = table[(va >> shifts[level]) & 511];

		if (!(e & PTE_P))
			return 0;
		if (level == ARRAY_SIZE(shifts) - 1)
			return e;
		if (e & PTE_PS)
			return 0;	/* the window maps 4 KiB pages only */
		table = phys_to_virt(e & PTE_ADDR);
	}
	return 0;
}

/*
 * paging_map_mmio(), as an MMIO console UART uses it: a RAM frame
 * stands in for device registers.  The mapping keeps the offset within the
 * page, lies in the MMIO window, is present, writable and uncached
 * (PCD|PWT), and reaches the frame's bytes; a second mapping gets its own
 * addresses.  The frame stays allocated, so no later owner of it has an
 * uncached alias.  Writes go through the UC mapping and are read through
 * the direct map only in emulators, where no cache holds a stale line.
 */
KTEST(test_mm_mmio_window, "mm.mmio-window")
{
	u8 *frame = frame_zalloc(ORDER_4K);
	hpa_t pa;
	volatile u32 *regs;
	volatile u8 *again;
	u64 pte;

	KT_ASSERT(t, frame, "expected a frame, saw NULL");
	pa = virt_to_phys(frame);
	KT_ASSERT(t, paging_map_mmio(pa, 0, MMIO_UC) == NULL, "expected NULL for a 0-byte mapping");
	KT_ASSERT(t, paging_map_mmio(BIT(52), 8, MMIO_UC) == NULL,
		  "expected NULL past the physical address width");
	regs = paging_map_mmio(pa + 0x100, 8 * 4, MMIO_UC);
	KT_ASSERT(t, regs, "expected a mapping, saw NULL");
	KT_ASSERT(t, (u64)regs >= MMIO_MAP_BASE && (u64)regs < MMIO_MAP_BASE + MMIO_MAP_SIZE,
		  "expected an address in the MMIO window, saw %p", (void *)regs);
	KT_ASSERT_EQ(t, (u64)regs & (FRAME_SIZE - 1), 0x100);
	pte = leaf_pte((u64)regs);
	KT_ASSERT_EQ(t, pte & PTE_ADDR, pa);
	KT_ASSERT_EQ(t, pte & (PTE_P | PTE_W | PTE_PWT | PTE_PCD), PTE_P | PTE_W | PTE_PWT | PTE_PCD);
	regs[5] = 0x60;	/* a 16550's LSR with 4-byte registers */
	KT_ASSERT_EQ(t, frame[0x100 + 5 * 4], 0x60);
	KT_ASSERT_EQ(t, regs[5], 0x60);

	again = paging_map_mmio(pa + FRAME_SIZE - 1, 2, MMIO_UC);	/* straddles into the next frame */
	KT_ASSERT(t, again, "expected a second mapping, saw NULL");
	KT_ASSERT(t, (u64)again >= (u64)regs + FRAME_SIZE - 0x100,
		  "expected the second mapping past the first, saw %p after %p", (void *)again,
		  (void *)regs);
	KT_ASSERT_EQ(t, leaf_pte((u64)again + 1) & PTE_ADDR, pa + FRAME_SIZE);
	again[0] = 0xa5;
	KT_ASSERT_EQ(t, frame[FRAME_SIZE - 1], 0xa5);
}
