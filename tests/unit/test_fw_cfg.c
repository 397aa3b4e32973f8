/*
 * fw_cfg's port I/O (devices/fw_cfg.c): the items kvm-unit-tests reads,
 * byte by byte after a 16-bit selector write, and the edges: past an
 * item's end, unknown keys, reselecting, writes to the data port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "devices/fw_cfg.h"

static struct fw_cfg f;

static int setup(void **state)
{
	fw_cfg_init(&f, 256ULL << 20, 3);
	return 0;
}

static void select_key(u16 key)
{
	u32 data = key;

	assert_true(fw_cfg_io(&f, FW_CFG_PORT_SEL, true, 2, &data));
}

/* kvm-unit-tests' fwcfg_get_u(): select, then that many byte reads, little-endian. */
static u64 read_le(unsigned int bytes)
{
	u64 r = 0;

	for (unsigned int i = 0; i < bytes; i++) {
		u32 b = 0xdeadbeef;

		assert_true(fw_cfg_io(&f, FW_CFG_PORT_DATA, false, 1, &b));
		assert_true(b <= 0xff);
		r |= (u64)b << (8 * i);
	}
	return r;
}

static void the_items_kvm_unit_tests_reads(void **state)
{
	select_key(FW_CFG_SIGNATURE);
	assert_int_equal(read_le(4), 'Q' | 'E' << 8 | 'M' << 16 | (u64)'U' << 24);
	select_key(FW_CFG_ID);
	assert_int_equal(read_le(4), FW_CFG_ID_TRADITIONAL);	/* no DMA */
	select_key(FW_CFG_NB_CPUS);
	assert_int_equal(read_le(2), 3);
	select_key(FW_CFG_MAX_CPUS);
	assert_int_equal(read_le(2), 3);
	select_key(FW_CFG_RAM_SIZE);
	assert_int_equal(read_le(8), 256ULL << 20);
}

static void past_the_end_and_unknown_keys_read_zero(void **state)
{
	select_key(FW_CFG_NB_CPUS);
	assert_int_equal(read_le(2), 3);
	assert_int_equal(read_le(4), 0);		/* past its 2 bytes */
	select_key(0x11);				/* kvm-unit-tests' MAX_RAM: no item */
	assert_int_equal(read_le(8), 0);
	select_key(0xffff);
	assert_int_equal(read_le(2), 0);
	select_key(FW_CFG_NB_CPUS);			/* reselecting starts over */
	assert_int_equal(read_le(1), 3);
	select_key(FW_CFG_NB_CPUS);
	assert_int_equal(read_le(2), 3);
}

static void writes_and_other_ports(void **state)
{
	u32 data = 0x55;

	select_key(FW_CFG_NB_CPUS);
	assert_true(fw_cfg_io(&f, FW_CFG_PORT_DATA, true, 1, &data));	/* ignored */
	assert_int_equal(read_le(2), 3);
	assert_false(fw_cfg_io(&f, 0x512, false, 1, &data));
	assert_false(fw_cfg_io(&f, 0x50f, true, 1, &data));
	data = 0;
	assert_true(fw_cfg_io(&f, FW_CFG_PORT_SEL, false, 2, &data));
	assert_int_equal(data, 0);
	/* A 16-bit read of the data port takes two bytes in order. */
	select_key(FW_CFG_SIGNATURE);
	assert_true(fw_cfg_io(&f, FW_CFG_PORT_DATA, false, 2, &data));
	assert_int_equal(data, 'Q' | 'E' << 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(the_items_kvm_unit_tests_reads, setup),
		cmocka_unit_test_setup(past_the_end_and_unknown_keys_read_zero, setup),
		cmocka_unit_test_setup(writes_and_other_ports, setup),
	};

	return cmocka_run_group_tests_name("fw_cfg", tests, NULL, NULL);
}
