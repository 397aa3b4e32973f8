/*
 * The guest's ACPI tables (include/devices/acpi_build.h).  Each table is
 * written at an 8-byte aligned offset after the last, its length fixed
 * before its checksum (5.2.6: all bytes of the table sum to zero).
 */
#include "arch/acpi.h"
#include "devices/acpi_build.h"
#include "devices/acpi_pm.h"
#include "devices/rtc_cmos.h"
#include "lib/errno.h"
#include "lib/string.h"

#define OEM_ID "SLOTVS"
#define OEM_TABLE_ID "SLOTVISR"
#define CREATOR_ID 0x534c5456	/* "SLTV" */
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 5
/*
 * Table 5.10: a full FADT states WBINVD (required), C1 on every CPU, no
 * fixed power or sleep button, and the 32-bit PM timer the device has.
 */
#define FADT_FIXED_HW_FLAGS (ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_PWR_BUTTON | \
			     ACPI_FADT_SLP_BUTTON | ACPI_FADT_TMR_VAL_EXT)
#define BITS_PER_BYTE 8
#define IAPC_VGA_NOT_PRESENT BIT(2)	/* Table 5.11 */
#define PIT_IRQ 0
#define PIT_GSI 2			/* the I/O APIC's pin 2, as on every PC */
#define MPS_INTI_ACTIVE_HIGH 0x1	/* 5.2.12.5, Table 5.26: polarity, bits 1:0 */
#define MPS_INTI_LEVEL 0xc		/* trigger mode, bits 3:2 */
#define NMI_ALL_PROCESSORS 0xff
#define NMI_LINT 1

/* AML opcodes and resource descriptors (ACPI 6.5, 20.2 and 6.4). */
#define AML_ZERO_OP 0x00
#define AML_NAME_OP 0x08
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_SLEEP_PKG_ELEMENTS 4	/* SLP_TYPa, SLP_TYPb, two reserved (7.4.2) */
#define AML_BYTE_PREFIX 0x0a
#define AML_EXT_OP_PREFIX 0x5b
#define AML_DEVICE_OP 0x82
#define AML_ROOT_CHAR 0x5c
#define AML_PKG_LENGTH_1_MAX 0x3f	/* one byte holds lengths up to 63 */
#define AML_PKG_LENGTH_2_MAX 0xfff	/* two bytes, up to 4095 */
#define RES_IO_PORT 0x47		/* 6.4.2.5, 7 bytes follow */
#define RES_IO_DECODE16 0x01
#define RES_IRQ_NO_FLAGS 0x22		/* 6.4.2.1: edge, active high */
#define RES_MEMORY32_FIXED 0x86		/* 6.4.3.4, 9 bytes follow */
#define RES_MEMORY32_RW 0x01
#define RES_EXT_IRQ 0x89		/* 6.4.3.6, 6 bytes follow for one interrupt */
#define RES_EXT_IRQ_CONSUMER BIT(0)	/* level (bit 1 clear), active high (bit 2 clear), exclusive */
#define RES_END_TAG 0x79
#define EISAID_PNP0501 0x0105d041	/* EisaId ("PNP0501"): a 16550A-compatible UART */
#define EISAID_PNP0B00 0x000bd041	/* EisaId ("PNP0B00"): an AT real-time clock */
#define VIRTIO_MMIO_HID "LNRO0005"	/* what Linux's virtio_mmio driver matches in ACPI */
#define COM1_PORT 0x3f8
#define COM1_PORTS 8
#define COM1_IRQ 4
#define AML_DEVICE_MAX 80		/* one Device () below, bytes */
#define AML_SLEEP_PKG_MAX 16		/* Name (\_Sx_, Package (4) { four bytes }) */
#define DSDT_SCOPE_MAX (8 + (ACPI_BUILD_MAX_VIRTIO + 2) * AML_DEVICE_MAX)
#define DSDT_BODY_MAX (DSDT_SCOPE_MAX + 2 * AML_SLEEP_PKG_MAX)
_Static_assert(DSDT_SCOPE_MAX <= AML_PKG_LENGTH_2_MAX, "\\_SB's PkgLength fits two bytes");

struct layout {
	u64 facs, rsdp, rsdt, xsdt, fadt, dsdt, madt, end;
	u32 dsdt_len, madt_len;
	u8 dsdt_body[DSDT_BODY_MAX];
};

/*
 * A PkgLength (ACPI 20.2.4) for body bytes that follow it, written at out;
 * returns its size.  Lengths count the PkgLength itself.
 */
static u32 aml_pkg_length(u8 *out, u32 body)
{
	if (body + 1 <= AML_PKG_LENGTH_1_MAX) {
		out[0] = (u8)(body + 1);
		return 1;
	}
	out[0] = (u8)(0x40 | ((body + 2) & 0xf));	/* two bytes: bits 3:0, then 11:4 */
	out[1] = (u8)((body + 2) >> 4);
	return 2;
}

/* The NameOp and a four-character name at out; its length. */
static u32 aml_name(u8 *out, const char seg[4])
{
	out[0] = AML_NAME_OP;
	memcpy(out + 1, seg, 4);
	return 5;
}

/* Name (seg, DWord) at out; its length. */
static u32 aml_name_dword(u8 *out, const char seg[4], u32 val)
{
	u32 n = aml_name(out, seg);

	out[n++] = AML_DWORD_PREFIX;
	memcpy(out + n, &val, 4);
	return n + 4;
}

/* Name (seg, Zero), or Name (seg, val) as a byte. */
static u32 aml_name_byte(u8 *out, const char seg[4], u8 val)
{
	u32 n = aml_name(out, seg);

	if (!val) {
		out[n++] = AML_ZERO_OP;
		return n;
	}
	out[n++] = AML_BYTE_PREFIX;
	out[n++] = val;
	return n;
}

/* Name (seg, "str"). */
static u32 aml_name_string(u8 *out, const char seg[4], const char *str)
{
	u32 n = aml_name(out, seg), len = (u32)strlen(str);

	out[n++] = AML_STRING_PREFIX;
	memcpy(out + n, str, len + 1);
	return n + len + 1;
}

/* Name (_CRS, Buffer () { res }): res is a resource template of len bytes, end tag included. */
static u32 aml_crs(u8 *out, const u8 *res, u32 len)
{
	u32 n = aml_name(out, "_CRS");

	out[n++] = AML_BUFFER_OP;
	n += aml_pkg_length(out + n, 2 + len);
	out[n++] = AML_BYTE_PREFIX;
	out[n++] = (u8)len;
	memcpy(out + n, res, len);
	return n + len;
}

/* Device (seg) { body } at out; its length. */
static u32 aml_device(u8 *out, const char seg[4], const u8 *body, u32 len)
{
	u32 n = 0;

	out[n++] = AML_EXT_OP_PREFIX;
	out[n++] = AML_DEVICE_OP;
	n += aml_pkg_length(out + n, 4 + len);
	memcpy(out + n, seg, 4);
	n += 4;
	memcpy(out + n, body, len);
	return n + len;
}

/*
 * COM1 as a PNP0501 device with its ports and IRQ 4.  A hardware-reduced
 * guest has no legacy ISA bus to find it on: this is how Linux maps IRQ 4
 * to I/O APIC pin 4 (as Firecracker does).
 *   Device (COM1) { Name (_HID, EisaId ("PNP0501")) Name (_UID, Zero)
 *     Name (_CRS, ResourceTemplate () {
 *       IO (Decode16, 0x3F8, 0x3F8, 1, 8) IRQNoFlags () {4} }) }
 */
static u32 aml_com1(u8 *out)
{
	static const u8 crs[] = {
		RES_IO_PORT, RES_IO_DECODE16, COM1_PORT & 0xff, COM1_PORT >> 8,
		COM1_PORT & 0xff, COM1_PORT >> 8, 1, COM1_PORTS,
		RES_IRQ_NO_FLAGS, (1u << COM1_IRQ) & 0xff, (1u << COM1_IRQ) >> 8,
		RES_END_TAG, 0,
	};
	u8 dev[AML_DEVICE_MAX];
	u32 d = 0;

	d += aml_name_dword(dev + d, "_HID", EISAID_PNP0501);
	d += aml_name_byte(dev + d, "_UID", 0);
	d += aml_crs(dev + d, crs, sizeof(crs));
	return aml_device(out, "COM1", dev, d);
}

/*
 * The RTC (devices/rtc_cmos.c) as a PNP0B00 device with its two ports and
 * no interrupt, which is the truth: it raises no IRQ 8.  Linux's rtc_cmos
 * binds to it through PNP, sees no IRQ on a machine without a legacy PIC
 * (hardware-reduced ACPI) and drops alarm support; without the device it
 * registers a platform RTC at IRQ 8, whose request_irq() fails (EINVAL:
 * no such IRQ without the legacy PIC) and takes the whole driver down.
 *   Device (RTC_) { Name (_HID, EisaId ("PNP0B00"))
 *     Name (_CRS, ResourceTemplate () { IO (Decode16, 0x70, 0x70, 1, 2) }) }
 */
static u32 aml_rtc(u8 *out)
{
	static const u8 crs[] = {
		RES_IO_PORT, RES_IO_DECODE16, RTC_INDEX_PORT, 0, RTC_INDEX_PORT, 0, 1, RTC_PORTS,
		RES_END_TAG, 0,
	};
	u8 dev[AML_DEVICE_MAX];
	u32 d = 0;

	d += aml_name_dword(dev + d, "_HID", EISAID_PNP0B00);
	d += aml_crs(dev + d, crs, sizeof(crs));
	return aml_device(out, "RTC_", dev, d);
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

/*
 * Virtio-mmio device i, as Firecracker and QEMU's microvm describe theirs:
 *   Device (VRi) { Name (_HID, "LNRO0005") Name (_UID, i)
 *     Name (_CRS, ResourceTemplate () {
 *       Memory32Fixed (ReadWrite, base, size)
 *       Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) {gsi} }) }
 * A level interrupt: the device's InterruptStatus holds its line up until
 * the driver acknowledges (virtio 1.2, 4.2.3.4).
 */
static u32 aml_virtio(u8 *out, unsigned int i, const struct acpi_virtio_mmio *v)
{
	u8 crs[12 + 9 + 2] = {
		RES_MEMORY32_FIXED, 9, 0, RES_MEMORY32_RW, [12] = RES_EXT_IRQ, 6, 0,
		RES_EXT_IRQ_CONSUMER, 1, [21] = RES_END_TAG, 0,
	};
	char seg[5] = { 'V', 'R', '0', (char)('0' + i), 0 };
	u8 dev[AML_DEVICE_MAX];
	u32 d = 0;

	put32(crs + 4, v->base);
	put32(crs + 8, v->size);
	put32(crs + 17, v->gsi);
	d += aml_name_string(dev + d, "_HID", VIRTIO_MMIO_HID);
	d += aml_name_byte(dev + d, "_UID", (u8)i);
	d += aml_crs(dev + d, crs, sizeof(crs));
	return aml_device(out, seg, dev, d);
}

/*
 * Name (\name, Package (4) { slp_typ, slp_typ, Zero, Zero }): the SLP_TYP
 * values OSPM writes to PM1a_CNT (and PM1b_CNT, which is absent) to enter
 * that sleeping state (7.4.2).
 */
static u32 aml_sleep_package(u8 *out, const char name[4], u8 slp_typ)
{
	u32 n = 0;

	out[n++] = AML_NAME_OP;
	out[n++] = AML_ROOT_CHAR;
	memcpy(out + n, name, 4);
	n += 4;
	out[n++] = AML_PACKAGE_OP;
	n += aml_pkg_length(out + n, 1 + AML_SLEEP_PKG_ELEMENTS * 2);
	out[n++] = AML_SLEEP_PKG_ELEMENTS;
	for (unsigned int i = 0; i < AML_SLEEP_PKG_ELEMENTS; i++) {
		out[n++] = AML_BYTE_PREFIX;
		out[n++] = i < 2 ? slp_typ : 0;
	}
	return n;
}

/*
 * The DSDT's AML: Scope (\_SB) { COM1, the RTC, then each virtio-mmio
 * device }, and with fixed hardware \_S3_ and \_S5_ (QEMU's PIIX4 values).
 */
static u32 dsdt_aml(const struct acpi_build_config *cfg, u8 *out)
{
	u8 scope[DSDT_SCOPE_MAX];
	u32 n = aml_com1(scope), len = 0;

	n += aml_rtc(scope + n);

	for (unsigned int i = 0; i < cfg->nr_virtio; i++)
		n += aml_virtio(scope + n, i, &cfg->virtio[i]);
	out[len++] = AML_SCOPE_OP;
	len += aml_pkg_length(out + len, 5 + n);
	out[len++] = AML_ROOT_CHAR;
	memcpy(out + len, "_SB_", 4);
	len += 4;
	memcpy(out + len, scope, n);
	len += n;
	if (cfg->fixed_hw) {
		len += aml_sleep_package(out + len, "_S3_", ACPI_PM_SLP_TYP_S3);
		len += aml_sleep_package(out + len, "_S5_", ACPI_PM_SLP_TYP_S5);
	}
	return len;
}

static u64 align8(u64 v)
{
	return (v + 7) & ~7ULL;
}

/* IRQ 0 -> GSI 2, and with fixed hardware the SCI's IRQ 9, level and active high. */
static unsigned int madt_isos(const struct acpi_build_config *cfg)
{
	return cfg->fixed_hw ? 2 : 1;
}

static void plan(const struct acpi_build_config *cfg, struct layout *l)
{
	_Static_assert(ACPI_BUILD_FACS_OFFSET == 0 && ACPI_FACS_LEN % ACPI_FACS_ALIGN == 0,
		       "the FACS first keeps it 64-byte aligned, and the RSDP 16-byte aligned");
	l->facs = ACPI_BUILD_FACS_OFFSET;
	l->rsdp = cfg->fixed_hw ? l->facs + ACPI_FACS_LEN : 0;
	l->rsdt = align8(l->rsdp + ACPI_RSDP_V2_LEN);
	l->xsdt = cfg->fixed_hw ? align8(l->rsdt + ACPI_SDT_HEADER_LEN + 2 * sizeof(u32)) : l->rsdt;
	l->fadt = align8(l->xsdt + ACPI_SDT_HEADER_LEN + 2 * sizeof(u64));
	l->dsdt = align8(l->fadt + sizeof(struct acpi_fadt));
	l->dsdt_len = ACPI_SDT_HEADER_LEN + dsdt_aml(cfg, l->dsdt_body);
	l->madt = align8(l->dsdt + l->dsdt_len);
	l->madt_len = sizeof(struct acpi_madt) + cfg->nr_cpus * sizeof(struct acpi_madt_lapic) +
		      sizeof(struct acpi_madt_ioapic) +
		      madt_isos(cfg) * sizeof(struct acpi_madt_iso) +
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

static void build_rsdp(const struct acpi_build_config *cfg, u8 *base, const struct layout *l,
		       u64 gpa)
{
	struct acpi_rsdp *r = (struct acpi_rsdp *)(base + l->rsdp);

	memcpy(r->signature, ACPI_RSDP_SIG, sizeof(r->signature));
	memcpy(r->oem_id, OEM_ID, sizeof(r->oem_id));
	r->revision = 2;
	r->length = ACPI_RSDP_V2_LEN;
	r->xsdt_address = gpa + l->xsdt;
	if (cfg->fixed_hw)	/* for an ACPI 1.0 reader too; the tables lie below 4 GiB */
		r->rsdt_address = (u32)(gpa + l->rsdt);
	r->checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->extended_checksum = (u8)-acpi_checksum(r, ACPI_RSDP_V2_LEN);
}

/* The RSDT (5.2.7): the XSDT's tables by 32-bit address. */
static void build_rsdt(u8 *base, const struct layout *l, u64 gpa)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)(base + l->rsdt);
	u32 entries[2] = { (u32)(gpa + l->fadt), (u32)(gpa + l->madt) };

	header(h, "RSDT", ACPI_SDT_HEADER_LEN + sizeof(entries), 1);
	memcpy(h + 1, entries, sizeof(entries));
	seal(h);
}

/* The FACS (5.2.10): no waking vector until OSPM writes one; no checksum. */
static void build_facs(u8 *base, const struct layout *l)
{
	struct acpi_facs *facs = (struct acpi_facs *)(base + l->facs);

	memcpy(facs->signature, ACPI_FACS_SIG, sizeof(facs->signature));
	facs->length = ACPI_FACS_LEN;
	facs->version = ACPI_FACS_VERSION;
}

static void build_xsdt(u8 *base, const struct layout *l, u64 gpa)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)(base + l->xsdt);
	u64 entries[2] = { gpa + l->fadt, gpa + l->madt };

	header(h, "XSDT", ACPI_SDT_HEADER_LEN + sizeof(entries), 1);
	memcpy(h + 1, entries, sizeof(entries));
	seal(h);
}

static struct acpi_gas gas_io(u16 port, u8 len)
{
	return (struct acpi_gas){ .address_space_id = ACPI_GAS_SYSTEM_IO,
				  .register_bit_width = (u8)(len * BITS_PER_BYTE),
				  .address = port };
}

/*
 * The fixed hardware the ACPI PM device has (5.2.9): its blocks, both as
 * ports and as X_ GASes, the SCI, the FACS, and no SMI_CMD: the machine is
 * always in ACPI mode (SCI_EN reads 1), there is no SMM to hand over from.
 */
static void fadt_fixed_hw(struct acpi_fadt *f, const struct layout *l, u64 gpa)
{
	/* X_FIRMWARE_CTRL stays 0: only one of the two may be set. */
	f->firmware_ctrl = (u32)(gpa + l->facs);
	f->sci_int = ACPI_PM_SCI_IRQ;
	f->pm1a_evt_blk = ACPI_PM1_EVT_PORT;
	f->pm1a_cnt_blk = ACPI_PM1_CNT_PORT;
	f->pm_tmr_blk = ACPI_PM_TMR_PORT;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->pm_tmr_len = ACPI_PM_TMR_LEN;
	f->p_lvl2_lat = ACPI_FADT_NO_C2_LAT;
	f->p_lvl3_lat = ACPI_FADT_NO_C3_LAT;
	f->x_pm1a_evt_blk = gas_io(ACPI_PM1_EVT_PORT, ACPI_PM1_EVT_LEN);
	f->x_pm1a_cnt_blk = gas_io(ACPI_PM1_CNT_PORT, ACPI_PM1_CNT_LEN);
	f->x_pm_tmr_blk = gas_io(ACPI_PM_TMR_PORT, ACPI_PM_TMR_LEN);
	f->flags = FADT_FIXED_HW_FLAGS;
}

static void build_fadt(const struct acpi_build_config *cfg, u8 *base, const struct layout *l,
		       u64 gpa)
{
	struct acpi_fadt *f = (struct acpi_fadt *)(base + l->fadt);

	header(&f->header, "FACP", sizeof(*f), FADT_REVISION);
	f->dsdt = (u32)(gpa + l->dsdt);
	f->x_dsdt = gpa + l->dsdt;
	if (cfg->fixed_hw)
		fadt_fixed_hw(f, l, gpa);
	else
		f->flags = ACPI_FADT_HW_REDUCED;
	/*
	 * The RTC (devices/rtc_cmos.c) is there: no IAPC_CMOS_RTC_NOT_PRESENT
	 * (Table 5.11), and its century byte is named (5.2.9, "CENTURY"), which
	 * Linux's mc146818_get_time() then reads instead of guessing 19xx/20xx.
	 */
	f->iapc_boot_arch = IAPC_VGA_NOT_PRESENT;
	f->century = RTC_CENTURY;
	f->minor_version = FADT_MINOR_VERSION;
	seal(&f->header);
}

static void build_dsdt(u8 *base, const struct layout *l)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)(base + l->dsdt);

	header(h, "DSDT", l->dsdt_len, 2);
	memcpy(h + 1, l->dsdt_body, l->dsdt_len - ACPI_SDT_HEADER_LEN);
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
	/*
	 * The SCI is a level, active-high line here (devices/acpi_pm.c), not
	 * ISA's edge: say so, as QEMU's MADT does for IRQ 9 (5.2.12.5).
	 */
	if (cfg->fixed_hw)
		*++iso = (struct acpi_madt_iso){ .h = { ACPI_MADT_TYPE_ISO, sizeof(*iso) },
						 .source_irq = ACPI_PM_SCI_IRQ,
						 .gsi = ACPI_PM_SCI_IRQ,
						 .flags = MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL };
	nmi = (struct acpi_madt_lapic_nmi *)(iso + 1);
	*nmi = (struct acpi_madt_lapic_nmi){ .h = { ACPI_MADT_TYPE_LAPIC_NMI, sizeof(*nmi) },
					     .processor_uid = NMI_ALL_PROCESSORS,
					     .lint = NMI_LINT };
	seal(&m->header);
}

long acpi_build_tables(const struct acpi_build_config *cfg, void *buf, u64 gpa, u64 size)
{
	struct layout l;

	if (!cfg->nr_cpus || cfg->nr_cpus > ACPI_BUILD_MAX_CPUS || cfg->nr_virtio > ACPI_BUILD_MAX_VIRTIO)
		return -EINVAL;
	plan(cfg, &l);
	if (gpa + l.end > (1ULL << 32))
		return -EINVAL;
	if (l.end > size)
		return -E2BIG;
	memset(buf, 0, l.end);
	build_dsdt(buf, &l);
	build_fadt(cfg, buf, &l, gpa);
	build_madt(cfg, buf, &l);
	build_xsdt(buf, &l, gpa);
	if (cfg->fixed_hw) {
		build_facs(buf, &l);
		build_rsdt(buf, &l, gpa);
	}
	build_rsdp(cfg, buf, &l, gpa);
	return (long)l.end;
}
