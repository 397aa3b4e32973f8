/*
 * The console's slice rule (console/console_slice.c): polled, 1 ms;
 * with the receive interrupt, 10 ms, but 1 ms again for 100 ms after a
 * byte; in ticks of the measured TSC rate, Bochs' 100 MHz when unmeasured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "console/console.h"

#define KHZ_3GHZ 3000000ULL
#define KHZ_BOCHS 100000ULL

static void polled(void **state)
{
	struct console_input_state in = { .irq = false };

	assert_int_equal(console_slice_ticks(&in, 0, KHZ_3GHZ), 3000000);
	assert_int_equal(console_slice_ticks(&in, 0, 0), 100000);
	in.had_input = true;	/* input changes nothing while polled */
	assert_int_equal(console_slice_ticks(&in, 1ULL << 40, KHZ_BOCHS), 100000);
}

static void irq_idle(void **state)
{
	struct console_input_state in = { .irq = true };

	assert_int_equal(console_slice_ticks(&in, 0, KHZ_3GHZ), 30000000);
	assert_int_equal(console_slice_ticks(&in, 0, 0), 1000000);
	assert_int_equal(console_slice_ticks(&in, 5, KHZ_BOCHS), 1000000);
}

/* After a byte: 1 ms slices for 100 ms (10,000,000 ticks at 100 MHz), then 10 ms again. */
static void irq_burst(void **state)
{
	u64 t = 5000000000ULL;
	struct console_input_state in = { .irq = true, .had_input = true, .last_input = t };

	assert_int_equal(console_slice_ticks(&in, t, KHZ_BOCHS), 100000);
	assert_int_equal(console_slice_ticks(&in, t + 9999999, KHZ_BOCHS), 100000);
	assert_int_equal(console_slice_ticks(&in, t + 10000000, KHZ_BOCHS), 1000000);
	assert_int_equal(console_slice_ticks(&in, t + 299999999, KHZ_3GHZ), 3000000);
	assert_int_equal(console_slice_ticks(&in, t + 300000000, KHZ_3GHZ), 30000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(polled),
		cmocka_unit_test(irq_idle),
		cmocka_unit_test(irq_burst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
