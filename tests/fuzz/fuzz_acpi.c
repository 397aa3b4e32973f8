/*
 * The host ACPI parsers (arch/x86/acpi_tables.c, acpi_madt.c, acpi_pm.c,
 * acpi_spcr.c) on firmware tables.  The input is a flags byte and a list of
 * tables, each a little-endian u16 length and its bytes.  The harness lays
 * them out in the fake physical arena, each ending at a page boundary with
 * an inaccessible page after it (a read past a table's end faults) and its
 * header's length its real one (at least a header's: the firmware's
 * lengths are trusted as its pointers are, docs/security.md), builds
 * the RSDP and RSDT/XSDT naming them, points a FADT's DSDT fields at the
 * first DSDT, and seals every checksum unless the flags say not to: the
 * firmware's pointers are trusted (docs/security.md), what they point at
 * is what is parsed.
 */
#include <sys/mman.h>
#include "arch/acpi.h"
#include "arch/x86/uart.h"
#include "fake.h"
#include "lib/errno.h"
#include "fuzz.h"

#define FLAG_XSDT		BIT(0)	/* RSDP revision 2 with an XSDT */
#define FLAG_RSDT		BIT(1)	/* an RSDT too (always when no XSDT) */
#define FLAG_RAW_CHECKSUMS	BIT(2)	/* leave checksums as the input has them */
#define MAX_TABLES		16
#define SLOT_SIZE		0x10000u	/* each table's room, its guard page last */
#define PAGE			0x1000u
#define TABLE_MAX		(SLOT_SIZE - PAGE)
#define ROOT_SLOT		MAX_TABLES	/* the RSDT, then the XSDT */
#define ARENA_SIZE		((MAX_TABLES + 2) * SLOT_SIZE)
#define IO_PORT_LIMIT		0x10000

static u8 *arena;
static hpa_t table_pa[MAX_TABLES];
static unsigned int nr_tables;

static void seal(struct acpi_sdt_header *h, u32 len, u8 flags)
{
	if (!(flags & FLAG_RAW_CHECKSUMS)) {
		h->checksum = 0;
		h->checksum = (u8)-acpi_checksum(h, len);
	}
}

/* Put len bytes at the end of slot, before its guard page; its physical address. */
static hpa_t place(unsigned int slot, const u8 *p, u32 len)
{
	u32 off = slot * SLOT_SIZE + TABLE_MAX - len;

	memcpy(arena + off, p, len);
	return FAKE_PHYS_BASE + off;
}

static struct acpi_sdt_header *at(hpa_t pa)
{
	return (struct acpi_sdt_header *)(arena + (pa - FAKE_PHYS_BASE));
}

/* A FADT's DSDT and X_DSDT name the first DSDT given (or nothing). */
static void link_fadt(struct acpi_sdt_header *h, u32 len)
{
	struct acpi_fadt *f = (struct acpi_fadt *)h;
	hpa_t dsdt = 0;

	for (unsigned int i = 0; i < nr_tables && !dsdt; i++)
		if (!memcmp(at(table_pa[i])->signature, "DSDT", 4))
			dsdt = table_pa[i];
	if (len >= ACPI_FADT_OFF(dsdt) + sizeof(f->dsdt))
		f->dsdt = (u32)dsdt;
	if (len >= ACPI_FADT_OFF(x_dsdt) + sizeof(f->x_dsdt))
		memcpy((u8 *)f + ACPI_FADT_OFF(x_dsdt), &dsdt, sizeof(dsdt));
}

static void read_tables(struct fuzz_stream *s, u8 flags)
{
	nr_tables = 0;
	while (s->left >= 2 && nr_tables < MAX_TABLES) {
		u8 buf[TABLE_MAX] = { 0 };
		u32 len = (u32)fuzz_take(s, 2);	/* not inside MIN(): it takes once */

		len = MIN(MIN(len, (u32)s->left), TABLE_MAX);
		memcpy(buf, s->p, len);
		s->p += len;
		s->left -= len;
		len = MAX(len, (u32)ACPI_SDT_HEADER_LEN);
		table_pa[nr_tables] = place(nr_tables, buf, len);
		at(table_pa[nr_tables])->length = len;
		nr_tables++;
	}
	for (unsigned int i = 0; i < nr_tables; i++) {
		struct acpi_sdt_header *h = at(table_pa[i]);
		u32 len = SLOT_SIZE - (u32)(table_pa[i] - FAKE_PHYS_BASE) % SLOT_SIZE - PAGE;

		if (!memcmp(h->signature, "FACP", 4))
			link_fadt(h, len);
		seal(h, len, flags);
	}
}

/* The RSDT (4-byte entries) or XSDT (8-byte) naming every table. */
static hpa_t build_root(unsigned int slot, bool xsdt, u8 flags)
{
	u8 buf[ACPI_SDT_HEADER_LEN + MAX_TABLES * 8] = { 0 };
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)buf;
	unsigned int width = xsdt ? 8 : 4;
	hpa_t pa;

	memcpy(h->signature, xsdt ? "XSDT" : "RSDT", 4);
	h->length = ACPI_SDT_HEADER_LEN + nr_tables * width;
	h->revision = 1;
	for (unsigned int i = 0; i < nr_tables; i++)
		memcpy(buf + ACPI_SDT_HEADER_LEN + i * width, &table_pa[i], width);
	pa = place(slot, buf, h->length);
	seal(at(pa), h->length, flags);
	return pa;
}

static void build_rsdp(struct acpi_rsdp *r, u8 flags)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->signature, ACPI_RSDP_SIG, 8);
	r->revision = flags & FLAG_XSDT ? 2 : 0;
	r->length = sizeof(*r);
	if (flags & FLAG_XSDT)
		r->xsdt_address = build_root(ROOT_SLOT + 1, true, flags);
	if (!(flags & FLAG_XSDT) || (flags & FLAG_RSDT))
		r->rsdt_address = (u32)build_root(ROOT_SLOT, false, flags);
	r->checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->extended_checksum = (u8)-acpi_checksum(r, sizeof(*r));
}

static void check_madt(void)
{
	struct acpi_madt_info m;

	if (acpi_get_madt(&m))
		return;
	FUZZ_CHECK(m.nr_cpus >= 1 && m.nr_cpus <= ACPI_MAX_CPUS, "%u CPUs", m.nr_cpus);
	FUZZ_CHECK(m.nr_ioapics <= ACPI_MAX_IOAPICS, "%u I/O APICs", m.nr_ioapics);
	for (unsigned int i = 0; i < m.nr_cpus; i++)
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(m.apic_id[i] != m.apic_id[j], "APIC id %u twice", m.apic_id[i]);
}

static void check_pm_and_spcr(void)
{
	struct acpi_pm pm;
	struct uart_desc d;

	if (!acpi_get_pm(&pm))
		FUZZ_CHECK(pm.pm1a_cnt, "PM1a_CNT 0 accepted");
	if (!acpi_get_spcr(&d))
		FUZZ_CHECK((d.space == UART_SPACE_IO && d.base && d.base < IO_PORT_LIMIT) ||
			   (d.space == UART_SPACE_MMIO && d.base &&
			    (d.reg_width == 1 || d.reg_width == 4)),
			   "SPCR console space %d base 0x%llx width %u", d.space,
			   (unsigned long long)d.base, d.reg_width);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_stream s = { data, size };
	struct acpi_rsdp rsdp;
	u8 flags = (u8)fuzz_take(&s, 1);

	if (!arena) {
		arena = fake_mem_init(ARENA_SIZE);
		for (unsigned int i = 0; i < MAX_TABLES + 2; i++)
			mprotect(arena + i * SLOT_SIZE + TABLE_MAX, PAGE, PROT_NONE);
	}
	read_tables(&s, flags);
	build_rsdp(&rsdp, flags);
	if (acpi_init(&rsdp, sizeof(rsdp)))
		return 0;
	for (unsigned int i = 0; i < nr_tables + 1; i++)
		acpi_find_table("APIC", i);
	check_madt();
	check_pm_and_spcr();
	return 0;
}
