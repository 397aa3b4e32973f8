/* kvsnprintf against the C library's snprintf for the conversions we use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/printf.h"
#include "lib/errno.h"

#define SAME(...)                                                        \
	do {                                                             \
		char a[128], b[128];                                     \
		int na = ksnprintf(a, sizeof(a), __VA_ARGS__);           \
		int nb = snprintf(b, sizeof(b), __VA_ARGS__);            \
		assert_string_equal(a, b);                               \
		assert_int_equal(na, nb);                                \
	} while (0)

static void integers(void **state)
{
	SAME("%d %i %u", -42, 7, 4000000000u);
	SAME("%x %X %#x %#o %o", 0xabcdu, 0xabcdu, 0x1fu, 8u, 0u);
	SAME("%lx %llx %zu", 0xffff888000000000ul, 0x1234567890abcdefull, (size_t)99);
	SAME("%hhu %hd", 300, 70000);
	SAME("%016llx|%-6d|%6d|%+d|% d", 0xdeadull, 5, -5, 3, 3);
	SAME("%.3d|%5.3d|%.0d|%#.0x", 7, -7, 0, 0u);
	SAME("%d %lld", -2147483647 - 1, -9223372036854775807ll - 1);
	SAME("%*d|%-*d|%.*s", 4, 1, 4, 2, 2, "abc");
}

static void strings(void **state)
{
	SAME("[%s] [%10s] [%-10s] [%.2s] [%c]", "hi", "right", "left", "trunc", 'x');
	SAME("100%%");
	SAME("%p", (void *)0xffffffff80001000ul);
}

static void truncation(void **state)
{
	char buf[8];
	int n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");

	assert_int_equal(n, 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);
}

static void errno_names(void **state)
{
	assert_string_equal(errno_name(-EINVAL), "EINVAL");
	assert_string_equal(errno_name(-EEXIST), "EEXIST");
	assert_string_equal(errno_name(ENOMEM), "ENOMEM");
	assert_string_equal(errno_name(-9999), "E?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(integers),
		cmocka_unit_test(strings),
		cmocka_unit_test(truncation),
		cmocka_unit_test(errno_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
