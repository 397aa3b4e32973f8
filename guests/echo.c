/*
 * echo: the guest of the interactive console (slotvisor.console=1).  It
 * reads its COM1 by polling (LSR.DR, then RBR) and writes every byte back,
 * a CR as CR LF, so that what is typed shows up on the console.  After
 * line n it writes n to page n % 16 of the dirty-logged slot at LOG_GPA
 * (console/console.c), so the monitor's `slot dirty 3` has something to show.
 * It never ends: the console's `quit` powers the machine off.
 */
#include "guest.h"

#define UART_RBR 0
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define CR '\r'
#define LOG_GPA 0x3000000ULL
#define LOG_PAGES 16
#define PAGE 4096
#define LF '\n'

static int com1_getc(void)
{
	while (!(inb(GUEST_COM1 + UART_LSR) & UART_LSR_DR))
		;
	return inb(GUEST_COM1 + UART_RBR);
}

void guest_main(void)
{
	volatile uint64_t *log = (volatile uint64_t *)LOG_GPA;
	uint64_t lines = 0;

	guest_puts("echo: ready; type a line (Ctrl-A c: the slotvisor monitor)\n");
	for (;;) {
		char c = (char)com1_getc();

		/* Write before echoing: once the line is seen, its page is dirty. */
		if (c == CR) {
			lines++;
			log[(lines % LOG_PAGES) * PAGE / sizeof(*log)] = lines;
		}
		guest_putc(c);
		if (c == CR)
			guest_putc(LF);
	}
}
