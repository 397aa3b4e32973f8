/* pc-testdev (devices/pc_testdev.c): QEMU's data, flush-page and IORAM semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "devices/pc_testdev.h"

static struct pc_testdev *dev(void)
{
	struct pc_testdev *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	return d;
}

static u32 in(struct pc_testdev *d, u16 port, u8 size)
{
	u32 v = 0xdeadbeef;
	u64 flush;

	assert_true(pc_testdev_pio(d, port, false, size, &v, &flush));
	assert_true(flush == PC_TESTDEV_NO_FLUSH);
	return v;
}

static void out(struct pc_testdev *d, u16 port, u8 size, u32 v)
{
	u64 flush;

	assert_true(pc_testdev_pio(d, port, true, size, &v, &flush));
	assert_true(flush == PC_TESTDEV_NO_FLUSH);
}

/* The `emulator` and `realmode` tests: out then in at 8, 16 and 32 bits. */
static void the_data_port_keeps_each_width(void **state)
{
	struct pc_testdev *d = dev();

	out(d, 0xe0, 4, 0x12345678);
	assert_int_equal(in(d, 0xe0, 4), 0x12345678);
	out(d, 0xe0, 1, 0xab);
	assert_int_equal(in(d, 0xe0, 4), 0x123456ab);
	out(d, 0xe0, 2, 0x9999);
	assert_int_equal(in(d, 0xe0, 2), 0x9999);
	assert_int_equal(in(d, 0xe0, 4), 0x12349999);
	free(d);
}

/* A narrower access at an offset reaches those bytes only, shifted down on a read. */
static void offsets_reach_their_bytes(void **state)
{
	struct pc_testdev *d = dev();

	out(d, 0xe0, 4, 0);
	out(d, 0xe2, 1, 0x5a);
	assert_int_equal(in(d, 0xe0, 4), 0x005a0000);
	assert_int_equal(in(d, 0xe2, 2), 0x005a);
	out(d, 0xe1, 2, 0xbeef);
	assert_int_equal(in(d, 0xe0, 4), 0x00beef00);
	free(d);
}

/* 0xe8-0xeb is the same register taken a byte at a time. */
static void the_byte_port_is_the_same_register(void **state)
{
	struct pc_testdev *d = dev();

	out(d, 0xe8, 4, 0xcafef00d);
	assert_int_equal(in(d, 0xe0, 4), 0xcafef00d);
	assert_int_equal(in(d, 0xeb, 1), 0xca);
	free(d);
}

/* An access that runs past the register, or of an odd size, is not the device's. */
static void accesses_past_the_register_are_refused(void **state)
{
	struct pc_testdev *d = dev();
	u32 v = 1;
	u64 flush;

	assert_false(pc_testdev_pio(d, 0xe2, true, 4, &v, &flush));
	assert_false(pc_testdev_pio(d, 0xe3, false, 2, &v, &flush));
	assert_false(pc_testdev_pio(d, 0xe0, true, 3, &v, &flush));
	assert_false(pc_testdev_pio(d, 0xdf, true, 1, &v, &flush));
	assert_false(pc_testdev_pio(d, 0xec, true, 1, &v, &flush));
	assert_int_equal(in(d, 0xe0, 4), 0);
	free(d);
}

/* The flush port takes a 32-bit page address and hands the page to the caller. */
static void the_flush_port_names_the_page(void **state)
{
	struct pc_testdev *d = dev();
	u32 v = 0x00345678;
	u64 flush = 0;

	assert_true(pc_testdev_pio(d, 0xe4, true, 4, &v, &flush));
	assert_true(flush == 0x345000);
	assert_false(pc_testdev_pio(d, 0xe4, true, 1, &v, &flush));
	assert_true(flush == PC_TESTDEV_NO_FLUSH);
	assert_true(pc_testdev_pio(d, 0xe4, false, 4, &v, &flush));
	assert_true(v == ~0u && flush == PC_TESTDEV_NO_FLUSH);
	free(d);
}

/* IORAM: what is written reads back, at each size, little-endian, within its 64 KiB. */
static void ioram_reads_back_what_was_written(void **state)
{
	struct pc_testdev *d = dev();
	u64 v = 0x1122334455667788ULL, r;

	assert_true(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + 0x100, 8, true, &v));
	assert_true(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + 0x100, 8, false, &r));
	assert_true(r == v);
	assert_true(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + 0x101, 2, false, &r));
	assert_true(r == 0x6677);
	v = 0xaa;
	assert_true(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + 0x107, 1, true, &v));
	assert_true(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + 0x104, 4, false, &r));
	assert_true(r == 0xaa223344);
	assert_true(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + PC_TESTDEV_IOMEM_SIZE - 8, 8,
				    false, &r));
	free(d);
}

static void ioram_refuses_what_is_not_inside(void **state)
{
	struct pc_testdev *d = dev();
	u64 v = 0;

	assert_false(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE - 1, 1, false, &v));
	assert_false(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + PC_TESTDEV_IOMEM_SIZE, 1, true, &v));
	assert_false(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE + PC_TESTDEV_IOMEM_SIZE - 4, 8,
				     true, &v));
	assert_false(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE, 0, true, &v));
	assert_false(pc_testdev_mmio(d, PC_TESTDEV_IOMEM_BASE, 16, true, &v));
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_data_port_keeps_each_width),
		cmocka_unit_test(offsets_reach_their_bytes),
		cmocka_unit_test(the_byte_port_is_the_same_register),
		cmocka_unit_test(accesses_past_the_register_are_refused),
		cmocka_unit_test(the_flush_port_names_the_page),
		cmocka_unit_test(ioram_reads_back_what_was_written),
		cmocka_unit_test(ioram_refuses_what_is_not_inside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
