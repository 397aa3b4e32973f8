/*
 * The arch console on x86: every byte goes to the console UART (COM1, or
 * the one the SPCR or slotvisor.console= chose: arch/x86/uart.c) and,
 * once arch_setup() has mapped the boot loader's framebuffer, to the
 * screen (arch/x86/fbcon.c).  What was printed before the screen came up
 * (the first boot lines) is kept and drawn first, so the screen shows the
 * whole boot.  Input is the UART's and, once keyboard_init() found an i8042,
 * the PS/2 keyboard's (arch/x86/i8042.c), merged byte by byte.
 *
 * kprintf() calls in under its console lock; the monitor's echo does not,
 * so the screen has a lock of its own.  Its wait is bounded: a CPU that
 * faulted while drawing, or one stopped in the middle of a line, costs
 * the screen its output, never the UART.
 */
#include "arch/console.h"
#include "arch/x86/console.h"
#include "arch/x86/fbcon.h"
#include "arch/x86/io.h"
#include "arch/x86/keyboard.h"
#include "arch/x86/uart.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define EARLY_LOG_SIZE 8192
/* The CRT controller's cursor start register: bit 5 hides the text-mode cursor. */
#define VGA_CRTC_INDEX 0x3d4
#define VGA_CRTC_DATA 0x3d5
#define VGA_CRTC_CURSOR_START 0x0a
#define VGA_CURSOR_OFF 0x20
#define SCREEN_LOCK_SPINS 10000000

static struct fbcon screen;
static spinlock_t screen_lock;
static bool screen_off;		/* never a screen: slotvisor.screen=off, or no framebuffer */

/* The console output before the screen was set up; the BSP alone writes it. */
static char early_log[EARLY_LOG_SIZE];
static size_t early_len;
static size_t early_dropped;

static bool screen_trylock(void)
{
	for (unsigned int i = 0; i < SCREEN_LOCK_SPINS; i++) {
		if (spin_trylock(&screen_lock))
			return true;
		__asm__ __volatile__("pause");
	}
	return false;
}

static void early_log_add(const char *s, size_t n)
{
	size_t room = EARLY_LOG_SIZE - early_len;
	size_t take = MIN(n, room);

	memcpy(early_log + early_len, s, take);
	early_len += take;
	early_dropped += n - take;
}

static void screen_write(const char *s, size_t n)
{
	if (!screen.base) {
		if (!screen_off)
			early_log_add(s, n);
		return;
	}
	if (!screen_trylock())
		return;
	fbcon_write(&screen, s, n);
	spin_unlock(&screen_lock);
}

void arch_console_write(const char *s, size_t n)
{
	uart_write(s, n);
	screen_write(s, n);
}

int arch_console_getc(void)
{
	int c = uart_getc();

	return c >= 0 ? c : keyboard_getc();
}

void console_screen_off(void)
{
	screen_off = true;
	early_len = 0;
}

int console_screen_start(const struct boot_framebuffer *fb, void *base)
{
	static const char dropped[] = "\n[... more boot lines on the serial console only]\n";
	int err;

	spin_lock(&screen_lock);
	err = fbcon_init(&screen, fb, base);
	if (!err && fb->type == MB2_FRAMEBUFFER_TYPE_EGA_TEXT) {
		/* The blinking cursor would sit where the BIOS left it, not after our text. */
		outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_START);
		outb(VGA_CRTC_DATA, VGA_CURSOR_OFF);
	}
	if (!err) {
		fbcon_write(&screen, early_log, early_len);
		if (early_dropped)
			fbcon_write(&screen, dropped, sizeof(dropped) - 1);
	}
	early_len = 0;
	screen_off = err != 0;
	spin_unlock(&screen_lock);
	return err;
}

void console_screen_size(unsigned int *cols, unsigned int *rows)
{
	*cols = screen.cols;
	*rows = screen.rows;
}
