/*
 * The x86 console's screen half (arch/x86/console.c): arch_console_write()
 * goes to COM1 and, once started, to the framebuffer.
 */
#pragma once

#include "boot/multiboot2.h"

/* No screen this boot: stop keeping the early output for it. */
void console_screen_off(void);

/*
 * Draw from now on on fb, mapped at base, starting with what was printed
 * so far; 0, or fbcon_init()'s error (the console then stays serial).
 * On the BSP during arch_setup(), before the other CPUs start.
 */
int console_screen_start(const struct boot_framebuffer *fb, void *base);

/* The screen's text grid, 0x0 if there is no screen. */
void console_screen_size(unsigned int *cols, unsigned int *rows);
