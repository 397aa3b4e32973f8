/* keyboard_decode(): scan code set 1 to the bytes a serial terminal sends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/keyboard.h"

/* Feed the scan codes; return the bytes they typed. */
static const char *typed(const u8 *codes, size_t n)
{
	static char out[64];
	struct keyboard_state k = { 0 };
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int c = keyboard_decode(&k, codes[i]);

		if (c >= 0) {
			assert_true(len + 1 < sizeof(out));
			out[len++] = (char)c;
		}
	}
	out[len] = '\0';
	return out;
}

#define TYPED(...) typed((const u8[]){ __VA_ARGS__ }, sizeof((const u8[]){ __VA_ARGS__ }))

static void letters_digits_punctuation(void **state)
{
	/* h i , space 1 - = / ; ' ` \ [ ] . Tab Enter Backspace Esc, each pressed and released */
	assert_string_equal(TYPED(0x23, 0xa3, 0x17, 0x97, 0x33, 0xb3, 0x39, 0xb9, 0x02, 0x82,
				  0x0c, 0x8c, 0x0d, 0x8d, 0x35, 0xb5, 0x27, 0xa7, 0x28, 0xa8,
				  0x29, 0xa9, 0x2b, 0xab, 0x1a, 0x9a, 0x1b, 0x9b, 0x34, 0xb4,
				  0x0f, 0x8f, 0x1c, 0x9c, 0x0e, 0x8e, 0x01, 0x81),
			    "hi, 1-=/;'`\\[].\t\r\x7f\x1b");
}

static void shift_keys(void **state)
{
	/* Left Shift held over h 1 /, released, then i; right Shift over ; 0 ' */
	assert_string_equal(TYPED(0x2a, 0x23, 0xa3, 0x02, 0x82, 0x35, 0xb5, 0xaa, 0x17, 0x97,
				  0x36, 0x27, 0x0b, 0x28, 0xb6, 0x0b),
			    "H!?i:)\"0");
	/* Both held: releasing one keeps the other. */
	assert_string_equal(TYPED(0x2a, 0x36, 0xaa, 0x1e, 0xb6, 0x1e), "Aa");
	/* The fake shifts e0 2a / e0 aa around extended keys change nothing. */
	assert_string_equal(TYPED(0xe0, 0x2a, 0x1e, 0xe0, 0xaa), "a");
}

static void ctrl_keys(void **state)
{
	/* Left Ctrl + a, right Ctrl (e0 1d) + C, Ctrl + 1 types '1', released: a */
	assert_string_equal(TYPED(0x1d, 0x1e, 0x9e, 0x9d, 0xe0, 0x1d, 0x2a, 0x2e, 0xaa, 0x02,
				  0xe0, 0x9d, 0x1e),
			    "\x01\x03" "1a");
}

static void extended_and_unmapped(void **state)
{
	/* Keypad Enter and '/', arrows, F1, keypad 7, Caps Lock, releases alone */
	assert_string_equal(TYPED(0xe0, 0x1c, 0xe0, 0x35, 0xe0, 0x48, 0xe0, 0xc8, 0x3b, 0x47,
				  0x3a, 0x9e, 0x1e),
			    "\r/a");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(letters_digits_punctuation),
		cmocka_unit_test(shift_keys),
		cmocka_unit_test(ctrl_keys),
		cmocka_unit_test(extended_and_unmapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
