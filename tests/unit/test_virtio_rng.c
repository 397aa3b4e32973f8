/*
 * virtio-rng (devices/virtio_rng.c) driven through the virtio-mmio window
 * as Linux's virtio_rng driver drives it, over a fake guest memory: the
 * identification, a request's writable buffers filled in order from the
 * fill callback and readable ones left alone, the 64 KiB bound on one
 * request, a write to an address outside guest memory ending the request
 * with what was written before it, a request with no writable space, the
 * queue wrapping many times, and a looping chain breaking the queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/virtio_rng.h"
#include "fake_virtio_driver.h"

static struct virtio_rng rng;
static u8 next_byte;	/* the fill callback's "entropy": 0, 1, 2, ... */

static void counter_fill(void *ctx, void *buf, u32 len)
{
	u8 *p = buf;

	for (u32 i = 0; i < len; i++)
		p[i] = next_byte++;
}

static int setup(void **state)
{
	next_byte = 0;
	virtio_rng_init(&rng, counter_fill, NULL);
	assert_true(drv_probe(&virtio_rng_ops, &rng, VIRTIO_F_VERSION_1, 8));
	return 0;
}

/* Bytes [gpa, gpa + len) hold the counter from first on. */
static void assert_counter(u64 gpa, u32 len, u8 first)
{
	for (u32 i = 0; i < len; i++)
		assert_int_equal(mem[gpa + i], (u8)(first + i));
}

static void identification(void **state)
{
	assert_int_equal(drv_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	assert_int_equal(drv_device_features(), VIRTIO_F_VERSION_1);
	assert_int_equal(drv_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_RNG_QUEUE_MAX);
	assert_int_equal(virtio_mmio_read(&dev, VIRTIO_MMIO_CONFIG, 4), 0);	/* no config space */
}

static void writable_buffers_are_filled(void **state)
{
	const struct drv_buf b[] = {
		{ DRV_DATA, 16, false }, { DRV_DATA + 0x100, 100, true }, { DRV_DATA + 0x400, 50, true },
	};

	memset(mem + DRV_DATA, 0xee, 16);
	assert_int_equal(drv_request(b, 3), 150);
	assert_counter(DRV_DATA + 0x100, 100, 0);
	assert_counter(DRV_DATA + 0x400, 50, 100);
	for (int i = 0; i < 16; i++)
		assert_int_equal(mem[DRV_DATA + i], 0xee);	/* device-readable: not written */
	assert_int_equal(mem[DRV_DATA + 0x100 + 100], 0);	/* nothing past the buffers */
	assert_int_equal(mem[DRV_DATA + 0x400 + 50], 0);
	assert_true(virtio_mmio_irq_level(&dev));
	assert_int_equal(rng.requests, 1);
	assert_int_equal(rng.bytes, 150);
}

static void a_request_takes_at_most_64k(void **state)
{
	const struct drv_buf b[] = { { DRV_DATA, 0x6000, true }, { DRV_DATA + 0x6000, 0x6000, true } };
	/* 72 KiB of writable space, both buffers over the same 36 KiB of memory. */
	const struct drv_buf big[] = { { DRV_DATA, 0x9000, true }, { DRV_DATA, 0x9000, true } };

	assert_int_equal(drv_request(b, 2), 0xc000);	/* under the bound: all of it */
	assert_int_equal(drv_request(big, 2), VIRTIO_RNG_MAX_PER_REQUEST);
	/* The second buffer got the last 0x7000 bytes, the rest is still the first's. */
	assert_counter(DRV_DATA, 0x7000, (u8)(0xc000 + 0x9000));
	assert_counter(DRV_DATA + 0x7000, 0x2000, (u8)(0xc000 + 0x7000));
	assert_int_equal(rng.bytes, 0xc000 + VIRTIO_RNG_MAX_PER_REQUEST);
}

/* The second buffer lies outside guest memory: the request ends with the first one's bytes. */
static void a_failed_write_ends_the_request(void **state)
{
	const struct drv_buf b[] = { { DRV_DATA, 300, true }, { MEM_SIZE + 0x1000, 64, true },
				     { DRV_DATA + 0x400, 64, true } };
	const struct drv_buf ok[] = { { DRV_DATA + 0x800, 8, true } };

	assert_int_equal(drv_request(b, 3), 300);
	assert_counter(DRV_DATA, 300, 0);
	assert_int_equal(mem[DRV_DATA + 0x400], 0);	/* nothing after the failure */
	assert_int_equal(rng.faults, 1);
	assert_false(drv_needs_reset());		/* the device goes on */
	assert_int_equal(drv_request(ok, 1), 8);
}

static void no_writable_space_gives_nothing(void **state)
{
	const struct drv_buf ro[] = { { DRV_DATA, 32, false } };
	const struct drv_buf empty[] = { { DRV_DATA + 0x100, 0, true } };

	assert_int_equal(drv_request(ro, 1), 0);
	assert_int_equal(drv_request(empty, 1), 0);
	assert_int_equal(rng.requests, 2);
	assert_int_equal(rng.bytes, 0);
	assert_int_equal(next_byte, 0);
}

static void the_queue_wraps(void **state)
{
	u8 first = 0;

	for (int i = 0; i < 1000; i++) {
		u32 len = 1 + i % 200;
		const struct drv_buf b[] = { { DRV_DATA + (i % 4) * 0x200, len, true } };

		assert_int_equal(drv_request(b, 1), len);
		assert_counter(b[0].gpa, len, first);
		first = (u8)(first + len);
	}
	assert_int_equal(rng.requests, 1000);
}

/* Two requests made available together, one notification: both returned. */
static void one_notification_takes_every_request(void **state)
{
	const struct drv_buf b1[] = { { DRV_DATA, 10, true } }, b2[] = { { DRV_DATA + 0x100, 20, true } };
	struct virtq_used_elem e;

	drv_add(b1, 1);
	drv_add(b2, 1);
	drv_notify();
	assert_true(drv_get_used(&e));
	assert_int_equal(e.len, 10);
	assert_true(drv_get_used(&e));
	assert_int_equal(e.len, 20);
	assert_false(drv_get_used(&e));
}

static void a_looping_chain_breaks_the_queue(void **state)
{
	struct virtq_desc d = { DRV_DATA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0 };
	const struct drv_buf b[] = { { DRV_DATA, 8, true } };

	drv_add(b, 1);
	memcpy(mem + DRV_DESC, &d, sizeof(d));		/* descriptor 0 points at itself */
	drv_notify();
	assert_true(drv_needs_reset());
	assert_int_equal(drv_rd(VIRTIO_MMIO_INTERRUPT_STATUS), VIRTIO_INT_CONFIG);
	assert_int_equal(drv_used_idx(), 0);
	assert_int_equal(next_byte, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(identification, setup),
		cmocka_unit_test_setup(writable_buffers_are_filled, setup),
		cmocka_unit_test_setup(a_request_takes_at_most_64k, setup),
		cmocka_unit_test_setup(a_failed_write_ends_the_request, setup),
		cmocka_unit_test_setup(no_writable_space_gives_nothing, setup),
		cmocka_unit_test_setup(the_queue_wraps, setup),
		cmocka_unit_test_setup(one_notification_takes_every_request, setup),
		cmocka_unit_test_setup(a_looping_chain_breaks_the_queue, setup),
	};

	return cmocka_run_group_tests_name("virtio_rng", tests, NULL, NULL);
}
