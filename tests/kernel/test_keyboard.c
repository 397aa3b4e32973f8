/*
 * console.keyboard: bytes typed on the PS/2 keyboard reach the console.
 * Runs only with slotvisor.test_keyboard on the command line, where the
 * boot case qemu_keyboard types KEYBOARD_TEST_KEYS through QEMU's
 * sendkey once this test asks for them; any other run SKIPs it.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/keyboard.h"
#include "arch/x86/setup.h"
#include "ktest.h"
#include "lib/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"

#define KEYBOARD_TEST_WAIT_MS 30000ULL
#define ASCII_CR 0x0d
#define ASCII_DEL 0x7f
/*
 * What tests/boot-cases.sh's qemu_keyboard types: Ctrl-A, then
 * "Hi, VT-x: okk", Backspace, "?" and Enter, with both Shift keys.
 */
#define KEYBOARD_TEST_WANT "\x01Hi, VT-x: ok?"

KTEST(test_console_keyboard, "console.keyboard")
{
	char line[64];
	size_t len = 0;
	u64 start = rdtsc(), limit = (tsc_khz ? tsc_khz : 1000000) * KEYBOARD_TEST_WAIT_MS;
	int c = -1;

	if (!cmdline_has(boot_info.cmdline, "slotvisor.test_keyboard")) {
		ktest_skip(t, "needs someone to type (boot case qemu_keyboard: slotvisor.test_keyboard)");
		return;
	}
	kprintf("console.keyboard: type the keys now\n");
	while (rdtsc() - start < limit) {
		c = keyboard_getc();
		if (c < 0)
			continue;
		if (c == ASCII_CR)
			break;
		if (c == ASCII_DEL) {
			len -= len ? 1 : 0;
			continue;
		}
		KT_ASSERT(t, len + 1 < sizeof(line), "expected at most %zu bytes, saw more",
			  sizeof(line) - 1);
		line[len++] = (char)c;
	}
	line[len] = '\0';
	KT_ASSERT(t, c == ASCII_CR, "expected Enter within %llu s, saw %zu bytes before the time ran out",
		  KEYBOARD_TEST_WAIT_MS / 1000, len);
	KT_ASSERT(t, !strcmp(line, KEYBOARD_TEST_WANT),
		  "expected the bytes typed to be \"\\x01Hi, VT-x: ok?\", saw %zu bytes starting 0x%02x",
		  len, len ? (u8)line[0] : 0);
	kprintf("console.keyboard: read \"%s\" after Ctrl-A\n", line + 1);
}
