/*
 * The console UART's description: the ACPI SPCR table (Microsoft's SPCR
 * specification) laid out in the fake physical arena, good and malformed;
 * slotvisor.console= values; and the precedence command line > SPCR > COM1
 * (arch/x86/acpi_spcr.c, arch/x86/uart_select.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "arch/acpi.h"
#include "arch/memory.h"
#include "arch/x86/uart.h"
#include "fake.h"
#include "lib/errno.h"

#define ARENA_SIZE	0x10000u
#define RSDT_OFF	0x1000u
#define SPCR_OFF	0x2000u
#define OTHER_OFF	0x3000u
#define NS_STRING	"."	/* the namespace string of a UART with no device object */

static u8 *arena;
static struct acpi_rsdp rsdp;
static char out[2048];

static hpa_t pa_of(u32 off)
{
	return FAKE_PHYS_BASE + off;
}

static struct acpi_spcr *spcr(void)
{
	return (struct acpi_spcr *)(arena + SPCR_OFF);
}

static void seal(struct acpi_sdt_header *h)
{
	h->checksum = 0;
	h->checksum = (u8)-acpi_checksum(h, h->length);
}

/* An RSDT naming n tables, and an RSDP (revision 0) naming it; then acpi_init(). */
static void install(const u32 *tables, unsigned int n)
{
	struct acpi_sdt_header *h = (void *)(arena + RSDT_OFF);

	memset(h, 0, ACPI_SDT_HEADER_LEN + 4 * n);
	memcpy(h->signature, "RSDT", 4);
	h->length = ACPI_SDT_HEADER_LEN + 4 * n;
	h->revision = 1;
	for (unsigned int i = 0; i < n; i++) {
		u32 pa = (u32)pa_of(tables[i]);

		memcpy((u8 *)h + ACPI_SDT_HEADER_LEN + 4 * i, &pa, 4);
	}
	seal(h);
	memset(&rsdp, 0, sizeof(rsdp));
	memcpy(rsdp.signature, ACPI_RSDP_SIG, 8);
	rsdp.rsdt_address = (u32)pa_of(RSDT_OFF);
	rsdp.checksum = (u8)-acpi_checksum(&rsdp, ACPI_RSDP_V1_LEN);
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), 0);
}

/* The specification's COM2 example (system I/O, 8 bits, access undefined) at 115200 baud. */
static struct acpi_spcr *mk_spcr(u8 revision, u32 len)
{
	struct acpi_spcr *t = spcr();

	memset(t, 0, len);
	memcpy(t->header.signature, ACPI_SPCR_SIG, 4);
	t->header.length = len;
	t->header.revision = revision;
	memcpy(t->header.oem_id, "SLOTVS", 6);
	t->interface_type = ACPI_SPCR_16550;
	t->base_address.address_space_id = ACPI_GAS_SYSTEM_IO;
	t->base_address.register_bit_width = 8;
	t->base_address.address = COM2_BASE;
	t->baud_rate = ACPI_SPCR_BAUD_115200;
	t->stop_bits = 1;
	t->pci_device_id = 0xffff;
	t->pci_vendor_id = 0xffff;
	if (revision >= 4 && len >= ACPI_SPCR_V4_FIXED_LEN + sizeof(NS_STRING)) {
		t->namespace_string_offset = ACPI_SPCR_V4_FIXED_LEN;
		t->namespace_string_length = sizeof(NS_STRING);
		memcpy((u8 *)t + ACPI_SPCR_V4_FIXED_LEN, NS_STRING, sizeof(NS_STRING));
	}
	return t;
}

/* Seal the SPCR, put it in the RSDT, and read it back. */
static int get_spcr(struct uart_desc *d)
{
	static const u32 tables[] = { OTHER_OFF, SPCR_OFF };
	int err;

	seal(&spcr()->header);
	install(tables, 2);
	memset(d, 0xa5, sizeof(*d));
	capture_begin();
	err = acpi_get_spcr(d);
	capture_end(out, sizeof(out));
	return err;
}

static int setup(void **state)
{
	struct acpi_sdt_header *other;

	arena = fake_mem_init(ARENA_SIZE);
	other = (void *)(arena + OTHER_OFF);
	memcpy(other->signature, "APIC", 4);
	other->length = 44;
	seal(other);
	return 0;
}

static int teardown(void **state)
{
	fake_mem_exit();
	return 0;
}

static void spcr_com2(void **state)
{
	struct uart_desc d;

	mk_spcr(2, ACPI_SPCR_V2_LEN);
	assert_int_equal(get_spcr(&d), 0);
	assert_string_equal(out, "");
	assert_int_equal(d.space, UART_SPACE_IO);
	assert_int_equal(d.base, COM2_BASE);
	assert_int_equal(d.reg_width, 1);
	assert_int_equal(d.baud, 115200);
	assert_int_equal(d.clock_hz, 0);

	/* Revision 1 (the same 80 bytes) and the 16450 subset, byte access given. */
	mk_spcr(1, ACPI_SPCR_V2_LEN)->interface_type = ACPI_SPCR_16450;
	spcr()->base_address.access_size = ACPI_GAS_ACCESS_BYTE;
	spcr()->uart_clock_freq = 12345;	/* reserved before revision 3: ignored */
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.base, COM2_BASE);
	assert_int_equal(d.clock_hz, 0);
}

static void spcr_baud_codes(void **state)
{
	static const struct { u8 code; u32 baud; } codes[] = {
		{ ACPI_SPCR_BAUD_AS_IS, 0 }, { ACPI_SPCR_BAUD_9600, 9600 },
		{ ACPI_SPCR_BAUD_19200, 19200 }, { ACPI_SPCR_BAUD_57600, 57600 },
		{ ACPI_SPCR_BAUD_115200, 115200 },
	};
	struct uart_desc d;

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		mk_spcr(2, ACPI_SPCR_V2_LEN)->baud_rate = codes[i].code;
		assert_int_equal(get_spcr(&d), 0);
		assert_int_equal(d.baud, codes[i].baud);
		assert_string_equal(out, "");
	}
	/* A reserved code: the table is taken, the rate left as the firmware set it. */
	mk_spcr(2, ACPI_SPCR_V2_LEN)->baud_rate = 5;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.baud, 0);
	assert_non_null(strstr(out, "baud rate code 5 is reserved"));
}

/* Revision 3's clock, revision 4's precise rate and namespace string. */
static void spcr_revisions(void **state)
{
	struct uart_desc d;
	u32 len4 = ACPI_SPCR_V4_FIXED_LEN + sizeof(NS_STRING);

	mk_spcr(3, ACPI_SPCR_V2_LEN)->uart_clock_freq = 24000000;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.clock_hz, 24000000);
	assert_int_equal(d.baud, 115200);

	mk_spcr(4, len4)->precise_baud_rate = 1500000;
	spcr()->uart_clock_freq = 48000000;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.baud, 1500000);
	assert_int_equal(d.clock_hz, 48000000);

	mk_spcr(4, len4);	/* precise rate 0: the code counts */
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.baud, 115200);

	/* Revision 4 in revision 2's 80 bytes. */
	mk_spcr(4, ACPI_SPCR_V2_LEN);
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_non_null(strstr(out, "ACPI SPCR refused: the revision 4 table is 80 bytes, "
				    "shorter than its 88-byte fixed part"));

	/* A namespace string running past the table. */
	mk_spcr(4, len4)->namespace_string_length = 10;
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_non_null(strstr(out, "namespace string (offset 88, 10 bytes) is not inside "
				    "the table's 90 bytes"));
	mk_spcr(4, len4)->namespace_string_offset = 40;
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_non_null(strstr(out, "namespace string (offset 40"));
}

static void spcr_bad_checksum(void **state)
{
	struct uart_desc d;
	const char *source;

	mk_spcr(2, ACPI_SPCR_V2_LEN);
	seal(&spcr()->header);
	spcr()->baud_rate = ACPI_SPCR_BAUD_9600;	/* changed after sealing */
	{
		static const u32 tables[] = { SPCR_OFF };

		install(tables, 1);
	}
	capture_begin();
	assert_int_equal(acpi_get_spcr(&d), -ENOENT);
	uart_select("", &d, &source);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "acpi: skipping SPCR at 0x"));
	assert_non_null(strstr(out, "bad checksum"));
	assert_int_equal(d.base, COM1_BASE);
	assert_string_equal(source, "(the default: no usable ACPI SPCR)");
}

static void spcr_truncated(void **state)
{
	struct uart_desc d;

	mk_spcr(2, 60);
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_string_equal(out, "console: ACPI SPCR refused: the table is 60 bytes, "
				 "shorter than the 80 of its fixed part\n");
	/* Shorter than even its header: acpi_find_table() skips it. */
	mk_spcr(2, ACPI_SDT_HEADER_LEN - 1);
	assert_int_equal(get_spcr(&d), -ENOENT);
	assert_non_null(strstr(out, "shorter than its header"));
}

static void spcr_unknown_interface(void **state)
{
	struct uart_desc d;
	const char *source;

	mk_spcr(2, ACPI_SPCR_V2_LEN)->interface_type = 0x03;	/* ARM PL011 */
	assert_int_equal(get_spcr(&d), -ENOTSUP);
	assert_string_equal(out, "console: ACPI SPCR refused: interface type 0x03 "
				 "(table revision 2) is not a 16550-compatible UART\n");
	capture_begin();
	uart_select("quiet", &d, &source);
	capture_end(out, sizeof(out));
	assert_int_equal(d.space, UART_SPACE_IO);
	assert_int_equal(d.base, COM1_BASE);
	assert_int_equal(d.baud, UART_DEFAULT_BAUD);
	assert_string_equal(source, "(the default: the ACPI SPCR was refused)");
	assert_non_null(strstr(out, "interface type 0x03"));

	/* 0x12 is a DBG2 subtype: revision 1 reserves it. */
	mk_spcr(1, ACPI_SPCR_V2_LEN)->interface_type = ACPI_SPCR_16550_GAS;
	assert_int_equal(get_spcr(&d), -ENOTSUP);
	assert_non_null(strstr(out, "interface type 0x12 (table revision 1)"));
}

static void spcr_mmio(void **state)
{
	struct uart_desc d;

	mk_spcr(2, ACPI_SPCR_V2_LEN)->interface_type = ACPI_SPCR_16550_GAS;
	spcr()->base_address.address_space_id = ACPI_GAS_SYSTEM_MEMORY;
	spcr()->base_address.register_bit_width = 32;
	spcr()->base_address.access_size = ACPI_GAS_ACCESS_DWORD;
	spcr()->base_address.address = 0xfe030000;
	spcr()->baud_rate = ACPI_SPCR_BAUD_AS_IS;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.space, UART_SPACE_MMIO);
	assert_int_equal(d.base, 0xfe030000);
	assert_int_equal(d.reg_width, 4);
	assert_int_equal(d.baud, 0);

	/* Access size undefined: the bit width says 32. */
	spcr()->base_address.access_size = ACPI_GAS_ACCESS_UNDEFINED;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.reg_width, 4);

	/* Byte registers above 4 GiB. */
	spcr()->base_address.register_bit_width = 8;
	spcr()->base_address.access_size = ACPI_GAS_ACCESS_BYTE;
	spcr()->base_address.address = 0x4000001001ULL;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.reg_width, 1);
	assert_int_equal(d.base, 0x4000001001ULL);

	/* Not aligned to dword registers. */
	spcr()->base_address.access_size = ACPI_GAS_ACCESS_DWORD;
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_non_null(strstr(out, "MMIO address 0x4000001001 is not aligned to its 4-byte registers"));

	spcr()->base_address.address = 0xfe030000;
	spcr()->base_address.access_size = ACPI_GAS_ACCESS_WORD;
	assert_int_equal(get_spcr(&d), -ENOTSUP);
	assert_non_null(strstr(out, "access size 2 (bit width 8) is neither byte nor dword"));

	spcr()->base_address.access_size = ACPI_GAS_ACCESS_UNDEFINED;
	spcr()->base_address.register_bit_width = 16;
	assert_int_equal(get_spcr(&d), -ENOTSUP);
	assert_non_null(strstr(out, "register bit width 16"));
}

static void spcr_bad_address(void **state)
{
	struct uart_desc d;

	mk_spcr(2, ACPI_SPCR_V2_LEN)->base_address.address = 0;
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_non_null(strstr(out, "base address 0: the firmware redirects no console"));

	mk_spcr(2, ACPI_SPCR_V2_LEN)->base_address.address_space_id = 2;	/* PCI config */
	assert_int_equal(get_spcr(&d), -ENOTSUP);
	assert_non_null(strstr(out, "address space 2 is neither system memory (0) nor system I/O (1)"));

	mk_spcr(2, ACPI_SPCR_V2_LEN)->base_address.address = 0xfff9;
	assert_int_equal(get_spcr(&d), -EINVAL);
	assert_non_null(strstr(out, "I/O port 0xfff9 is past the I/O space"));

	mk_spcr(2, ACPI_SPCR_V2_LEN)->base_address.access_size = ACPI_GAS_ACCESS_DWORD;
	assert_int_equal(get_spcr(&d), -ENOTSUP);
	assert_non_null(strstr(out, "I/O port 0x2f8 with 4-byte registers"));
}

static void no_spcr(void **state)
{
	static const u32 tables[] = { OTHER_OFF };
	struct uart_desc d;
	const char *source;

	install(tables, 1);
	capture_begin();
	assert_int_equal(acpi_get_spcr(&d), -ENOENT);
	uart_select(NULL, &d, &source);
	capture_end(out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(d.base, COM1_BASE);
	assert_string_equal(source, "(the default: no usable ACPI SPCR)");
}

/* The UART's interrupt: the I/O APIC's GSI over the 8259's IRQ, none when neither bit is set. */
static void spcr_interrupt(void **state)
{
	struct uart_desc d;

	mk_spcr(2, ACPI_SPCR_V2_LEN);
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.irq_kind, UART_IRQ_NONE);

	mk_spcr(2, ACPI_SPCR_V2_LEN)->interrupt_type = ACPI_SPCR_INT_8259;
	spcr()->irq = 3;
	spcr()->gsi = 40;	/* not valid for this type: ignored */
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.irq_kind, UART_IRQ_ISA);
	assert_int_equal(d.irq, 3);

	mk_spcr(2, ACPI_SPCR_V2_LEN)->interrupt_type = ACPI_SPCR_INT_8259 | ACPI_SPCR_INT_IOAPIC;
	spcr()->irq = 3;
	spcr()->gsi = 40;
	assert_int_equal(get_spcr(&d), 0);
	assert_int_equal(d.irq_kind, UART_IRQ_GSI);
	assert_int_equal(d.irq, 40);
}

static void option_irq(const char *val, enum uart_irq_kind kind, u32 irq)
{
	struct uart_desc d;
	const char *why;

	assert_int_equal(uart_parse_option(val, &d, &why), 0);
	assert_int_equal(d.irq_kind, kind);
	assert_int_equal(d.irq, irq);
}

/* The legacy ports' ISA IRQs (COM1/3: 4, COM2/4: 3); other ports and MMIO have none. */
static void legacy_irqs(void **state)
{
	struct uart_desc d;

	uart_desc_com1(&d);
	assert_int_equal(d.irq_kind, UART_IRQ_ISA);
	assert_int_equal(d.irq, 4);
	option_irq("ttyS0", UART_IRQ_ISA, 4);
	option_irq("ttyS1", UART_IRQ_ISA, 3);
	option_irq("ttyS2", UART_IRQ_ISA, 4);
	option_irq("ttyS3", UART_IRQ_ISA, 3);
	option_irq("0x2f8", UART_IRQ_ISA, 3);
	option_irq("0xe000", UART_IRQ_NONE, 0);
	option_irq("mmio,0x3f8", UART_IRQ_NONE, 0);
}

static void option_ok(const char *val, enum uart_space space, u64 base, u8 width)
{
	struct uart_desc d;
	const char *why = "unset";

	assert_int_equal(uart_parse_option(val, &d, &why), 0);
	assert_null(why);
	assert_int_equal(d.space, space);
	assert_int_equal(d.base, base);
	assert_int_equal(d.reg_width, width);
	assert_int_equal(d.baud, UART_DEFAULT_BAUD);
}

static void option_bad(const char *val, const char *reason)
{
	struct uart_desc d = { .base = 1234 };
	const char *why = NULL;

	assert_int_equal(uart_parse_option(val, &d, &why), -EINVAL);
	assert_non_null(why);
	assert_non_null(strstr(why, reason));
	assert_int_equal(d.base, 1234);	/* untouched */
}

static void console_options(void **state)
{
	option_ok("ttyS0", UART_SPACE_IO, COM1_BASE, 1);
	option_ok("ttyS1", UART_SPACE_IO, COM2_BASE, 1);
	option_ok("ttyS2", UART_SPACE_IO, COM3_BASE, 1);
	option_ok("ttyS3", UART_SPACE_IO, COM4_BASE, 1);
	option_ok("0x2f8", UART_SPACE_IO, 0x2f8, 1);
	option_ok("0X2F8", UART_SPACE_IO, 0x2f8, 1);
	option_ok("0xe000", UART_SPACE_IO, 0xe000, 1);
	option_ok("0xfff8", UART_SPACE_IO, 0xfff8, 1);
	option_ok("mmio,0xfe030000", UART_SPACE_MMIO, 0xfe030000, 1);
	option_ok("mmio,0xfe030000,1", UART_SPACE_MMIO, 0xfe030000, 1);
	option_ok("mmio,0xfe030000,4", UART_SPACE_MMIO, 0xfe030000, 4);
	option_ok("mmio,0x4000001001", UART_SPACE_MMIO, 0x4000001001ULL, 1);

	option_bad("ttyS4", "only ttyS0 to ttyS3");
	option_bad("ttyS", "only ttyS0 to ttyS3");
	option_bad("ttyS10", "only ttyS0 to ttyS3");
	option_bad("0x0", "the I/O port is 0");
	option_bad("0xfff9", "pass 0xffff");
	option_bad("0x10000", "pass 0xffff");
	option_bad("0x2f8K", "expected ttyS0-ttyS3, 0xPORT or mmio,0xADDR[,WIDTH]");
	option_bad("2f8", "expected ttyS0-ttyS3");
	option_bad("760", "expected ttyS0-ttyS3");
	option_bad("0x", "expected ttyS0-ttyS3");
	option_bad("", "expected ttyS0-ttyS3");
	option_bad("com2", "expected ttyS0-ttyS3");
	option_bad("mmio", "expected ttyS0-ttyS3");
	option_bad("mmio,", "not 0x and hex digits");
	option_bad("mmio,fe030000", "not 0x and hex digits");
	option_bad("mmio,0xfe03g000", "not 0x and hex digits");
	option_bad("mmio,0x12345678123456789", "not 0x and hex digits");
	option_bad("mmio,0x0", "0 or beyond physical memory's 52 bits");
	option_bad("mmio,0x10000000000000", "0 or beyond physical memory's 52 bits");
	option_bad("mmio,0xfe030000,2", "neither 1 nor 4");
	option_bad("mmio,0xfe030000,", "neither 1 nor 4");
	option_bad("mmio,0xfe030000,4,1", "neither 1 nor 4");
	option_bad("mmio,0xfe030002,4", "not aligned to its register width");
}

static void describe(void **state)
{
	struct uart_desc d;
	char buf[64];

	uart_desc_com1(&d);
	uart_describe(&d, buf, sizeof(buf));
	assert_string_equal(buf, "COM1 (0x3f8)");
	d.base = COM4_BASE;
	uart_describe(&d, buf, sizeof(buf));
	assert_string_equal(buf, "COM4 (0x2e8)");
	d.base = 0xe000;
	uart_describe(&d, buf, sizeof(buf));
	assert_string_equal(buf, "I/O port 0xe000");
	d.space = UART_SPACE_MMIO;
	d.base = 0xfe030000;
	d.reg_width = 4;
	uart_describe(&d, buf, sizeof(buf));
	assert_string_equal(buf, "MMIO UART at 0xfe030000 (4-byte registers)");
}

/* Command line > SPCR > COM1; slotvisor.console=1 is the interactive console, not a UART. */
static void precedence(void **state)
{
	struct uart_desc d, spcr_desc;
	const char *source;

	mk_spcr(2, ACPI_SPCR_V2_LEN)->baud_rate = ACPI_SPCR_BAUD_57600;
	assert_int_equal(get_spcr(&spcr_desc), 0);

	capture_begin();
	uart_select("slotvisor.console=ttyS0", &d, &source);
	capture_end(out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(d.base, COM1_BASE);
	assert_int_equal(d.baud, UART_DEFAULT_BAUD);
	assert_string_equal(source, "from the command line (slotvisor.console=)");

	capture_begin();
	uart_select("slotvisor.console=1", &d, &source);
	capture_end(out, sizeof(out));
	assert_int_equal(d.base, COM2_BASE);
	assert_int_equal(d.baud, 57600);
	assert_string_equal(source, "from ACPI SPCR");

	capture_begin();
	uart_select("slotvisor.console=0x3e8 slotvisor.console=1", &d, &source);
	capture_end(out, sizeof(out));
	assert_int_equal(d.base, COM3_BASE);

	capture_begin();
	uart_select("slotvisor.console=ttyS3 slotvisor.console=mmio,0xfe030000,4", &d, &source);
	capture_end(out, sizeof(out));
	assert_int_equal(d.space, UART_SPACE_MMIO);	/* the last one wins */

	/* A bad value: refused with its reason, and the SPCR's UART kept. */
	capture_begin();
	uart_select("slotvisor.console=ttyS9", &d, &source);
	capture_end(out, sizeof(out));
	assert_string_equal(out, "console: slotvisor.console=ttyS9 refused: only ttyS0 to ttyS3 "
				 "have known ports; trying the ACPI SPCR, then COM1\n");
	assert_int_equal(d.base, COM2_BASE);
	assert_string_equal(source, "from ACPI SPCR");

	/* No SPCR: a bad value leaves COM1. */
	{
		static const u32 tables[] = { OTHER_OFF };

		install(tables, 1);
	}
	capture_begin();
	uart_select("slotvisor.console=", &d, &source);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "slotvisor.console= refused: expected"));
	assert_int_equal(d.base, COM1_BASE);
	assert_string_equal(source, "(the default: no usable ACPI SPCR)");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(spcr_com2),
		T(spcr_baud_codes),
		T(spcr_revisions),
		T(spcr_bad_checksum),
		T(spcr_truncated),
		T(spcr_unknown_interface),
		T(spcr_mmio),
		T(spcr_bad_address),
		T(no_spcr),
		T(spcr_interrupt),
		cmocka_unit_test(console_options),
		cmocka_unit_test(legacy_irqs),
		cmocka_unit_test(describe),
		T(precedence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
