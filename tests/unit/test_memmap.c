/* memmap: sorted, disjoint, non-adjacent physical ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "mm/memmap.h"

/* Check that map holds exactly the n ranges given as start, end pairs. */
static void expect_ranges(const struct memmap *map, unsigned int n, const hpa_t *pairs)
{
	unsigned int i;

	assert_int_equal(map->nr, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(map->r[i].start, pairs[2 * i]);
		assert_int_equal(map->r[i].end, pairs[2 * i + 1]);
	}
}

#define EXPECT_RANGES(map, ...)                                              \
	do {                                                                 \
		const hpa_t __p[] = { __VA_ARGS__ };                          \
		expect_ranges((map), sizeof(__p) / sizeof(__p[0]) / 2, __p); \
	} while (0)

static void add_keeps_ranges_sorted(void **state)
{
	struct memmap m = { 0 };

	assert_int_equal(memmap_add(&m, 0x5000, 0x6000), 0);
	assert_int_equal(memmap_add(&m, 0x1000, 0x2000), 0);
	assert_int_equal(memmap_add(&m, 0x9000, 0xa000), 0);
	assert_int_equal(memmap_add(&m, 0x3000, 0x4000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x9000, 0xa000);
}

static void add_merges_overlapping_ranges(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x1000, 0x2000);
	memmap_add(&m, 0x3000, 0x4000);
	memmap_add(&m, 0x5000, 0x6000);
	memmap_add(&m, 0x8000, 0x9000);
	/* Bridges the first three, overlapping the ends of both outer ones. */
	assert_int_equal(memmap_add(&m, 0x1800, 0x5800), 0);
	EXPECT_RANGES(&m, 0x1000, 0x6000, 0x8000, 0x9000);
	/* Contained in an existing range: nothing changes. */
	assert_int_equal(memmap_add(&m, 0x2000, 0x3000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x6000, 0x8000, 0x9000);
	/* Swallows everything. */
	assert_int_equal(memmap_add(&m, 0, 0x10000), 0);
	EXPECT_RANGES(&m, 0, 0x10000);
}

static void add_merges_adjacent_ranges(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x1000, 0x2000);
	memmap_add(&m, 0x3000, 0x4000);
	assert_int_equal(memmap_add(&m, 0x2000, 0x3000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x4000);
	assert_int_equal(memmap_add(&m, 0x4000, 0x5000), 0);
	assert_int_equal(memmap_add(&m, 0x0, 0x1000), 0);
	EXPECT_RANGES(&m, 0, 0x5000);
}

static void add_of_an_empty_range_changes_nothing(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x1000, 0x2000);
	assert_int_equal(memmap_add(&m, 0x8000, 0x8000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x2000);
}

static void add_rejects_a_reversed_range(void **state)
{
	struct memmap m = { 0 };

	assert_int_equal(memmap_add(&m, 0x2000, 0x1000), -EINVAL);
	assert_int_equal(m.nr, 0);
	assert_int_equal(memmap_remove(&m, 0x2000, 0x1000), -EINVAL);
}

/* Fill m with MEMMAP_MAX ranges [i * 0x2000, i * 0x2000 + 0x1000). */
static void fill(struct memmap *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < MEMMAP_MAX; i++) {
		assert_int_equal(memmap_add(m, i * 0x2000ULL, i * 0x2000ULL + 0x1000), 0);
	}
	assert_int_equal(m->nr, MEMMAP_MAX);
}

static void add_to_a_full_map_fails_with_enospc_unless_it_merges(void **state)
{
	struct memmap m, before;

	fill(&m);
	before = m;
	assert_int_equal(memmap_add(&m, 0x1000000, 0x1001000), -ENOSPC);
	assert_memory_equal(&m, &before, sizeof(m));
	/* Touching existing ranges needs no new entry. */
	assert_int_equal(memmap_add(&m, 0x1000, 0x2000), 0);
	assert_int_equal(m.nr, MEMMAP_MAX - 1);
	assert_int_equal(m.r[0].end, 0x3000);
}

static void remove_splits_a_range(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x1000, 0x9000);
	memmap_add(&m, 0x10000, 0x11000);
	assert_int_equal(memmap_remove(&m, 0x3000, 0x4000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x3000, 0x4000, 0x9000, 0x10000, 0x11000);
}

static void remove_trims_and_drops_ranges(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x1000, 0x3000);
	memmap_add(&m, 0x4000, 0x5000);
	memmap_add(&m, 0x6000, 0x7000);
	memmap_add(&m, 0x8000, 0xa000);
	/* Trims the end of the first, drops the two middle, trims the start of the last. */
	assert_int_equal(memmap_remove(&m, 0x2000, 0x9000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x2000, 0x9000, 0xa000);
	/* Removing what is not there changes nothing. */
	assert_int_equal(memmap_remove(&m, 0x3000, 0x8000), 0);
	EXPECT_RANGES(&m, 0x1000, 0x2000, 0x9000, 0xa000);
	/* Exactly one whole range. */
	assert_int_equal(memmap_remove(&m, 0x1000, 0x2000), 0);
	EXPECT_RANGES(&m, 0x9000, 0xa000);
}

static void remove_of_everything_empties_the_map(void **state)
{
	struct memmap m;

	fill(&m);
	assert_int_equal(memmap_remove(&m, 0, ~0ULL), 0);
	assert_int_equal(m.nr, 0);
	assert_int_equal(memmap_total(&m), 0);
}

static void remove_fails_with_enospc_when_a_split_does_not_fit(void **state)
{
	struct memmap m, before;

	fill(&m);
	before = m;
	assert_int_equal(memmap_remove(&m, 0x2400, 0x2800), -ENOSPC);
	assert_memory_equal(&m, &before, sizeof(m));
	/* A trim of a full map needs no new entry. */
	assert_int_equal(memmap_remove(&m, 0x2000, 0x2800), 0);
	assert_int_equal(m.r[1].start, 0x2800);
}

static void align_shrinks_ranges_inward_and_drops_empty_ones(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x800, 0x3800);		/* -> [0x1000, 0x3000) */
	memmap_add(&m, 0x4100, 0x4f00);		/* nothing aligned inside: dropped */
	memmap_add(&m, 0x6000, 0x8000);		/* already aligned */
	memmap_add(&m, 0x9001, 0xafff);		/* -> [0xa000, 0xa000): dropped */
	memmap_add(&m, 0xc000, 0xd001);		/* -> [0xc000, 0xd000) */
	memmap_align(&m, 0x1000);
	EXPECT_RANGES(&m, 0x1000, 0x3000, 0x6000, 0x8000, 0xc000, 0xd000);
}

static void align_near_the_top_of_the_address_space_does_not_wrap(void **state)
{
	struct memmap m = { 0 };

	memmap_add(&m, 0x1000, 0x2000);
	memmap_add(&m, ~0ULL - 0x800, ~0ULL);
	memmap_align(&m, 0x1000);
	EXPECT_RANGES(&m, 0x1000, 0x2000);
}

static void total_sums_every_range(void **state)
{
	struct memmap m = { 0 };

	assert_int_equal(memmap_total(&m), 0);
	memmap_add(&m, 0x1000, 0x3000);
	memmap_add(&m, 0x100000, 0x200000);
	memmap_add(&m, 0x2000, 0x5000);
	assert_int_equal(memmap_total(&m), 0x4000 + 0x100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_keeps_ranges_sorted),
		cmocka_unit_test(add_merges_overlapping_ranges),
		cmocka_unit_test(add_merges_adjacent_ranges),
		cmocka_unit_test(add_of_an_empty_range_changes_nothing),
		cmocka_unit_test(add_rejects_a_reversed_range),
		cmocka_unit_test(add_to_a_full_map_fails_with_enospc_unless_it_merges),
		cmocka_unit_test(remove_splits_a_range),
		cmocka_unit_test(remove_trims_and_drops_ranges),
		cmocka_unit_test(remove_of_everything_empties_the_map),
		cmocka_unit_test(remove_fails_with_enospc_when_a_split_does_not_fit),
		cmocka_unit_test(align_shrinks_ranges_inward_and_drops_empty_ones),
		cmocka_unit_test(align_near_the_top_of_the_address_space_does_not_wrap),
		cmocka_unit_test(total_sums_every_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
