/*
 * The split virtqueue's device side (devices/virtio_ring.c) over a fake
 * guest memory of 64 KiB at gpa 0: requests taken in order with their
 * buffers, used entries returned, and every malformed queue refused with
 * the queue broken and nothing outside the fake memory touched (ASan
 * watches); then many random descriptor tables, which must end in a
 * request or a broken queue, never a crash or a hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices/virtio_ring.h"
#include "lib/errno.h"
#include "fake_guest_mem.h"

#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define QSIZE 8

static struct virtq q;

static const struct virtq_mem m = { mem_read, mem_write, NULL };

static int setup(void **state)
{
	memset(mem, 0, sizeof(mem));
	assert_int_equal(virtq_init(&q, QSIZE, DESC, AVAIL, USED), 0);
	return 0;
}

static void desc(u16 i, u64 addr, u32 len, u16 flags, u16 next)
{
	struct virtq_desc d = { addr, len, flags, next };

	memcpy(mem + DESC + 16 * i, &d, sizeof(d));
}

/* The driver makes head available (2.7.13): the ring entry, then the index. */
static void make_available(u16 head)
{
	u16 idx;

	memcpy(&idx, mem + AVAIL + VIRTQ_AVAIL_IDX, 2);
	memcpy(mem + AVAIL + VIRTQ_AVAIL_RING + 2 * (idx % QSIZE), &head, 2);
	idx++;
	memcpy(mem + AVAIL + VIRTQ_AVAIL_IDX, &idx, 2);
}

static void sizes_must_be_powers_of_two(void **state)
{
	struct virtq t;

	assert_int_equal(virtq_init(&t, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(virtq_init(&t, 6, 0, 0, 0), -EINVAL);
	assert_int_equal(virtq_init(&t, 1, 0, 0, 0), 0);
	assert_int_equal(virtq_init(&t, VIRTQ_MAX_SIZE, 0, 0, 0), 0);
}

/* A virtio-blk-shaped request: header (read), data (write), status (write); then it is used. */
static void a_request_is_taken_and_returned(void **state)
{
	struct virtq_chain c;
	struct virtq_used_elem e;
	u16 used_idx;

	assert_int_equal(virtq_pop(&q, &m, &c), 0);		/* nothing yet */
	desc(3, 0x4000, 16, VIRTQ_DESC_F_NEXT, 5);
	desc(5, 0x5000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	desc(0, 0x6000, 1, VIRTQ_DESC_F_WRITE, 0);
	make_available(3);
	assert_int_equal(virtq_pop(&q, &m, &c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.nr, 3);
	assert_int_equal(c.bufs[0].gpa, 0x4000);
	assert_false(c.bufs[0].device_writes);
	assert_int_equal(c.bufs[1].len, 512);
	assert_true(c.bufs[1].device_writes);
	assert_true(c.bufs[2].device_writes);
	assert_int_equal(virtq_pop(&q, &m, &c), 0);		/* taken once */
	assert_int_equal(virtq_push(&q, &m, 3, 513), 0);
	memcpy(&e, mem + USED + VIRTQ_USED_RING, sizeof(e));
	memcpy(&used_idx, mem + USED + VIRTQ_USED_IDX, 2);
	assert_int_equal(e.id, 3);
	assert_int_equal(e.len, 513);
	assert_int_equal(used_idx, 1);
}

/* The indices wrap at 2^16 and the ring at its size. */
static void indices_wrap(void **state)
{
	struct virtq_chain c;
	u16 start = 0xfffe;

	q.last_avail = start;
	q.used_idx = start;
	memcpy(mem + AVAIL + VIRTQ_AVAIL_IDX, &start, 2);
	desc(1, 0x4000, 8, 0, 0);
	for (int i = 0; i < 4; i++) {
		make_available(1);
		assert_int_equal(virtq_pop(&q, &m, &c), 1);
		assert_int_equal(c.head, 1);
		assert_int_equal(virtq_push(&q, &m, 1, 0), 0);
	}
	assert_int_equal(q.last_avail, 2);
	assert_int_equal(q.used_idx, 2);
}

/* Each malformed queue breaks it with its reason; a broken queue stays broken. */
static void expect_broken(int want, const char *why)
{
	struct virtq_chain c;

	assert_int_equal(virtq_pop(&q, &m, &c), want);
	assert_true(q.broken);
	assert_string_equal(q.why, why);
	assert_int_equal(virtq_pop(&q, &m, &c), -EIO);
	assert_int_equal(virtq_push(&q, &m, 0, 0), -EIO);
}

static void a_loop_is_refused(void **state)
{
	desc(0, 0x4000, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(1, 0x4000, 8, VIRTQ_DESC_F_NEXT, 0);
	make_available(0);
	expect_broken(-ELOOP, "descriptor chain loops");
}

static void a_head_past_the_queue_is_refused(void **state)
{
	make_available(QSIZE);
	expect_broken(-EINVAL, "descriptor index past the queue");
}

static void a_next_past_the_queue_is_refused(void **state)
{
	desc(0, 0x4000, 8, VIRTQ_DESC_F_NEXT, 0xffff);
	make_available(0);
	expect_broken(-EINVAL, "descriptor index past the queue");
}

static void readable_after_writable_is_refused(void **state)
{
	desc(0, 0x4000, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc(1, 0x5000, 8, 0, 0);
	make_available(0);
	expect_broken(-EINVAL, "device-readable descriptor after a writable one");
}

static void indirect_and_wrapping_buffers_are_refused(void **state)
{
	desc(0, 0x4000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_available(0);
	expect_broken(-EINVAL, "indirect descriptor (not offered)");
	setup(state);
	desc(0, ~0ULL - 4, 16, 0, 0);
	make_available(0);
	expect_broken(-EINVAL, "buffer wraps the address space");
}

static void an_index_too_far_ahead_is_refused(void **state)
{
	u16 idx = QSIZE + 1;

	memcpy(mem + AVAIL + VIRTQ_AVAIL_IDX, &idx, 2);
	expect_broken(-EINVAL, "available index more than the queue size ahead");
}

/* Rings outside guest memory (a slot deleted under the queue): -EFAULT, broken. */
static void rings_outside_memory_are_refused(void **state)
{
	assert_int_equal(virtq_init(&q, QSIZE, DESC, MEM_SIZE - 2, USED), 0);
	expect_broken(-EFAULT, "available ring not in guest memory");
	assert_int_equal(virtq_init(&q, QSIZE, MEM_SIZE - 16, AVAIL, USED), 0);
	make_available(1);
	expect_broken(-EFAULT, "descriptor table not in guest memory");
	assert_int_equal(virtq_init(&q, QSIZE, DESC, AVAIL, MEM_SIZE), 0);
	assert_int_equal(virtq_push(&q, &m, 0, 0), -EFAULT);
	assert_true(q.broken);
	assert_string_equal(q.why, "used ring not in guest memory");
}

/* Random tables and rings: every pop ends in a request, nothing, or a broken queue; never more links than the queue. */
/* A device model breaks the queue for a rule of its own: same outcome, its reason. */
static void a_model_can_break_the_queue(void **state)
{
	desc(0, 0x4000, 8, 0, 0);
	make_available(0);
	virtq_mark_broken(&q, "virtio-blk request without a status byte");
	expect_broken(-EIO, "virtio-blk request without a status byte");
}

static void random_queues_never_crash(void **state)
{
	struct virtq_chain c;

	srand(1234);
	for (int round = 0; round < 20000; round++) {
		u16 size = 1u << (rand() % 5);
		int r;

		for (unsigned int i = 0; i < 0x40; i++)
			mem[DESC + rand() % 0x100] = rand();
		for (unsigned int i = 0; i < 4; i++)
			mem[AVAIL + rand() % 0x20] = rand();
		assert_int_equal(virtq_init(&q, size, DESC, AVAIL, USED), 0);
		q.last_avail = rand();
		for (int n = 0; n < 4; n++) {
			r = virtq_pop(&q, &m, &c);
			assert_true(r == 0 || r == 1 || (r < 0 && q.broken));
			if (r != 1)
				break;
			assert_true(c.nr >= 1 && c.nr <= size);
			assert_int_equal(virtq_push(&q, &m, c.head, 0), 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(sizes_must_be_powers_of_two, setup),
		cmocka_unit_test_setup(a_request_is_taken_and_returned, setup),
		cmocka_unit_test_setup(indices_wrap, setup),
		cmocka_unit_test_setup(a_loop_is_refused, setup),
		cmocka_unit_test_setup(a_head_past_the_queue_is_refused, setup),
		cmocka_unit_test_setup(a_next_past_the_queue_is_refused, setup),
		cmocka_unit_test_setup(readable_after_writable_is_refused, setup),
		cmocka_unit_test_setup(indirect_and_wrapping_buffers_are_refused, setup),
		cmocka_unit_test_setup(an_index_too_far_ahead_is_refused, setup),
		cmocka_unit_test_setup(rings_outside_memory_are_refused, setup),
		cmocka_unit_test_setup(a_model_can_break_the_queue, setup),
		cmocka_unit_test_setup(random_queues_never_crash, setup),
	};

	return cmocka_run_group_tests_name("virtio_ring", tests, NULL, NULL);
}
