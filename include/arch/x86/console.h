/*
 * The x86 console (arch/x86/console.c): arch_console_write() goes to the
 * console UART and the framebuffer once each has started; until then it
 * is kept, in one buffer, and each gets it when it starts.
 */
#pragma once

#include "arch/x86/uart.h"
#include "boot/multiboot2.h"

/*
 * Make d the console UART (uart_init()), starting with what was printed
 * so far; source says why d ("(slotvisor.console=)", ...).
 */
void console_uart_start(const struct uart_desc *d, const char *source);

/*
 * Before power-off: the UART's transmitter emptied; if no UART was
 * chosen yet (a boot that stopped early), COM1 started with the kept output.
 */
void console_drain(void);

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
