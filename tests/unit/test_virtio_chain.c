/*
 * A request's buffers as byte streams (devices/virtio_chain.c): reads and
 * writes at any offset across buffer boundaries, each direction on its
 * own, a range past the stream's end refused (-EINVAL), and an accessor's
 * error passed on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/virtio_chain.h"
#include "lib/errno.h"
#include "fake_guest_mem.h"

static const struct virtq_mem m = { mem_read, mem_write, NULL };

/* Readable 0x100+3, 0x200+5, 0x300+0; writable 0x400+2, 0x500+7. */
static const struct virtq_chain c = {
	.head = 0, .nr = 5, .bufs = {
		{ 0x100, 3, false }, { 0x200, 5, false }, { 0x300, 0, false },
		{ 0x400, 2, true }, { 0x500, 7, true },
	},
};

static int setup(void **state)
{
	memset(mem, 0, sizeof(mem));
	memcpy(mem + 0x100, "abc", 3);
	memcpy(mem + 0x200, "defgh", 5);
	return 0;
}

static void lengths(void **state)
{
	assert_int_equal(virtio_chain_len(&c, false), 8);
	assert_int_equal(virtio_chain_len(&c, true), 9);
}

static void reads_cross_buffers(void **state)
{
	char buf[9] = { 0 };

	assert_int_equal(virtio_chain_read(&c, &m, 0, buf, 8), 0);
	assert_string_equal(buf, "abcdefgh");
	memset(buf, 0, sizeof(buf));
	assert_int_equal(virtio_chain_read(&c, &m, 2, buf, 3), 0);
	assert_string_equal(buf, "cde");
	assert_int_equal(virtio_chain_read(&c, &m, 8, buf, 0), 0);
	assert_int_equal(virtio_chain_read(&c, &m, 6, buf, 3), -EINVAL);	/* past the end */
	assert_int_equal(virtio_chain_read(&c, &m, ~0ULL, buf, 2), -EINVAL);	/* no wrap */
}

static void writes_cross_buffers(void **state)
{
	assert_int_equal(virtio_chain_write(&c, &m, 1, "XYZW", 4), 0);
	assert_memory_equal(mem + 0x400, "\0X", 2);
	assert_memory_equal(mem + 0x500, "YZW", 3);
	assert_int_equal(mem[0x503], 0);
	assert_int_equal(virtio_chain_write(&c, &m, 8, "!", 1), 0);	/* the last byte */
	assert_int_equal(mem[0x506], '!');
	assert_int_equal(virtio_chain_write(&c, &m, 8, "!!", 2), -EINVAL);
	assert_memory_equal(mem + 0x100, "abc", 3);			/* readable side untouched */
}

static void accessor_errors_are_passed_on(void **state)
{
	const struct virtq_chain out = { .nr = 2, .bufs = { { 0x100, 3, false }, { MEM_SIZE, 4, false } } };
	char buf[8];

	assert_int_equal(virtio_chain_read(&out, &m, 0, buf, 3), 0);
	assert_int_equal(virtio_chain_read(&out, &m, 1, buf, 4), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(lengths, setup),
		cmocka_unit_test_setup(reads_cross_buffers, setup),
		cmocka_unit_test_setup(writes_cross_buffers, setup),
		cmocka_unit_test_setup(accessor_errors_are_passed_on, setup),
	};

	return cmocka_run_group_tests_name("virtio_chain", tests, NULL, NULL);
}
