/*
 * Which UART is the console: slotvisor.console= on the command line, else
 * the ACPI SPCR table (acpi_spcr.c), else COM1.  Servers put their
 * serial-over-LAN on COM2 (0x2f8) as often as not, and say so in the SPCR;
 * a machine whose SPCR is missing or wrong is set right by hand.  No
 * hardware is touched here (tests/unit/test_spcr.c); uart.c programs the
 * choice.
 */
#include "arch/acpi.h"
#include "arch/x86/uart.h"
#include "compiler.h"
#include "lib/cmdline.h"
#include "lib/errno.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "lib/string.h"

#define CONSOLE_KEY		"slotvisor.console"
#define CONSOLE_INTERACTIVE	"1"	/* slotvisor.console=1: the interactive console (main.c) */
#define CONSOLE_VALUE_MAX	64
#define TTYS_PREFIX		"ttyS"
#define MMIO_PREFIX		"mmio,"
#define IO_PORT_LIMIT		0x10000
#define PHYS_ADDR_LIMIT		BIT(52)	/* MAXPHYADDR's architectural limit (SDM Vol. 3A 4.1.4) */
#define HEX_DIGITS_MAX		16

/* ttyS0..ttyS3, as Linux numbers the legacy ports. */
static const u16 legacy_ports[UART_NR_LEGACY] = { COM1_BASE, COM2_BASE, COM3_BASE, COM4_BASE };
/* Their ISA IRQs (the PC's wiring; Linux's SERIAL_PORT_DFNS). */
static const u8 legacy_irqs[UART_NR_LEGACY] = { COM1_IRQ, COM2_IRQ, COM1_IRQ, COM2_IRQ };

/* A legacy port's ISA IRQ; any other port or an MMIO UART has none known. */
static void uart_legacy_irq(struct uart_desc *d)
{
	d->irq_kind = UART_IRQ_NONE;
	d->irq = 0;
	for (unsigned int i = 0; d->space == UART_SPACE_IO && i < UART_NR_LEGACY; i++) {
		if (d->base == legacy_ports[i]) {
			d->irq_kind = UART_IRQ_ISA;
			d->irq = legacy_irqs[i];
		}
	}
}

void uart_desc_com1(struct uart_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->space = UART_SPACE_IO;
	d->base = COM1_BASE;
	d->reg_width = 1;
	d->baud = UART_DEFAULT_BAUD;
	uart_legacy_irq(d);
}

static bool is_hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "0x" and 1 to 16 hex digits, nothing else (parse_size() would take a K/M/G suffix). */
static int parse_hex(const char *s, size_t len, u64 *val)
{
	char buf[2 + HEX_DIGITS_MAX + 1];

	if (len < 3 || len > 2 + HEX_DIGITS_MAX || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	for (size_t i = 2; i < len; i++) {
		if (!is_hex_digit(s[i]))
			return -EINVAL;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return parse_size(buf, val);
}

static int parse_mmio(const char *s, struct uart_desc *out, const char **why)
{
	const char *comma = strchr(s, ',');
	size_t len = comma ? (size_t)(comma - s) : strlen(s);
	u64 addr;

	out->reg_width = 1;
	if (comma) {
		if (!strcmp(comma + 1, "1")) {
			out->reg_width = 1;
		} else if (!strcmp(comma + 1, "4")) {
			out->reg_width = 4;
		} else {
			*why = "the register width is neither 1 nor 4 (bytes)";
			return -EINVAL;
		}
	}
	if (parse_hex(s, len, &addr)) {
		*why = "the MMIO address is not 0x and hex digits";
		return -EINVAL;
	}
	if (!addr || addr >= PHYS_ADDR_LIMIT) {
		*why = "the MMIO address is 0 or beyond physical memory's 52 bits";
		return -EINVAL;
	}
	if (!IS_ALIGNED(addr, out->reg_width)) {
		*why = "the MMIO address is not aligned to its register width";
		return -EINVAL;
	}
	out->space = UART_SPACE_MMIO;
	out->base = addr;
	return 0;
}

int uart_parse_option(const char *val, struct uart_desc *out, const char **why)
{
	struct uart_desc d;
	u64 port;

	uart_desc_com1(&d);
	*why = NULL;
	if (!strncmp(val, TTYS_PREFIX, strlen(TTYS_PREFIX))) {
		const char *n = val + strlen(TTYS_PREFIX);

		if (n[0] < '0' || n[0] >= '0' + UART_NR_LEGACY || n[1]) {
			*why = "only ttyS0 to ttyS3 have known ports";
			return -EINVAL;
		}
		d.base = legacy_ports[n[0] - '0'];
	} else if (!strncmp(val, MMIO_PREFIX, strlen(MMIO_PREFIX))) {
		if (parse_mmio(val + strlen(MMIO_PREFIX), &d, why))
			return -EINVAL;
	} else if (!parse_hex(val, strlen(val), &port)) {
		if (!port || port > IO_PORT_LIMIT - UART_NR_REGS) {
			*why = "the I/O port is 0 or its 8 registers pass 0xffff";
			return -EINVAL;
		}
		d.base = port;
	} else {
		*why = "expected ttyS0-ttyS3, 0xPORT or mmio,0xADDR[,WIDTH]";
		return -EINVAL;
	}
	uart_legacy_irq(&d);
	*out = d;
	return 0;
}

void uart_describe(const struct uart_desc *d, char *buf, size_t size)
{
	if (d->space == UART_SPACE_MMIO) {
		ksnprintf(buf, size, "MMIO UART at 0x%llx (%u-byte registers)",
			  (unsigned long long)d->base, d->reg_width);
		return;
	}
	for (unsigned int i = 0; i < UART_NR_LEGACY; i++) {
		if (d->base == legacy_ports[i]) {
			ksnprintf(buf, size, "COM%u (0x%x)", i + 1, legacy_ports[i]);
			return;
		}
	}
	ksnprintf(buf, size, "I/O port 0x%llx", (unsigned long long)d->base);
}

/* The last slotvisor.console= value that names a UART; false if none does. */
static bool console_option(const char *cmdline, char *val, size_t size)
{
	char v[CONSOLE_VALUE_MAX];
	const char *p = cmdline;
	bool found = false;

	while ((p = cmdline_next(p, CONSOLE_KEY, v, sizeof(v)))) {
		if (!strcmp(v, CONSOLE_INTERACTIVE))
			continue;
		memcpy(val, v, MIN(size, sizeof(v)));
		val[size - 1] = '\0';
		found = true;
	}
	return found;
}

void uart_select(const char *cmdline, struct uart_desc *out, const char **source)
{
	char val[CONSOLE_VALUE_MAX];
	const char *why;
	int err;

	if (console_option(cmdline, val, sizeof(val))) {
		if (!uart_parse_option(val, out, &why)) {
			*source = "from the command line (" CONSOLE_KEY "=)";
			return;
		}
		kprintf("console: " CONSOLE_KEY "=%s refused: %s; trying the ACPI SPCR, then COM1\n",
			val, why);
	}
	err = acpi_get_spcr(out);
	if (!err) {
		*source = "from ACPI SPCR";
		return;
	}
	uart_desc_com1(out);
	*source = err == -ENOENT ? "(the default: no usable ACPI SPCR)" :
				   "(the default: the ACPI SPCR was refused)";
}
