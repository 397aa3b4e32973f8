/*
 * The buddy frame allocator over fake physical memory.  The arenas are
 * MAP_NORESERVE, so only the frames a test writes cost real memory: tests
 * that write every frame use small arenas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "arch/memory.h"
#include "compiler.h"
#include "fake.h"
#include "lib/errno.h"
#include "mm/frame.h"

#define B FAKE_PHYS_BASE

/* Usable memory with holes, inside a 32 MiB arena. */
static struct memmap holey;

/* Create an arena of size bytes and hand the allocator usable, which must lie inside it. */
static void init(u64 size, const struct memmap *usable)
{
	fake_mem_init(size);
	assert_int_equal(frame_init(usable), 0);
}

/* Create an arena of size bytes that is usable in one piece. */
static void init_whole(u64 size)
{
	static struct memmap m;

	memset(&m, 0, sizeof(m));
	memmap_add(&m, B, B + size);
	init(size, &m);
}

static void init_holey(void)
{
	memset(&holey, 0, sizeof(holey));
	memmap_add(&holey, B + KiB(4), B + MiB(3));
	memmap_add(&holey, B + MiB(3) + KiB(20), B + MiB(17) - KiB(8));
	memmap_add(&holey, B + MiB(20), B + MiB(32));
	init(MiB(32), &holey);
}

static int teardown(void **state)
{
	fake_mem_exit();
	return 0;
}

static hpa_t pa_of(const void *p)
{
	return virt_to_phys(p);
}

/* Does [pa, pa + size) lie inside one range of map? */
static bool inside_one_range(const struct memmap *map, hpa_t pa, u64 size)
{
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		if (pa >= map->r[i].start && pa + size <= map->r[i].end) {
			return true;
		}
	}
	return false;
}

static void expect_same_stats(const struct frame_stats *a, const struct frame_stats *b)
{
	unsigned int o;

	assert_int_equal(a->total_frames, b->total_frames);
	assert_int_equal(a->free_frames, b->free_frames);
	assert_int_equal(a->used_frames, b->used_frames);
	for (o = 0; o <= FRAME_MAX_ORDER; o++) {
		assert_int_equal(a->free_blocks[o], b->free_blocks[o]);
	}
}

/*
 * Does frame_order(p) panic?  A function of its own: EXPECT_PANIC around a
 * call whose value is discarded inline trips -Wclobbered on the macro's flag.
 */
static __attribute__((noinline)) bool order_panics(const void *p)
{
	return EXPECT_PANIC(frame_order(p));
}

/* A deterministic pseudo-random sequence (an LCG) so failures reproduce. */
static u64 rnd_state;

static unsigned int rnd(unsigned int n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(rnd_state >> 33) % n;
}

/* Allocate every free 4 KiB frame, chained through their first bytes; returns the count. */
static u64 take_all_frames(void **head)
{
	u64 n = 0;
	void *p;

	*head = NULL;
	while ((p = frame_alloc(0))) {
		*(void **)p = *head;
		*head = p;
		n++;
	}
	return n;
}

static void free_chain(void *head)
{
	while (head) {
		void *next = *(void **)head;

		frame_free(head);
		head = next;
	}
}

static void init_rejects_empty_unaligned_or_unsorted_maps(void **state)
{
	struct memmap m = { 0 };

	fake_mem_init(MiB(4));
	assert_int_equal(frame_init(NULL), -EINVAL);
	assert_int_equal(frame_init(&m), -EINVAL);
	m.nr = 1;
	m.r[0].start = B + 0x800;
	m.r[0].end = B + MiB(1);
	assert_int_equal(frame_init(&m), -EINVAL);
	m.r[0].start = B + MiB(1);
	m.r[0].end = B + MiB(1);
	assert_int_equal(frame_init(&m), -EINVAL);
	m.nr = 2;
	m.r[0].start = B + MiB(2);
	m.r[0].end = B + MiB(3);
	m.r[1].start = B;
	m.r[1].end = B + MiB(1);
	assert_int_equal(frame_init(&m), -EINVAL);
	/* A failed init leaves nothing to allocate. */
	assert_null(frame_alloc(0));
}

static void init_fails_with_enomem_when_no_range_holds_the_metadata(void **state)
{
	struct memmap m = { 0 };
	struct frame_stats st;

	fake_mem_init(MiB(64));
	/* 16384 frames of span need 4 frames of metadata; each range has one. */
	memmap_add(&m, B, B + KiB(4));
	memmap_add(&m, B + MiB(64) - KiB(4), B + MiB(64));
	assert_int_equal(frame_init(&m), -ENOMEM);
	assert_null(frame_alloc(0));
	frame_get_stats(&st);
	assert_int_equal(st.total_frames, 0);
}

static void init_carves_one_metadata_byte_per_frame_of_the_span(void **state)
{
	struct frame_stats st;
	u64 span_frames, meta_frames;

	init_holey();
	span_frames = (B + MiB(32) - (B + KiB(4))) / FRAME_SIZE;
	meta_frames = (span_frames + FRAME_SIZE - 1) / FRAME_SIZE;
	frame_get_stats(&st);
	assert_int_equal(st.total_frames, memmap_total(&holey) / FRAME_SIZE - meta_frames);
	assert_int_equal(st.free_frames, st.total_frames);
	assert_int_equal(st.used_frames, 0);
}

static void init_splits_ranges_into_maximal_aligned_blocks(void **state)
{
	struct memmap m = { 0 };
	struct frame_stats st;
	unsigned int o;

	/*
	 * [B + 1M, B + 3M + 12K): one metadata frame at B + 1M, then blocks of
	 * 4K, 8K, ..., 512K up to B + 2M, 1M at B + 2M, 8K at B + 3M and 4K at
	 * B + 3M + 8K.
	 */
	memmap_add(&m, B + MiB(1), B + MiB(3) + KiB(12));
	init(MiB(4), &m);
	frame_get_stats(&st);
	assert_int_equal(st.free_blocks[0], 2);
	assert_int_equal(st.free_blocks[1], 2);
	for (o = 2; o <= 8; o++) {
		assert_int_equal(st.free_blocks[o], 1);
	}
	for (o = 9; o <= FRAME_MAX_ORDER; o++) {
		assert_int_equal(st.free_blocks[o], 0);
	}
	assert_int_equal(st.total_frames, 514);
}

static void blocks_of_every_order_are_naturally_aligned(void **state)
{
	unsigned int o, i;

	init_whole(GiB(3));
	for (o = 0; o <= FRAME_MAX_ORDER; o++) {
		void *p[3];
		unsigned int n = o == FRAME_MAX_ORDER ? 2 : 3;

		for (i = 0; i < n; i++) {
			p[i] = frame_alloc(o);
			assert_non_null(p[i]);
			assert_true(IS_ALIGNED(pa_of(p[i]), FRAME_SIZE << o));
			assert_int_equal(frame_order(p[i]), o);
		}
		for (i = 0; i < n; i++) {
			frame_free(p[i]);
		}
	}
}

static int cmp_pa(const void *a, const void *b)
{
	const hpa_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Check blocks (pairs of address, size) lie inside map's ranges and do not overlap. */
static void expect_disjoint_inside(const struct memmap *map, hpa_t *blocks, unsigned int n)
{
	unsigned int i;

	qsort(blocks, n, 2 * sizeof(hpa_t), cmp_pa);
	for (i = 0; i < n; i++) {
		assert_true(inside_one_range(map, blocks[2 * i], blocks[2 * i + 1]));
		if (i > 0) {
			assert_true(blocks[2 * i - 2] + blocks[2 * i - 1] <= blocks[2 * i]);
		}
	}
}

static void blocks_of_every_order_can_be_live_at_once(void **state)
{
	hpa_t blocks[2 * (FRAME_MAX_ORDER + 1)];
	void *p[FRAME_MAX_ORDER + 1];
	struct memmap m = { 0 };
	struct frame_stats st;
	unsigned int o;

	memmap_add(&m, B, B + GiB(3));
	init(GiB(3), &m);
	for (o = 0; o <= FRAME_MAX_ORDER; o++) {
		p[o] = frame_alloc(o);
		assert_non_null(p[o]);
		/* Write the first and last byte: the whole block is ours. */
		((char *)p[o])[0] = (char)o;
		((char *)p[o])[(FRAME_SIZE << o) - 1] = (char)o;
		blocks[2 * o] = pa_of(p[o]);
		blocks[2 * o + 1] = FRAME_SIZE << o;
	}
	frame_get_stats(&st);
	assert_int_equal(st.used_frames, (1ULL << (FRAME_MAX_ORDER + 1)) - 1);
	for (o = 0; o <= FRAME_MAX_ORDER; o++) {
		assert_int_equal(((char *)p[o])[0], (char)o);
		assert_int_equal(((char *)p[o])[(FRAME_SIZE << o) - 1], (char)o);
	}
	expect_disjoint_inside(&m, blocks, FRAME_MAX_ORDER + 1);
	for (o = 0; o <= FRAME_MAX_ORDER; o++) {
		frame_free(p[o]);
	}
}

static void blocks_lie_inside_one_usable_range_and_never_overlap(void **state)
{
	struct frame_stats before, st;
	static hpa_t blocks[2 * 8192];
	static void *ptr[8192];
	unsigned int n = 0, i;
	u64 frames = 0;

	init_holey();
	frame_get_stats(&before);
	rnd_state = 1;
	for (;;) {
		unsigned int order = rnd(8);
		void *p;

		while (!(p = frame_alloc(order)) && order > 0)
			order--;
		if (!p) {
			break;
		}
		assert_true(n < 8192);
		ptr[n] = p;
		blocks[2 * n] = pa_of(p);
		blocks[2 * n + 1] = FRAME_SIZE << order;
		frames += 1ULL << order;
		n++;
	}
	frame_get_stats(&st);
	assert_int_equal(frames, before.free_frames);
	assert_int_equal(st.free_frames, 0);
	assert_int_equal(st.used_frames, st.total_frames);
	for (i = 0; i < n; i++) {
		frame_free(ptr[i]);
	}
	expect_disjoint_inside(&holey, blocks, n);
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
}

static void allocating_every_4k_frame_takes_exactly_the_free_count_and_skips_holes(void **state)
{
	struct frame_stats before, st;
	void *head, *p;
	u64 n;

	init_holey();
	frame_get_stats(&before);
	n = take_all_frames(&head);
	assert_int_equal(n, before.free_frames);
	for (p = head; p; p = *(void **)p) {
		assert_true(inside_one_range(&holey, pa_of(p), FRAME_SIZE));
	}
	assert_null(frame_alloc(0));
	assert_null(frame_alloc(5));
	frame_get_stats(&st);
	assert_int_equal(st.free_frames, 0);
	assert_int_equal(st.used_frames, n);
	free_chain(head);
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
}

static void freeing_everything_merges_back_to_the_initial_blocks(void **state)
{
	struct frame_stats before, st;
	static void *live[4096];
	unsigned int n = 0, step;

	init_holey();
	frame_get_stats(&before);
	rnd_state = 42;
	/* Interleave allocations and frees of random blocks to fragment memory. */
	for (step = 0; step < 20000; step++) {
		if (n > 0 && (rnd(3) == 0 || n == 4096)) {
			unsigned int i = rnd(n);

			frame_free(live[i]);
			live[i] = live[--n];
		} else {
			void *p = frame_alloc(rnd(6));

			if (p) {
				live[n++] = p;
			}
		}
	}
	while (n > 0) {
		unsigned int i = rnd(n);

		frame_free(live[i]);
		live[i] = live[--n];
	}
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
}

static void double_free_panics_naming_the_address(void **state)
{
	struct frame_stats before, st;
	char want[128];
	void *head, *p;

	init_holey();
	take_all_frames(&head);
	/* Every buddy is allocated, so the freed frame stays a free head. */
	p = head;
	head = *(void **)p;
	frame_free(p);
	frame_get_stats(&before);
	snprintf(want, sizeof(want), "frame_free: double free of 0x%llx",
		 (unsigned long long)pa_of(p));
	assert_true(EXPECT_PANIC(frame_free(p)));
	assert_string_equal(fake_panic_msg, want);
	snprintf(want, sizeof(want), "frame_order: 0x%llx is free, not allocated",
		 (unsigned long long)pa_of(p));
	assert_true(order_panics((p)));
	assert_string_equal(fake_panic_msg, want);
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
	free_chain(head);
}

static void freeing_a_tail_frame_panics_as_never_allocated(void **state)
{
	char want[128];
	char *p;

	init_holey();
	p = frame_alloc(3);
	snprintf(want, sizeof(want), "frame_free: 0x%llx was never allocated",
		 (unsigned long long)pa_of(p + 5 * FRAME_SIZE));
	assert_true(EXPECT_PANIC(frame_free(p + 5 * FRAME_SIZE)));
	assert_string_equal(fake_panic_msg, want);
	/* The block itself is still allocated and frees normally. */
	assert_int_equal(frame_order(p), 3);
	frame_free(p);
}

/* Expect frame_free(phys_to_virt(pa)) to panic as never allocated. */
static void expect_never_allocated(hpa_t pa)
{
	char want[128];

	snprintf(want, sizeof(want), "frame_free: 0x%llx was never allocated",
		 (unsigned long long)pa);
	assert_true(EXPECT_PANIC(frame_free(phys_to_virt(pa))));
	assert_string_equal(fake_panic_msg, want);
}

static void freeing_reserved_unaligned_or_outside_memory_panics_as_never_allocated(void **state)
{
	struct frame_stats before, st;
	char *p;

	init_holey();
	frame_get_stats(&before);
	expect_never_allocated(B);				/* below the span */
	expect_never_allocated(B + KiB(4));			/* the metadata */
	expect_never_allocated(B + MiB(3) + KiB(8));		/* a hole */
	expect_never_allocated(B + MiB(18));			/* a hole */
	p = frame_alloc(0);
	expect_never_allocated(pa_of(p) + 16);			/* not a frame start */
	frame_free(p);
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
	assert_true(EXPECT_PANIC(frame_free(NULL)));
	assert_string_equal(fake_panic_msg, "frame_free: NULL was never allocated");
}

static void freeing_above_the_span_panics_as_never_allocated(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, B + MiB(1), B + MiB(5));
	init(MiB(8), &m);
	expect_never_allocated(B + MiB(5));
	expect_never_allocated(B + MiB(7));
	expect_never_allocated(B + MiB(1) - FRAME_SIZE);
}

static void frame_order_reports_the_order_and_rejects_non_blocks(void **state)
{
	char want[128];
	char *p, *q;

	init_holey();
	p = frame_alloc(4);
	q = frame_alloc(0);
	assert_int_equal(frame_order(p), 4);
	assert_int_equal(frame_order(q), 0);

	snprintf(want, sizeof(want), "frame_order: 0x%llx was never allocated",
		 (unsigned long long)pa_of(p + FRAME_SIZE));
	assert_true(order_panics((p + FRAME_SIZE)));
	assert_string_equal(fake_panic_msg, want);

	snprintf(want, sizeof(want), "frame_order: 0x%llx was never allocated",
		 (unsigned long long)(B + MiB(18)));
	assert_true(order_panics((phys_to_virt(B + MiB(18)))));
	assert_string_equal(fake_panic_msg, want);

	frame_free(p);
	/* p is now a free head (or merged into its buddy's block). */
	assert_true(order_panics((p)));
	assert_true(strncmp(fake_panic_msg, "frame_order: ", 13) == 0);
	frame_free(q);
}

static void orders_above_the_maximum_return_null(void **state)
{
	struct frame_stats before, st;

	init_whole(GiB(3));
	frame_get_stats(&before);
	assert_null(frame_alloc(FRAME_MAX_ORDER + 1));
	assert_null(frame_alloc(64));
	assert_null(frame_alloc(~0U));
	assert_null(frame_zalloc(FRAME_MAX_ORDER + 1));
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
}

static void zalloc_returns_zeroed_blocks(void **state)
{
	unsigned char *p;
	unsigned int i;

	init_holey();
	p = frame_alloc(2);
	memset(p, 0xa5, 4 * FRAME_SIZE);
	frame_free(p);
	/* The same block comes back (the last freed, still merged the same way). */
	p = frame_zalloc(2);
	assert_non_null(p);
	for (i = 0; i < 4 * FRAME_SIZE; i++) {
		assert_int_equal(p[i], 0);
	}
	frame_free(p);
}

static void stats_count_free_and_used_frames(void **state)
{
	struct frame_stats before, st;
	void *a, *b;

	init_holey();
	frame_get_stats(&before);
	assert_int_equal(before.free_frames + before.used_frames, before.total_frames);
	a = frame_alloc(3);
	b = frame_alloc(0);
	frame_get_stats(&st);
	assert_int_equal(st.used_frames, 9);
	assert_int_equal(st.free_frames, before.free_frames - 9);
	assert_int_equal(st.total_frames, before.total_frames);
	frame_free(a);
	frame_free(b);
	frame_get_stats(&st);
	expect_same_stats(&st, &before);
}

static void print_stats_prints_one_line(void **state)
{
	struct frame_stats st;
	char got[256], want[256];
	void *p;

	init_holey();
	p = frame_alloc(2);
	frame_get_stats(&st);
	snprintf(want, sizeof(want), "mm: %llu frames free (%llu MiB), 4 used, %llu total\n",
		 (unsigned long long)st.free_frames,
		 (unsigned long long)(st.free_frames * FRAME_SIZE >> 20),
		 (unsigned long long)st.total_frames);
	capture_begin();
	frame_print_stats();
	capture_end(got, sizeof(got));
	assert_string_equal(got, want);
	frame_free(p);
}

static void init_again_forgets_everything(void **state)
{
	struct frame_stats before, st;
	struct memmap m = { 0 };

	init_holey();
	frame_get_stats(&before);
	assert_non_null(frame_alloc(5));
	assert_non_null(frame_alloc(0));
	assert_int_equal(frame_init(&holey), 0);
	frame_get_stats(&st);
	expect_same_stats(&st, &before);

	/* A different map over a different arena. */
	memmap_add(&m, B, B + MiB(2));
	init(MiB(2), &m);
	frame_get_stats(&st);
	assert_int_equal(st.total_frames, 511);
	assert_int_equal(st.free_blocks[8], 1);
}

#define T(name) cmocka_unit_test_teardown(name, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_rejects_empty_unaligned_or_unsorted_maps),
		T(init_fails_with_enomem_when_no_range_holds_the_metadata),
		T(init_carves_one_metadata_byte_per_frame_of_the_span),
		T(init_splits_ranges_into_maximal_aligned_blocks),
		T(blocks_of_every_order_are_naturally_aligned),
		T(blocks_of_every_order_can_be_live_at_once),
		T(blocks_lie_inside_one_usable_range_and_never_overlap),
		T(allocating_every_4k_frame_takes_exactly_the_free_count_and_skips_holes),
		T(freeing_everything_merges_back_to_the_initial_blocks),
		T(double_free_panics_naming_the_address),
		T(freeing_a_tail_frame_panics_as_never_allocated),
		T(freeing_reserved_unaligned_or_outside_memory_panics_as_never_allocated),
		T(freeing_above_the_span_panics_as_never_allocated),
		T(frame_order_reports_the_order_and_rejects_non_blocks),
		T(orders_above_the_maximum_return_null),
		T(zalloc_returns_zeroed_blocks),
		T(stats_count_free_and_used_frames),
		T(print_stats_prints_one_line),
		T(init_again_forgets_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
