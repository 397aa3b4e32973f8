/*
 * memslot_perf: the guest of KVM's memslot_perf_test.  The VMM (on the
 * BSP) changes the slots of a large area while this guest, on another CPU,
 * touches it; struct perf_sync (guests/lib/memslot_perf_abi.h) says what
 * to do and carries the sync points.  Every value it reads is checked: a
 * page the VMM unmapped reads 0, a page of the moving slot reads what this
 * guest wrote there (or MMIO while the slot is away), never anything else.
 */
#include "guest.h"
#include "memslot_perf_abi.h"

#define PAGE PERF_PAGE_SIZE
#define HALF_PAGE (PERF_PAGE_SIZE / 2)
#define PAGE_INDEX_MASK ((1ULL << PERF_SEQ_SHIFT) - 1)

static volatile struct perf_sync *const sync = (volatile struct perf_sync *)PERF_SYNC_GPA;

static inline volatile uint64_t *word(uint64_t gpa)
{
	return (volatile uint64_t *)gpa;
}

/* Wait for the VMM's sync point; false when it was the last one. */
static bool guest_perform_sync(void)
{
	bool go_on;

	while (!sync->sync_flag)
		__asm__ __volatile__("pause" ::: "memory");
	go_on = !sync->exit_flag;
	sync->sync_flag = 0;
	return go_on;
}

/* Write val's value for each page of [start, end); each was unmapped, so it reads 0 first. */
static void fault_in(uint64_t start, uint64_t end, uint64_t val)
{
	for (uint64_t p = start; p < end; p += PAGE) {
		GUEST_ASSERT(*word(p) == 0);
		*word(p) = perf_page_value(val, p);
	}
}

static void test_map(void)
{
	uint64_t start = sync->test_gpa, mid = start + sync->test_size / 2;

	do {
		fault_in(start, mid, PERF_VAL_1);
		if (!guest_perform_sync())
			break;
		fault_in(mid, start + sync->test_size, PERF_VAL_2);
		sync->rounds++;
	} while (guest_perform_sync());
}

/* One page per half and sync, so that the VMM's unmapping is what takes the time. */
static void test_unmap(void)
{
	uint64_t start = sync->test_gpa, mid = start + sync->unmap_size / 2;

	do {
		fault_in(start, start + PAGE, PERF_VAL_1);
		if (!guest_perform_sync())
			break;
		fault_in(mid, mid + PAGE, PERF_VAL_2);
		sync->rounds++;
	} while (guest_perform_sync());
}

/*
 * A read after our write of val to page: val; the MMIO answer (the slot
 * is away); or, when the write itself was an MMIO exit and the slot came
 * back before the read, an older value of ours for this page (or 0).
 */
static void check_move_read(uint64_t val, uint64_t seen)
{
	if (seen == val)
		return;
	if (seen == PERF_MMIO_READ_VALUE) {
		sync->mmio_reads++;
		return;
	}
	GUEST_ASSERT(sync->mmio_write_value == val);
	GUEST_ASSERT(seen < val &&
		     (seen == 0 || (seen & PAGE_INDEX_MASK) == (val & PAGE_INDEX_MASK)));
	sync->old_reads++;
}

static void test_move(void)
{
	uint64_t base = sync->move_gpa, pages = sync->move_size / PAGE;

	for (uint64_t round = 1; !sync->exit_flag; round++) {
		for (uint64_t i = 0; i < pages; i++) {
			uint64_t val = round << PERF_SEQ_SHIFT | i;

			*word(base + i * PAGE) = val;
			check_move_read(val, *word(base + i * PAGE));
		}
		sync->rounds = round;
	}
}

/* KVM's RW test: we write VAL_1 at each page's start, the VMM VAL_2 at its middle. */
static void test_rw(void)
{
	uint64_t start = sync->test_gpa, end = start + sync->test_size;

	do {
		for (uint64_t p = start; p < end; p += PAGE)
			*word(p) = perf_page_value(PERF_VAL_1, p);
		if (!guest_perform_sync())
			break;
		for (uint64_t p = start; p < end; p += PAGE) {
			GUEST_ASSERT(*word(p + HALF_PAGE) == perf_page_value(PERF_VAL_2, p));
			*word(p + HALF_PAGE) = 0;
		}
		sync->rounds++;
	} while (guest_perform_sync());
}

void guest_main(void)
{
	switch (sync->mode) {
	case PERF_GUEST_MAP:
		test_map();
		break;
	case PERF_GUEST_UNMAP:
		test_unmap();
		break;
	case PERF_GUEST_MOVE:
		test_move();
		break;
	case PERF_GUEST_RW:
		test_rw();
		break;
	default:
		GUEST_ASSERT(!"unknown mode");
	}
}
