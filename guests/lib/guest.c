/* Console output and ucalls for 64-bit test guests. */
#include <stdarg.h>

#include "guest.h"

static struct ucall uc;	/* in guest memory; identity-mapped, so its address is its gpa */

void guest_putc(char c)
{
	outb(GUEST_COM1, (uint8_t)c);
}

void guest_puts(const char *s)
{
	while (*s)
		guest_putc(*s++);
}

static void put_num(uint64_t v, unsigned int base, bool neg)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		guest_putc('-');
	while (n)
		guest_putc(buf[--n]);
}

void guest_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int longs = 0;

		if (*fmt != '%') {
			guest_putc(*fmt);
			continue;
		}
		while (*++fmt == 'l')
			longs++;
		switch (*fmt) {
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0);
			break;
		}
		case 'u':
			put_num(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 10, false);
			break;
		case 'x':
			put_num(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned int), 16, false);
			break;
		case 's':
			guest_puts(va_arg(ap, const char *));
			break;
		case 'c':
			guest_putc((char)va_arg(ap, int));
			break;
		default:
			guest_putc(*fmt);
			break;
		}
	}
	va_end(ap);
}

void ucall(uint64_t cmd, uint64_t arg0, uint64_t arg1, const char *text)
{
	unsigned int i = 0;

	uc.cmd = cmd;
	uc.args[0] = arg0;
	uc.args[1] = arg1;
	if (text) {
		for (; text[i] && i < UCALL_BUFFER_LEN - 1; i++)
			uc.buffer[i] = text[i];
	}
	uc.buffer[i] = '\0';
	__asm__ __volatile__("outl %%eax, %w1" : : "a"(0), "Nd"(UCALL_PORT), "D"(&uc) : "memory");
}

void guest_abort(const char *file, int line, const char *expr)
{
	char msg[UCALL_BUFFER_LEN];
	unsigned int n = 0;
	const char *parts[] = { file, ":", NULL, ": ", expr };
	char num[12];
	int k = 0;

	do {
		num[k++] = '0' + line % 10;
		line /= 10;
	} while (line && k < 11);
	for (int i = 0; i < 5; i++) {
		if (i == 2) {
			while (k && n < sizeof(msg) - 1)
				msg[n++] = num[--k];
			continue;
		}
		for (const char *p = parts[i]; *p && n < sizeof(msg) - 1; p++)
			msg[n++] = *p;
	}
	msg[n] = '\0';
	for (;;)
		ucall(UCALL_ABORT, 0, 0, msg);
}

#define PIC_ICW1_INIT_ICW4 0x11	/* ICW1: edge, cascade, ICW4 follows */
#define PIC_ICW3_SLAVE_ON_IRQ2 (1 << 2)
#define PIC_ICW3_SLAVE_ID 2
#define PIC_ICW4_8086 0x01

void guest_pic_init(uint8_t master_mask)
{
	outb(PIC1_CMD, PIC_ICW1_INIT_ICW4);
	outb(PIC1_DATA, GUEST_IRQ_BASE);
	outb(PIC1_DATA, PIC_ICW3_SLAVE_ON_IRQ2);
	outb(PIC1_DATA, PIC_ICW4_8086);
	outb(PIC2_CMD, PIC_ICW1_INIT_ICW4);
	outb(PIC2_DATA, GUEST_IRQ_BASE + 8);
	outb(PIC2_DATA, PIC_ICW3_SLAVE_ID);
	outb(PIC2_DATA, PIC_ICW4_8086);
	outb(PIC1_DATA, master_mask);
	outb(PIC2_DATA, 0xff);
}
