/*
 * The arch console on x86: every byte goes to the console UART (COM1, or
 * the one the SPCR or slotvisor.console= chose: arch/x86/uart.c) and,
 * once arch_setup() has mapped the boot loader's framebuffer, to the
 * screen (arch/x86/fbcon.c).  What was printed before a sink started (the
 * UART is chosen once ACPI can be read, the screen once its framebuffer is
 * mapped) is kept here, in one buffer for both, and handed to each sink as
 * it starts, so that each shows the whole boot; once both have it (or the
 * screen was turned off) the buffer is no longer written.  Input is the UART's and, once keyboard_init() found an i8042,
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
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define EARLY_LOG_SIZE 16384	/* a boot prints about 2 KiB before both sinks start */
/* The CRT controller's cursor start register: bit 5 hides the text-mode cursor. */
#define VGA_CRTC_INDEX 0x3d4
#define VGA_CRTC_DATA 0x3d5
#define VGA_CRTC_CURSOR_START 0x0a
#define VGA_CURSOR_OFF 0x20
#define SCREEN_LOCK_SPINS 10000000

static struct fbcon screen;
static spinlock_t screen_lock;
static bool screen_off;		/* never a screen: slotvisor.screen=off, or no framebuffer */

/* The console output before both sinks started; the BSP alone writes it. */
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

/* A sink has not started yet, and it will want what is printed now. */
static bool early_wanted(void)
{
	return !uart_started() || (!screen.base && !screen_off);
}

static void screen_write(const char *s, size_t n)
{
	if (!screen.base || !screen_trylock())
		return;
	fbcon_write(&screen, s, n);
	spin_unlock(&screen_lock);
}

void arch_console_write(const char *s, size_t n)
{
	if (early_wanted())
		early_log_add(s, n);
	uart_write(s, n);
	screen_write(s, n);
}

void console_uart_start(const struct uart_desc *d, const char *source)
{
	uart_init(d, source, early_log, early_len);
	if (early_dropped)
		kprintf("console: %llu bytes of early output did not fit in memory and are lost\n",
			(unsigned long long)early_dropped);
}

void console_drain(void)
{
	uart_drain(early_log, early_len);
}

int arch_console_getc(void)
{
	int c = uart_getc();

	return c >= 0 ? c : keyboard_getc();
}

void console_screen_off(void)
{
	screen_off = true;
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
	screen_off = err != 0;
	spin_unlock(&screen_lock);
	return err;
}

void console_screen_size(unsigned int *cols, unsigned int *rows)
{
	*cols = screen.cols;
	*rows = screen.rows;
}
