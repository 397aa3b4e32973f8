/*
 * The ACPI SPCR table (Microsoft's Serial Port Console Redirection Table
 * specification, revision 4): which UART the firmware, and so the BMC's
 * serial-over-LAN, uses as its console.  Only 16550-compatible UARTs are
 * taken (interface types 0, 1 and 0x12), at a system I/O or system memory
 * address.  The table is untrusted input: its length is checked against
 * what its revision needs before a field is read.  No hardware is touched
 * (tests/unit/test_spcr.c).
 */
#include "arch/acpi.h"
#include "arch/x86/uart.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define SPCR_REV_CLOCK		3	/* UART Clock Frequency is defined from here */
#define SPCR_REV_PRECISE	4	/* Precise Baud Rate and the namespace string */
#define IO_PORT_LIMIT		0x10000
#define GAS_BIT_WIDTH_8		8
#define GAS_BIT_WIDTH_32	32

/* Say why the table is refused, on one line, and return err. */
static __printf(2, 3) int refuse(int err, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	kprintf("console: ACPI SPCR refused: %s\n", why);
	return err;
}

/* The Configured Baud Rate code in bits per second; 0 for "as is" (and unknown codes). */
static u32 spcr_baud(u8 code)
{
	switch (code) {
	case ACPI_SPCR_BAUD_AS_IS:
		return 0;
	case ACPI_SPCR_BAUD_9600:
		return 9600;
	case ACPI_SPCR_BAUD_19200:
		return 19200;
	case ACPI_SPCR_BAUD_57600:
		return 57600;
	case ACPI_SPCR_BAUD_115200:
		return 115200;
	default:
		kprintf("console: ACPI SPCR baud rate code %u is reserved; the UART's rate is left as is\n",
			code);
		return 0;
	}
}

/*
 * The table's length against its revision: 80 bytes up to revision 3; from
 * revision 4 the 88-byte fixed part and a namespace string inside the table.
 */
static int spcr_check_length(const struct acpi_spcr *t)
{
	const struct acpi_sdt_header *h = &t->header;
	u32 end;

	if (h->length < ACPI_SPCR_V2_LEN)
		return refuse(-EINVAL, "the table is %u bytes, shorter than the %u of its fixed part",
			      h->length, ACPI_SPCR_V2_LEN);
	if (h->revision < SPCR_REV_PRECISE)
		return 0;
	if (h->length < ACPI_SPCR_V4_FIXED_LEN)
		return refuse(-EINVAL, "the revision %u table is %u bytes, shorter than its %u-byte fixed part",
			      h->revision, h->length, ACPI_SPCR_V4_FIXED_LEN);
	end = (u32)t->namespace_string_offset + t->namespace_string_length;
	if (t->namespace_string_offset < ACPI_SPCR_V4_FIXED_LEN || end > h->length)
		return refuse(-EINVAL, "its namespace string (offset %u, %u bytes) is not inside the table's %u bytes",
			      t->namespace_string_offset, t->namespace_string_length, h->length);
	return 0;
}

static int spcr_check_type(const struct acpi_spcr *t)
{
	u8 type = t->interface_type;

	if (type == ACPI_SPCR_16550 || type == ACPI_SPCR_16450)
		return 0;
	/* Revision 1 reserves every type but 0 and 1; 0x12 is DBG2's, from revision 2. */
	if (type == ACPI_SPCR_16550_GAS && t->header.revision >= 2)
		return 0;
	return refuse(-ENOTSUP, "interface type 0x%02x (table revision %u) is not a 16550-compatible UART",
		      type, t->header.revision);
}

/*
 * The register access the GAS asks for: 1 or 4 bytes.  Access Size wins;
 * an undefined one (legacy tables) goes by Register Bit Width, 8 when that
 * is 0 too (as the specification's own COM1 example: width 8, access 0).
 */
static int spcr_reg_width(const struct acpi_gas *g, u8 *width)
{
	switch (g->access_size) {
	case ACPI_GAS_ACCESS_BYTE:
		*width = 1;
		return 0;
	case ACPI_GAS_ACCESS_DWORD:
		*width = 4;
		return 0;
	case ACPI_GAS_ACCESS_UNDEFINED:
		if (g->register_bit_width == 0 || g->register_bit_width == GAS_BIT_WIDTH_8) {
			*width = 1;
			return 0;
		}
		if (g->register_bit_width == GAS_BIT_WIDTH_32) {
			*width = 4;
			return 0;
		}
		return refuse(-ENOTSUP, "register bit width %u (access size %u) is neither 8 nor 32",
			      g->register_bit_width, g->access_size);
	default:
		return refuse(-ENOTSUP, "access size %u (bit width %u) is neither byte nor dword",
			      g->access_size, g->register_bit_width);
	}
}

static int spcr_address(const struct acpi_spcr *t, struct uart_desc *out)
{
	const struct acpi_gas *g = &t->base_address;
	u8 width;
	int err;

	if (!g->address)
		return refuse(-EINVAL, "base address 0: the firmware redirects no console");
	err = spcr_reg_width(g, &width);
	if (err)
		return err;
	switch (g->address_space_id) {
	case ACPI_GAS_SYSTEM_IO:
		if (width != 1)
			return refuse(-ENOTSUP, "I/O port 0x%llx with %u-byte registers",
				      (unsigned long long)g->address, width);
		if (g->address > IO_PORT_LIMIT - UART_NR_REGS)
			return refuse(-EINVAL, "I/O port 0x%llx is past the I/O space",
				      (unsigned long long)g->address);
		out->space = UART_SPACE_IO;
		break;
	case ACPI_GAS_SYSTEM_MEMORY:
		if (!IS_ALIGNED(g->address, width))
			return refuse(-EINVAL, "MMIO address 0x%llx is not aligned to its %u-byte registers",
				      (unsigned long long)g->address, width);
		out->space = UART_SPACE_MMIO;
		break;
	default:
		return refuse(-ENOTSUP, "address space %u is neither system memory (0) nor system I/O (1)",
			      g->address_space_id);
	}
	out->base = g->address;
	out->reg_width = width;
	return 0;
}

/* Its interrupt: the I/O APIC's GSI over the 8259's IRQ; none, and the console polls. */
static void spcr_irq(const struct acpi_spcr *t, struct uart_desc *d)
{
	if (t->interrupt_type & ACPI_SPCR_INT_IOAPIC) {
		d->irq_kind = UART_IRQ_GSI;
		d->irq = t->gsi;
	} else if (t->interrupt_type & ACPI_SPCR_INT_8259) {
		d->irq_kind = UART_IRQ_ISA;
		d->irq = t->irq;
	}
}

int acpi_get_spcr(struct uart_desc *out)
{
	const struct acpi_spcr *t = (const void *)acpi_find_table(ACPI_SPCR_SIG, 0);
	struct uart_desc d;
	int err;

	if (!t)
		return -ENOENT;
	memset(&d, 0, sizeof(d));
	err = spcr_check_length(t);
	if (!err)
		err = spcr_check_type(t);
	if (!err)
		err = spcr_address(t, &d);
	if (err)
		return err;
	d.baud = spcr_baud(t->baud_rate);
	if (t->header.revision >= SPCR_REV_CLOCK)
		d.clock_hz = t->uart_clock_freq;
	if (t->header.revision >= SPCR_REV_PRECISE && t->precise_baud_rate)
		d.baud = t->precise_baud_rate;
	spcr_irq(t, &d);
	*out = d;
	return 0;
}
