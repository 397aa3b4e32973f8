/*
 * The guest's ACPI tables (include/devices/acpi_build.h).  Each table is
 * written at an 8-byte aligned offset after the last, its length fixed
 * before its checksum (5.2.6: all bytes of the table sum to zero).
 */
#include "arch/acpi.h"
#include "devices/acpi_build.h"
#include "lib/errno.h"
#include "lib/string.h"

#define OEM_ID "SLOTVS"
#define OEM_TABLE_ID "SLOTVISR"
#define CREATOR_ID 0x534c5456	/* "SLTV" */
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 5
#define FADT_HW_REDUCED_ACPI BIT(20)	/* Table 5.10: no fixed hardware, no SCI */
#define IAPC_VGA_NOT_PRESENT BIT(2)	/* Table 5.11 */
#define PIT_IRQ 0
#define PIT_GSI 2			/* the I/O APIC's pin 2, as on every PC */
#define NMI_ALL_PROCESSORS 0xff
#define NMI_LINT 1

struct layout {
	u64 rsdp, xsdt, fadt, dsdt, madt, end;
	u32 madt_len;
};

static u64 align8(u64 v)
{
	return (v + 7) & ~7ULL;
}

static void plan(const struct acpi_build_config *cfg, struct layout *l)
{
	l->rsdp = 0;
	l->xsdt = align8(ACPI_RSDP_V2_LEN);
	l->fadt = align8(l->xsdt + ACPI_SDT_HEADER_LEN + 2 * sizeof(u64));
	l->dsdt = align8(l->fadt + sizeof(struct acpi_fadt));
	l->madt = align8(l->dsdt + ACPI_SDT_HEADER_LEN);
	l->madt_len = sizeof(struct acpi_madt) + cfg->nr_cpus * sizeof(struct acpi_madt_lapic) +
		      sizeof(struct acpi_madt_ioapic) + sizeof(struct acpi_madt_iso) +
		      sizeof(struct acpi_madt_lapic_nmi);
	l->end = l->madt + l->madt_len;
}

static void header(struct acpi_sdt_header *h, const char sig[4], u32 len, u8 revision)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = revision;
	memcpy(h->oem_id, OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	h->creator_id = CREATOR_ID;
	h->creator_revision = 1;
}

static void seal(struct acpi_sdt_header *h)
{
	h->checksum = 0;
	h->checksum = (u8)-acpi_checksum(h, h->length);
}

static void build_rsdp(u8 *base, const struct layout *l, u64 gpa)
{
	struct acpi_rsdp *r = (struct acpi_rsdp *)(base + l->rsdp);

	memcpy(r->signature, ACPI_RSDP_SIG, sizeof(r->signature));
	memcpy(r->oem_id, OEM_ID, sizeof(r->oem_id));
	r->revision = 2;
	r->length = ACPI_RSDP_V2_LEN;
	r->xsdt_address = gpa + l->xsdt;
	r->checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->extended_checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V2_LEN);
}

static void build_xsdt(u8 *base, const struct layout *l, u64 gpa)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)(base + l->xsdt);
	u64 entries[2] = { gpa + l->fadt, gpa + l->madt };

	header(h, "XSDT", ACPI_SDT_HEADER_LEN + sizeof(entries), 1);
	memcpy(h + 1, entries, sizeof(entries));
	seal(h);
}

static void build_fadt(u8 *base, const struct layout *l, u64 gpa)
{
	struct acpi_fadt *f = (struct acpi_fadt *)(base + l->fadt);

	header(&f->header, "FACP", sizeof(*f), FADT_REVISION);
	f->dsdt = (u32)(gpa + l->dsdt);
	f->x_dsdt = gpa + l->dsdt;
	f->flags = FADT_HW_REDUCED_ACPI;
	f->iapc_boot_arch = IAPC_VGA_NOT_PRESENT;
	f->minor_version = FADT_MINOR_VERSION;
	seal(&f->header);
}

static void build_dsdt(u8 *base, const struct layout *l)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)(base + l->dsdt);

	header(h, "DSDT", ACPI_SDT_HEADER_LEN, 2);	/* no devices to describe yet */
	seal(h);
}

static void build_madt(const struct acpi_build_config *cfg, u8 *base, const struct layout *l)
{
	struct acpi_madt *m = (struct acpi_madt *)(base + l->madt);
	u8 *p = (u8 *)(m + 1);
	struct acpi_madt_ioapic *io;
	struct acpi_madt_iso *iso;
	struct acpi_madt_lapic_nmi *nmi;

	header(&m->header, ACPI_MADT_SIG, l->madt_len, 5);
	m->lapic_address = cfg->lapic_base;
	m->flags = cfg->pcat_compat ? ACPI_MADT_PCAT_COMPAT : 0;
	/* The boot processor first (5.2.12.1). */
	for (unsigned int i = 0; i < cfg->nr_cpus; i++, p += sizeof(struct acpi_madt_lapic)) {
		struct acpi_madt_lapic *c = (struct acpi_madt_lapic *)p;

		*c = (struct acpi_madt_lapic){
			.h = { ACPI_MADT_TYPE_LAPIC, sizeof(*c) },
			.processor_uid = (u8)i,
			.apic_id = (u8)i,
			.flags = ACPI_MADT_ENABLED,
		};
	}
	io = (struct acpi_madt_ioapic *)p;
	*io = (struct acpi_madt_ioapic){ .h = { ACPI_MADT_TYPE_IOAPIC, sizeof(*io) },
					 .ioapic_id = cfg->ioapic_id, .address = cfg->ioapic_base };
	iso = (struct acpi_madt_iso *)(io + 1);
	*iso = (struct acpi_madt_iso){ .h = { ACPI_MADT_TYPE_ISO, sizeof(*iso) },
				       .source_irq = PIT_IRQ, .gsi = PIT_GSI };
	nmi = (struct acpi_madt_lapic_nmi *)(iso + 1);
	*nmi = (struct acpi_madt_lapic_nmi){ .h = { ACPI_MADT_TYPE_LAPIC_NMI, sizeof(*nmi) },
					     .processor_uid = NMI_ALL_PROCESSORS,
					     .lint = NMI_LINT };
	seal(&m->header);
}

long acpi_build_tables(const struct acpi_build_config *cfg, void *buf, u64 gpa, u64 size)
{
	struct layout l;

	if (!cfg->nr_cpus || cfg->nr_cpus > ACPI_BUILD_MAX_CPUS)
		return -EINVAL;
	plan(cfg, &l);
	if (gpa + l.end > (1ULL << 32))
		return -EINVAL;
	if (l.end > size)
		return -E2BIG;
	memset(buf, 0, l.end);
	build_dsdt(buf, &l);
	build_fadt(buf, &l, gpa);
	build_madt(cfg, buf, &l);
	build_xsdt(buf, &l, gpa);
	build_rsdp(buf, &l, gpa);
	return (long)l.end;
}
