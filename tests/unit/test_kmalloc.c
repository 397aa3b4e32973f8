/*
 * kmalloc over the frame allocator over fake physical memory.  Every test
 * must free what it allocates: the teardown checks that all frames came
 * back, which also proves empty slabs are returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/memory.h"
#include "compiler.h"
#include "fake.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

#define ARENA MiB(16)

static struct frame_stats initial;

static int setup(void **state)
{
	struct memmap m = { 0 };

	fake_mem_init(ARENA);
	memmap_add(&m, FAKE_PHYS_BASE, FAKE_PHYS_BASE + ARENA);
	if (frame_init(&m) != 0) {
		return -1;
	}
	frame_get_stats(&initial);
	return 0;
}

static int teardown(void **state)
{
	struct frame_stats st;

	frame_get_stats(&st);
	fake_mem_exit();
	if (st.free_frames != initial.free_frames) {
		print_error("leaked %llu frames\n",
			    (unsigned long long)(initial.free_frames - st.free_frames));
		return -1;
	}
	return 0;
}

static u64 used_frames(void)
{
	struct frame_stats st;

	frame_get_stats(&st);
	return st.used_frames;
}

/* Is [p, p + size) inside the fake arena? */
static void expect_in_arena(const void *p, size_t size)
{
	hpa_t pa = virt_to_phys(p);

	assert_true(pa + size <= FAKE_PHYS_BASE + ARENA);
}

static void blocks_are_16_byte_aligned(void **state)
{
	static void *p[2200];
	size_t size;

	for (size = 0; size < 2200; size++) {
		p[size] = kmalloc(size);
		assert_non_null(p[size]);
		assert_true(IS_ALIGNED((uintptr_t)p[size], 16));
	}
	for (size = 0; size < 2200; size++) {
		kfree(p[size]);
	}
}

/* Allocate n blocks of size, fill each with its own byte, check none overlap, free. */
static void fill_and_check(size_t size, unsigned int n)
{
	static unsigned char *p[1024];
	unsigned int i;
	size_t k;

	assert_true(n <= 1024);
	for (i = 0; i < n; i++) {
		p[i] = kmalloc(size);
		assert_non_null(p[i]);
		expect_in_arena(p[i], size);
		memset(p[i], (int)(i & 0xff), size);
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < size; k++) {
			assert_int_equal(p[i][k], i & 0xff);
		}
	}
	for (i = 0; i < n; i++) {
		kfree(p[i]);
	}
}

static void every_size_class_holds_its_full_size_without_overlap(void **state)
{
	size_t size;

	/* Enough objects to need several slabs of every class. */
	for (size = 16; size <= 2048; size *= 2) {
		fill_and_check(size, 600);
		fill_and_check(size - 1, 600);
		fill_and_check(size / 2 + 1, 600);
	}
}

static void small_classes_share_frames(void **state)
{
	void *p[64];
	unsigned int i;
	u64 before = used_frames();

	for (i = 0; i < 64; i++) {
		p[i] = kmalloc(32);
	}
	/* 64 objects of 32 bytes fit in one 4 KiB frame. */
	assert_int_equal(used_frames() - before, 1);
	for (i = 0; i < 64; i++) {
		kfree(p[i]);
	}
	assert_int_equal(used_frames(), before);
}

static void large_sizes_take_whole_frame_blocks(void **state)
{
	static const struct {
		size_t size;
		u64 frames;
	} cases[] = {
		{ 2049, 1 }, { 4080, 1 }, { 4081, 2 }, { 8192, 4 },
		{ MiB(1), 512 }, { MiB(3), 1024 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 before = used_frames();
		unsigned char *p = kmalloc(cases[i].size);

		assert_non_null(p);
		assert_true(IS_ALIGNED((uintptr_t)p, 16));
		expect_in_arena(p, cases[i].size);
		assert_int_equal(used_frames() - before, cases[i].frames);
		p[0] = 1;
		p[cases[i].size - 1] = 2;
		kfree(p);
		assert_int_equal(used_frames(), before);
	}
	fill_and_check(5000, 20);
	fill_and_check(70000, 10);
}

static void sizes_beyond_any_block_return_null(void **state)
{
	assert_null(kmalloc(SIZE_MAX));
	assert_null(kmalloc(SIZE_MAX - 8));
	assert_null(kmalloc(GiB(1)));
	/* Larger than the whole arena but not than a 1 GiB block. */
	assert_null(kmalloc(MiB(64)));
}

static void freed_blocks_are_reused(void **state)
{
	void *keep, *p, *q;

	keep = kmalloc(48);
	p = kmalloc(48);
	kfree(p);
	q = kmalloc(48);
	assert_ptr_equal(p, q);
	kfree(q);
	kfree(keep);
}

static void kzalloc_returns_zeroed_memory(void **state)
{
	unsigned char *keep, *p;
	unsigned int i;

	keep = kmalloc(200);
	p = kmalloc(200);
	memset(p, 0xff, 200);
	kfree(p);
	p = kzalloc(200);
	for (i = 0; i < 200; i++) {
		assert_int_equal(p[i], 0);
	}
	kfree(p);
	kfree(keep);

	p = kmalloc(10000);
	memset(p, 0xff, 10000);
	kfree(p);
	p = kzalloc(10000);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(p[i], 0);
	}
	kfree(p);
}

static void kcalloc_zeroes_and_returns_null_on_overflow(void **state)
{
	u32 *p;
	unsigned int i;

	assert_null(kcalloc(SIZE_MAX / 2, 3));
	assert_null(kcalloc(3, SIZE_MAX / 2));
	assert_null(kcalloc((size_t)1 << 33, (size_t)1 << 31));
	p = kcalloc(100, sizeof(*p));
	assert_non_null(p);
	for (i = 0; i < 100; i++) {
		assert_int_equal(p[i], 0);
	}
	kfree(p);
}

static void kfree_of_null_does_nothing(void **state)
{
	u64 before = used_frames();

	kfree(NULL);
	assert_int_equal(used_frames(), before);
}

/*
 * Does kfree(p) panic?  A function of its own: EXPECT_PANIC inline in a
 * test with many locals trips -Wclobbered on the macro's flag.
 */
static __attribute__((noinline)) bool kfree_panics(void *p)
{
	return EXPECT_PANIC(kfree(p));
}

static void double_kfree_panics_naming_the_address(void **state)
{
	char want[128];
	void *keep, *p, *q;

	keep = kmalloc(64);
	p = kmalloc(64);
	kfree(p);
	snprintf(want, sizeof(want), "kfree: double free of %p", p);
	assert_true(kfree_panics(p));
	assert_string_equal(fake_panic_msg, want);
	/* The slab is intact: the next allocation gets p once, then a new block. */
	assert_ptr_equal(kmalloc(64), p);
	q = kmalloc(64);
	assert_ptr_not_equal(q, p);
	kfree(q);
	kfree(p);
	kfree(keep);
}

static void double_kfree_of_a_large_block_panics_naming_the_address(void **state)
{
	char want[128];
	void *p;

	p = kmalloc(20000);
	kfree(p);
	snprintf(want, sizeof(want), "kfree: %p is not a live kmalloc block", p);
	assert_true(kfree_panics(p));
	assert_true(strncmp(fake_panic_msg, want, strlen(want)) == 0);
}

static void kfree_of_a_pointer_kmalloc_never_returned_panics(void **state)
{
	char want[128];
	char *keep, *frame, *big;
	unsigned int i;

	keep = kmalloc(64);
	frame = frame_zalloc(1);
	big = kmalloc(10000);

	/*
	 * Inside an object, the slab header, a frame kmalloc does not own, and
	 * inside a large block.  keep is the first object of a fresh slab.
	 */
	char *bad[] = { keep + 16, keep - 64, frame, frame + 16, frame + 4096 + 16, big + 16,
			big + 4096 };
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(want, sizeof(want), "kfree: %p is not a live kmalloc block", bad[i]);
		assert_true(kfree_panics(bad[i]));
		assert_true(strncmp(fake_panic_msg, want, strlen(want)) == 0);
	}
	kfree(big);
	frame_free(frame);
	kfree(keep);
}

static void exhausted_frames_make_kmalloc_return_null(void **state)
{
	void *frames = NULL, *objs = NULL, *p;
	unsigned int n = 0;

	/* Take every frame but one, chained through the frames themselves. */
	while ((p = frame_alloc(0))) {
		*(void **)p = frames;
		frames = p;
	}
	p = frames;
	frames = *(void **)p;
	frame_free(p);

	/* The last frame becomes a slab; then both paths run dry. */
	while ((p = kmalloc(128))) {
		*(void **)p = objs;
		objs = p;
		n++;
	}
	assert_int_equal(n, (4096 - 64) / 128);
	assert_null(kmalloc(16));
	assert_null(kmalloc(3000));
	assert_null(kzalloc(100000));
	assert_null(kcalloc(10, 10));

	while (objs) {
		p = objs;
		objs = *(void **)p;
		kfree(p);
	}
	while (frames) {
		p = frames;
		frames = *(void **)p;
		frame_free(p);
	}
	/* Memory is back: kmalloc works again. */
	p = kmalloc(3000);
	assert_non_null(p);
	kfree(p);
}

static void filling_memory_with_kmalloc_ends_in_null_and_frees_cleanly(void **state)
{
	void *objs = NULL, *p;
	u64 n = 0;

	while ((p = kmalloc(2048))) {
		*(void **)p = objs;
		objs = p;
		n++;
	}
	/* One 2048-byte object per frame (the slab header takes the rest). */
	assert_int_equal(n, initial.free_frames);
	while (objs) {
		p = objs;
		objs = *(void **)p;
		kfree(p);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(blocks_are_16_byte_aligned),
		T(every_size_class_holds_its_full_size_without_overlap),
		T(small_classes_share_frames),
		T(large_sizes_take_whole_frame_blocks),
		T(sizes_beyond_any_block_return_null),
		T(freed_blocks_are_reused),
		T(kzalloc_returns_zeroed_memory),
		T(kcalloc_zeroes_and_returns_null_on_overflow),
		T(kfree_of_null_does_nothing),
		T(double_kfree_panics_naming_the_address),
		T(double_kfree_of_a_large_block_panics_naming_the_address),
		T(kfree_of_a_pointer_kmalloc_never_returned_panics),
		T(exhausted_frames_make_kmalloc_return_null),
		T(filling_memory_with_kmalloc_ends_in_null_and_frees_cleanly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
