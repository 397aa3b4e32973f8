/*
 * ACPI table parsing against tables laid out in the fake physical arena:
 * RSDP v1/v2, RSDT/XSDT, FADT and a DSDT holding a small \_S5 package, and
 * the MADT's processors, I/O APICs and local APIC address.
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
#include "fake.h"
#include "lib/errno.h"

#define ARENA_SIZE	0x100000u
#define RSDT_OFF	0x1000u
#define XSDT_OFF	0x2000u
#define FADT_OFF	0x3000u
#define DSDT_OFF	0x4000u
#define APIC_OFF	0x5000u
#define FADT2_OFF	0x6000u
#define DSDT2_OFF	0x7000u
#define BAD_OFF		0x8000u

/* Bochs/QEMU PIIX4 values: PM base 0xb000 (PM1a_CNT at +4), SMI port 0xb2. */
#define PM1A_LEGACY	0xb004
#define SMI_CMD		0xb2
#define ACPI_ENABLE	0xf1

static u8 *arena;
static struct acpi_rsdp rsdp;

static hpa_t pa_of(u32 off)
{
	return FAKE_PHYS_BASE + off;
}

static struct acpi_sdt_header *table_at(u32 off)
{
	return (struct acpi_sdt_header *)(arena + off);
}

static struct acpi_sdt_header *mk_table(u32 off, const char *sig, u32 len)
{
	struct acpi_sdt_header *h = table_at(off);

	memset(h, 0, len);
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 1;
	memcpy(h->oem_id, "SLOTVS", 6);
	memcpy(h->oem_table_id, "UNITTEST", 8);
	return h;
}

static void seal(struct acpi_sdt_header *h)
{
	h->checksum = 0;
	h->checksum = (u8)-acpi_checksum(h, h->length);
}

static void mk_rsdt(u32 off, const u32 *tables, unsigned int n)
{
	struct acpi_sdt_header *h = mk_table(off, "RSDT", ACPI_SDT_HEADER_LEN + 4 * n);
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 pa = tables[i] ? (u32)pa_of(tables[i]) : 0;

		memcpy((u8 *)h + ACPI_SDT_HEADER_LEN + 4 * i, &pa, 4);
	}
	seal(h);
}

/* XSDT entries sit at offset 36: 4- but not 8-aligned, as in real firmware. */
static void mk_xsdt(u32 off, const u32 *tables, unsigned int n)
{
	struct acpi_sdt_header *h = mk_table(off, "XSDT", ACPI_SDT_HEADER_LEN + 8 * n);
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 pa = tables[i] ? pa_of(tables[i]) : 0;

		memcpy((u8 *)h + ACPI_SDT_HEADER_LEN + 8 * i, &pa, 8);
	}
	seal(h);
}

static void seal_rsdp(void)
{
	rsdp.checksum = 0;
	rsdp.checksum = (u8)-acpi_checksum(&rsdp, ACPI_RSDP_V1_LEN);
	rsdp.extended_checksum = 0;
	rsdp.extended_checksum = (u8)-acpi_checksum(&rsdp, sizeof(rsdp));
}

static void mk_rsdp(u8 revision, u32 rsdt_off, u32 xsdt_off)
{
	memset(&rsdp, 0, sizeof(rsdp));
	memcpy(rsdp.signature, ACPI_RSDP_SIG, 8);
	memcpy(rsdp.oem_id, "SLOTVS", 6);
	rsdp.revision = revision;
	rsdp.rsdt_address = rsdt_off ? (u32)pa_of(rsdt_off) : 0;
	rsdp.length = sizeof(rsdp);
	rsdp.xsdt_address = xsdt_off ? pa_of(xsdt_off) : 0;
	seal_rsdp();
}

/* A FADT of len bytes with Bochs-like legacy fields and no X_ fields. */
static struct acpi_fadt *mk_fadt(u32 off, u32 len, u32 dsdt_off)
{
	struct acpi_fadt *f = (void *)mk_table(off, "FACP", len);

	f->dsdt = (u32)pa_of(dsdt_off);
	f->smi_cmd = SMI_CMD;
	f->acpi_enable = ACPI_ENABLE;
	f->acpi_disable = 0xf0;
	f->pm1a_evt_blk = 0xb000;
	f->pm1a_cnt_blk = PM1A_LEGACY;
	f->pm1_cnt_len = 2;
	seal(&f->header);
	return f;
}

static struct acpi_sdt_header *mk_dsdt(u32 off, const u8 *aml, u32 n)
{
	struct acpi_sdt_header *h = mk_table(off, "DSDT", ACPI_SDT_HEADER_LEN + n);

	if (n) {
		memcpy((u8 *)h + ACPI_SDT_HEADER_LEN, aml, n);
	}
	seal(h);
	return h;
}

static void set_gas(struct acpi_gas *g, u8 space, u64 address)
{
	g->address_space_id = space;
	g->register_bit_width = 16;
	g->access_size = 2;
	g->address = address;
}

/* QEMU's aml-build: Name(_S5, Package(4){Zero, Zero, Zero, Zero}), after _S3. */
static const u8 aml_qemu[] = {
	0x10, 0x05, '_', 'S', 'B', '_',				/* Scope(_SB) {} */
	0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
	0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
};

/* Bochs BIOS (older iasl): Name(\_S5, Package(4){0x00, 0x00, 0x00, 0x00}). */
static const u8 aml_bochs[] = {
	0x08, '\\', '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x0a, 0x02, 0x0a, 0x02,
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x0a, 0x04,
	0x0a, 0x00, 0x0a, 0x00, 0x0a, 0x00, 0x0a, 0x00,
};

/* Intel ICH firmware: Name(\_S5, Package(4){0x07, Zero, Zero, Zero}). */
static const u8 aml_ich[] = {
	0x08, '\\', '_', 'S', '5', '_', 0x12, 0x07, 0x04, 0x0a, 0x07, 0x00, 0x00, 0x00,
};

static int setup(void **state)
{
	static const u32 tables[] = { APIC_OFF, FADT_OFF };

	arena = fake_mem_init(ARENA_SIZE);
	mk_table(APIC_OFF, "APIC", 44);
	seal(table_at(APIC_OFF));
	mk_fadt(FADT_OFF, sizeof(struct acpi_fadt), DSDT_OFF);
	mk_dsdt(DSDT_OFF, aml_qemu, sizeof(aml_qemu));
	mk_rsdt(RSDT_OFF, tables, ARRAY_SIZE(tables));
	mk_xsdt(XSDT_OFF, tables, ARRAY_SIZE(tables));
	mk_rsdp(0, RSDT_OFF, 0);
	return 0;
}

static int teardown(void **state)
{
	fake_mem_exit();
	return 0;
}

static struct acpi_pm pm;

/* Initialise from the current rsdp and read the PM values. */
static int init_and_get(unsigned int rsdp_len)
{
	int err = acpi_init(&rsdp, rsdp_len);

	if (err) {
		return err;
	}
	return acpi_get_pm(&pm);
}

static struct acpi_fadt *fadt_at(u32 off)
{
	return (struct acpi_fadt *)table_at(off);
}

static void checksum(void **state)
{
	static const u8 bytes[] = { 0x10, 0x20, 0xf0, 0x30 };

	assert_int_equal(acpi_checksum(bytes, sizeof(bytes)), 0x50);
	assert_int_equal(acpi_checksum(bytes, 0), 0);
}

static void qemu_s5_zero_ops(void **state)
{
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);
	assert_int_equal(pm.pm1b_cnt, 0);
	assert_int_equal(pm.smi_cmd, SMI_CMD);
	assert_int_equal(pm.acpi_enable, ACPI_ENABLE);
	assert_int_equal(pm.slp_typa, 0);
	assert_int_equal(pm.slp_typb, 0);
}

static void bochs_s5_byte_prefix(void **state)
{
	mk_dsdt(DSDT_OFF, aml_bochs, sizeof(aml_bochs));
	pm.slp_typa = pm.slp_typb = 0xffff;
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.slp_typa, 0);
	assert_int_equal(pm.slp_typb, 0);
}

static void ich_s5_mixed(void **state)
{
	mk_dsdt(DSDT_OFF, aml_ich, sizeof(aml_ich));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.slp_typa, 7);
	assert_int_equal(pm.slp_typb, 0);
}

static void s5_one_word_dword(void **state)
{
	static const u8 one[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01 };
	static const u8 word[] = {
		0x08, '^', '_', 'S', '5', '_', 0x12, 0x08, 0x02, 0x0b, 0x05, 0x00, 0x0b, 0x34, 0x12,
	};
	static const u8 dword[] = {
		0x08, '_', 'S', '5', '_', 0x12, 0x09, 0x02, 0x0c, 0x06, 0, 0, 0, 0x0a, 0x03,
	};

	mk_dsdt(DSDT_OFF, one, sizeof(one));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.slp_typa, 1);
	assert_int_equal(pm.slp_typb, 1);

	mk_dsdt(DSDT_OFF, word, sizeof(word));
	assert_int_equal(acpi_get_pm(&pm), 0);
	assert_int_equal(pm.slp_typa, 5);
	assert_int_equal(pm.slp_typb, 0x1234);

	mk_dsdt(DSDT_OFF, dword, sizeof(dword));
	assert_int_equal(acpi_get_pm(&pm), 0);
	assert_int_equal(pm.slp_typa, 6);
	assert_int_equal(pm.slp_typb, 3);
}

/* One element holding both: SLP_TYPa in bits 0-7, SLP_TYPb in bits 8-15. */
static void s5_single_element(void **state)
{
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05, 0x06 };

	mk_dsdt(DSDT_OFF, aml, sizeof(aml));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.slp_typa, 5);
	assert_int_equal(pm.slp_typb, 6);
}

/* A package long enough for a two-byte PkgLength (0x43 = 67 bytes). */
static void s5_long_pkglength(void **state)
{
	u8 aml[5 + 1 + 2 + 1 + 64] = { 0x08, '_', 'S', '5', '_', 0x12, 0x43, 0x04, 32 };
	unsigned int i;

	for (i = 0; i < 32; i++) {
		aml[9 + 2 * i] = 0x0a;
		aml[10 + 2 * i] = (u8)(3 + i);
	}
	mk_dsdt(DSDT_OFF, aml, sizeof(aml));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.slp_typa, 3);
	assert_int_equal(pm.slp_typb, 4);
}

/* "_S5_" that is not a Name of a package of constants is passed over. */
static void s5_skips_non_names(void **state)
{
	static const u8 aml[] = {
		0x14, 0x0b, '_', 'S', '5', '_', 0x00,		/* Method(_S5) */
		0x70, 0x0a, 0x05, 'X', '_', 'S', '5',		/* Store(5, X_S5) */
		0x08, '_', 'S', '5', '_', 0x0a, 0x05,		/* Name(_S5, 5) */
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0xff, 0xff, /* Ones */
		0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x02, 0x01,
	};

	mk_dsdt(DSDT_OFF, aml, sizeof(aml));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.slp_typa, 2);
	assert_int_equal(pm.slp_typb, 1);
}

static void missing_s5(void **state)
{
	static const u8 aml[] = {
		0x08, '_', 'S', '3', '_', 0x12, 0x06, 0x04, 0x01, 0x01, 0x00, 0x00,
	};
	char out[512];

	mk_dsdt(DSDT_OFF, aml, sizeof(aml));
	capture_begin();
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), -ENOENT);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "acpi: no \\_S5"));

	mk_dsdt(DSDT_OFF, NULL, 0);	/* an empty DSDT */
	assert_int_equal(acpi_get_pm(&pm), -ENOENT);
}

/*
 * The bytes after the DSDT's declared length would complete the package:
 * reading them would wrongly succeed.
 */
static void s5_truncated_by_length(void **state)
{
	static const u8 aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x02, 0x0a, 0x05 };
	static const u8 rest[] = { 0x0a, 0x06, 0x00 };
	static const u8 name[] = { 0x08, '_', 'S', '5' };
	static const u8 name_rest[] = { '_', 0x12, 0x04, 0x02, 0x01, 0x01 };
	struct acpi_sdt_header *h;

	h = mk_dsdt(DSDT_OFF, aml, sizeof(aml));
	memcpy((u8 *)h + h->length, rest, sizeof(rest));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), -ENOENT);

	/* The name itself cut by the length. */
	h = mk_dsdt(DSDT_OFF, name, sizeof(name));
	memcpy((u8 *)h + h->length, name_rest, sizeof(name_rest));
	assert_int_equal(acpi_get_pm(&pm), -ENOENT);

	/* A PkgLength whose follow bytes lie past the end. */
	h = mk_dsdt(ARENA_SIZE - ACPI_SDT_HEADER_LEN - 7, aml, 7);
	fadt_at(FADT_OFF)->dsdt = (u32)pa_of(ARENA_SIZE - ACPI_SDT_HEADER_LEN - 7);
	seal(&fadt_at(FADT_OFF)->header);
	((u8 *)h)[ACPI_SDT_HEADER_LEN + 6] = 0xc1;	/* 3 follow bytes */
	seal(h);
	assert_int_equal(acpi_get_pm(&pm), -ENOENT);
}

static void bad_rsdp(void **state)
{
	char out[512];

	capture_begin();
	rsdp.checksum ^= 1;
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), -EINVAL);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "acpi: RSDP checksum is bad"));
	/* Nothing from a failed init is used. */
	assert_null(acpi_find_table("FACP", 0));
	assert_int_equal(acpi_get_pm(&pm), -ENOENT);

	mk_rsdp(0, RSDT_OFF, 0);
	rsdp.signature[4] = 'p';
	seal_rsdp();
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), -EINVAL);

	mk_rsdp(0, RSDT_OFF, 0);
	assert_int_equal(acpi_init(&rsdp, 19), -EINVAL);
	assert_int_equal(acpi_init(NULL, 36), -EINVAL);

	/* Revision 2: the extended checksum covers all 36 bytes. */
	mk_rsdp(2, RSDT_OFF, XSDT_OFF);
	rsdp.reserved[1] = 0x5a;
	assert_int_equal(acpi_init(&rsdp, sizeof(rsdp)), -EINVAL);
	mk_rsdp(2, RSDT_OFF, XSDT_OFF);
	rsdp.length = 64;	/* longer than the copy */
	seal_rsdp();
	assert_int_equal(acpi_init(&rsdp, sizeof(rsdp)), -EINVAL);

	mk_rsdp(0, 0, 0);
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), -ENOENT);
}

/* XSDT and RSDT name different FADTs, so the one used shows which was read. */
static void xsdt_chosen_for_v2(void **state)
{
	static const u32 xtables[] = { APIC_OFF, FADT2_OFF };
	struct acpi_fadt *f2 = mk_fadt(FADT2_OFF, sizeof(struct acpi_fadt), DSDT_OFF);

	f2->pm1a_cnt_blk = 0x604;
	seal(&f2->header);
	mk_xsdt(XSDT_OFF, xtables, ARRAY_SIZE(xtables));

	mk_rsdp(2, RSDT_OFF, XSDT_OFF);
	assert_int_equal(init_and_get(sizeof(rsdp)), 0);
	assert_int_equal(pm.pm1a_cnt, 0x604);

	/* A 20-byte copy of a v2 RSDP can only give the RSDT. */
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);

	/* Revision 0 ignores the XSDT fields altogether. */
	mk_rsdp(0, RSDT_OFF, XSDT_OFF);
	assert_int_equal(init_and_get(sizeof(rsdp)), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);

	/* No XSDT address: the RSDT. */
	mk_rsdp(2, RSDT_OFF, 0);
	assert_int_equal(init_and_get(sizeof(rsdp)), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);

	/* A corrupt XSDT: fall back to the RSDT. */
	mk_rsdp(2, RSDT_OFF, XSDT_OFF);
	table_at(XSDT_OFF)->checksum ^= 0x40;
	assert_int_equal(init_and_get(sizeof(rsdp)), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);

	/* ... and with no RSDT to fall back to, fail. */
	mk_rsdp(2, 0, XSDT_OFF);
	assert_int_equal(acpi_init(&rsdp, sizeof(rsdp)), -EINVAL);
}

static void find_tables(void **state)
{
	static const u32 tables[] = { 0, APIC_OFF, FADT_OFF, BAD_OFF, APIC_OFF };

	mk_table(BAD_OFF, "HPET", ACPI_SDT_HEADER_LEN + 20);
	seal(table_at(BAD_OFF));
	mk_rsdt(RSDT_OFF, tables, ARRAY_SIZE(tables));
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), 0);
	assert_ptr_equal(acpi_find_table("APIC", 0), table_at(APIC_OFF));
	assert_ptr_equal(acpi_find_table("APIC", 1), table_at(APIC_OFF));
	assert_null(acpi_find_table("APIC", 2));
	assert_ptr_equal(acpi_find_table("HPET", 0), table_at(BAD_OFF));
	assert_ptr_equal(acpi_find_table("FACP", 0), table_at(FADT_OFF));
	assert_null(acpi_find_table("MCFG", 0));
	/* The DSDT is reached through the FADT, never listed in the root. */
	assert_null(acpi_find_table("DSDT", 0));
}

static void bad_checksum_table_skipped(void **state)
{
	static const u32 tables[] = { BAD_OFF, APIC_OFF, FADT_OFF };
	struct acpi_fadt *bad = mk_fadt(BAD_OFF, sizeof(struct acpi_fadt), DSDT_OFF);
	char out[1024];

	bad->pm1a_cnt_blk = 0x1111;	/* changed after sealing */
	mk_rsdt(RSDT_OFF, tables, ARRAY_SIZE(tables));
	capture_begin();
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	capture_end(out, sizeof(out));
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);
	assert_ptr_equal(acpi_find_table("FACP", 0), table_at(FADT_OFF));
	assert_null(acpi_find_table("FACP", 1));
	assert_non_null(strstr(out, "acpi: skipping FACP at 0x40008000: bad checksum"));

	/* Implausible lengths are rejected before any byte is summed. */
	bad->header.length = 0x7fffffff;
	assert_ptr_equal(acpi_find_table("FACP", 0), table_at(FADT_OFF));
	bad->header.length = 20;
	assert_ptr_equal(acpi_find_table("FACP", 0), table_at(FADT_OFF));
}

static void bad_root_table(void **state)
{
	table_at(RSDT_OFF)->checksum ^= 1;
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), -EINVAL);
	seal(table_at(RSDT_OFF));
	memcpy(table_at(RSDT_OFF)->signature, "XSDT", 4);
	seal(table_at(RSDT_OFF));
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), -EINVAL);
}

static void x_fields_preferred(void **state)
{
	static const u8 aml_x[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x05, 0x01 };
	struct acpi_fadt *f = fadt_at(FADT_OFF);

	set_gas(&f->x_pm1a_cnt_blk, ACPI_GAS_SYSTEM_IO, 0x604);
	set_gas(&f->x_pm1b_cnt_blk, ACPI_GAS_SYSTEM_IO, 0x608);
	mk_dsdt(DSDT2_OFF, aml_x, sizeof(aml_x));
	f->x_dsdt = pa_of(DSDT2_OFF);
	seal(&f->header);
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.pm1a_cnt, 0x604);
	assert_int_equal(pm.pm1b_cnt, 0x608);
	assert_int_equal(pm.slp_typa, 5);
	assert_int_equal(pm.slp_typb, 1);

	/* Memory-space or zero X_ blocks give way to the 32-bit fields. */
	f->x_pm1a_cnt_blk.address_space_id = ACPI_GAS_SYSTEM_MEMORY;
	f->x_pm1b_cnt_blk.address = 0;
	f->pm1b_cnt_blk = 0xb044;
	f->x_dsdt = 0;
	seal(&f->header);
	assert_int_equal(acpi_get_pm(&pm), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);
	assert_int_equal(pm.pm1b_cnt, 0xb044);
	assert_int_equal(pm.slp_typa, 0);	/* the 32-bit DSDT: QEMU's */
}

/*
 * An ACPI 1.0 FADT ends at 116 bytes: the X_ fields beyond it hold
 * attractive garbage that must not be read.
 */
static void short_fadt(void **state)
{
	struct acpi_fadt *f = mk_fadt(FADT_OFF, sizeof(struct acpi_fadt), DSDT_OFF);

	set_gas(&f->x_pm1a_cnt_blk, ACPI_GAS_SYSTEM_IO, 0x604);
	f->x_dsdt = pa_of(DSDT2_OFF);
	mk_dsdt(DSDT2_OFF, aml_ich, sizeof(aml_ich));
	f->header.length = 116;
	f->header.revision = 1;
	seal(&f->header);
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), 0);
	assert_int_equal(pm.pm1a_cnt, PM1A_LEGACY);
	assert_int_equal(pm.slp_typa, 0);

	/* Too short even for PM1b_CNT_BLK. */
	f->header.length = 70;
	seal(&f->header);
	assert_int_equal(acpi_get_pm(&pm), -EINVAL);
}

static void fadt_problems(void **state)
{
	static const u32 no_fadt[] = { APIC_OFF };
	struct acpi_fadt *f = fadt_at(FADT_OFF);

	f->pm1a_cnt_blk = 0;
	seal(&f->header);
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), -ENOENT);

	mk_fadt(FADT_OFF, sizeof(struct acpi_fadt), DSDT_OFF);
	table_at(DSDT_OFF)->checksum ^= 0x10;
	assert_int_equal(acpi_get_pm(&pm), -EINVAL);

	f->dsdt = (u32)pa_of(APIC_OFF);	/* not a DSDT */
	seal(&f->header);
	assert_int_equal(acpi_get_pm(&pm), -EINVAL);

	f->dsdt = 0;
	seal(&f->header);
	assert_int_equal(acpi_get_pm(&pm), -ENOENT);

	mk_rsdt(RSDT_OFF, no_fadt, ARRAY_SIZE(no_fadt));
	assert_int_equal(init_and_get(ACPI_RSDP_V1_LEN), -ENOENT);
}

/* ---- MADT (5.2.12) ---------------------------------------------------- */

#define LAPIC_PA	0xfee00000u
#define IOAPIC_PA	0xfec00000u
#define EN		ACPI_MADT_ENABLED
#define OC		ACPI_MADT_ONLINE_CAPABLE

static struct acpi_madt_info madt;

/* An MADT with no interrupt controller structures yet. */
static struct acpi_madt *mk_madt(u32 off, u32 lapic, u32 flags)
{
	struct acpi_madt *m = (void *)mk_table(off, ACPI_MADT_SIG, sizeof(*m));

	m->lapic_address = lapic;
	m->flags = flags;
	seal(&m->header);
	return m;
}

/* Append the n bytes at e to the MADT m and reseal it. */
static void madt_put(struct acpi_madt *m, const void *e, u32 n)
{
	memcpy((u8 *)m + m->header.length, e, n);
	m->header.length += n;
	seal(&m->header);
}

static void put_lapic(struct acpi_madt *m, u8 uid, u8 id, u32 flags)
{
	struct acpi_madt_lapic e = {
		.h = { ACPI_MADT_TYPE_LAPIC, sizeof(e) },
		.processor_uid = uid, .apic_id = id, .flags = flags,
	};

	madt_put(m, &e, sizeof(e));
}

static void put_ioapic(struct acpi_madt *m, u8 id, u32 addr, u32 gsi_base)
{
	struct acpi_madt_ioapic e = {
		.h = { ACPI_MADT_TYPE_IOAPIC, sizeof(e) },
		.ioapic_id = id, .address = addr, .gsi_base = gsi_base,
	};

	madt_put(m, &e, sizeof(e));
}

static void put_x2apic(struct acpi_madt *m, u32 id, u32 flags, u32 uid)
{
	struct acpi_madt_x2apic e = {
		.h = { ACPI_MADT_TYPE_X2APIC, sizeof(e) },
		.x2apic_id = id, .flags = flags, .processor_uid = uid,
	};

	madt_put(m, &e, sizeof(e));
}

static void put_override(struct acpi_madt *m, u64 addr)
{
	struct acpi_madt_lapic_override e = {
		.h = { ACPI_MADT_TYPE_LAPIC_OVERRIDE, sizeof(e) },
		.address = addr,
	};

	madt_put(m, &e, sizeof(e));
}

static int init_and_get_madt(void)
{
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), 0);
	return acpi_get_madt(&madt);
}

/* How often needle occurs in hay. */
static unsigned int count_str(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

static void assert_madt_zeroed(void)
{
	static const struct acpi_madt_info zero;

	assert_memory_equal(&madt, &zero, sizeof(madt));
}

/*
 * Bochs/QEMU with two CPUs: PCAT_COMPAT, two enabled local APICs, one
 * I/O APIC, interrupt source overrides and a local APIC NMI (skipped).
 */
static void madt_bochs(void **state)
{
	static const u8 iso_irq0[] = { 2, 10, 0, 0, 2, 0, 0, 0, 0x00, 0x00 };
	static const u8 iso_sci[] = { 2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0x00 };
	static const u8 lapic_nmi[] = { 4, 6, 0xff, 0x00, 0x00, 0x01 };
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, ACPI_MADT_PCAT_COMPAT);
	char out[512];

	put_lapic(m, 0, 0, EN);
	put_lapic(m, 1, 1, EN);
	put_ioapic(m, 2, IOAPIC_PA, 0);
	madt_put(m, iso_irq0, sizeof(iso_irq0));
	madt_put(m, iso_sci, sizeof(iso_sci));
	madt_put(m, lapic_nmi, sizeof(lapic_nmi));

	capture_begin();
	assert_int_equal(init_and_get_madt(), 0);
	capture_end(out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(madt.lapic_base, LAPIC_PA);
	assert_int_equal(madt.lapic_phys, LAPIC_PA);
	assert_true(madt.pcat_compat);
	assert_int_equal(madt.nr_cpus, 2);
	assert_int_equal(madt.apic_id[0], 0);
	assert_int_equal(madt.apic_id[1], 1);
	assert_int_equal(madt.dropped, 0);
	assert_int_equal(madt.nr_ioapics, 1);
	assert_int_equal(madt.ioapic[0].id, 2);
	assert_int_equal(madt.ioapic[0].addr, IOAPIC_PA);
	assert_int_equal(madt.ioapic[0].gsi_base, 0);
	/* The overrides: the PIT's IRQ 0 on GSI 2, the SCI level and active high (0x0d). */
	assert_int_equal(madt.nr_isos, 2);
	assert_int_equal(madt.iso[0].irq, 0);
	assert_int_equal(madt.iso[0].gsi, 2);
	assert_int_equal(madt.iso[0].flags, 0);
	assert_int_equal(madt.iso[1].irq, 9);
	assert_int_equal(madt.iso[1].gsi, 9);
	assert_int_equal(madt.iso[1].flags, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_HIGH);
}

/* Overrides of another bus than ISA, of an IRQ above 15, or twice of one IRQ: said and skipped. */
static void madt_iso_odd(void **state)
{
	static const u8 iso_bus1[] = { 2, 10, 1, 4, 20, 0, 0, 0, 0x00, 0x00 };
	static const u8 iso_irq16[] = { 2, 10, 0, 16, 20, 0, 0, 0, 0x00, 0x00 };
	static const u8 iso_com1[] = { 2, 10, 0, 4, 20, 0, 0, 0, 0x0f, 0x00 };
	static const u8 iso_com1_again[] = { 2, 10, 0, 4, 21, 0, 0, 0, 0x00, 0x00 };
	static const u8 iso_short[] = { 2, 9, 0, 4, 20, 0, 0, 0, 0x00 };
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	char out[512];

	put_lapic(m, 0, 0, EN);
	madt_put(m, iso_bus1, sizeof(iso_bus1));
	madt_put(m, iso_irq16, sizeof(iso_irq16));
	madt_put(m, iso_com1, sizeof(iso_com1));
	madt_put(m, iso_com1_again, sizeof(iso_com1_again));
	capture_begin();
	assert_int_equal(init_and_get_madt(), 0);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "override of bus 1 IRQ 4 ignored"));
	assert_non_null(strstr(out, "override of bus 0 IRQ 16 ignored"));
	assert_non_null(strstr(out, "overrides ISA IRQ 4 more than once, using the first"));
	assert_int_equal(madt.nr_isos, 1);
	assert_int_equal(madt.iso[0].irq, 4);
	assert_int_equal(madt.iso[0].gsi, 20);
	assert_int_equal(madt.iso[0].flags, ACPI_MPS_TRIGGER_LEVEL | ACPI_MPS_POLARITY_LOW);

	/* A structure shorter than an override's 10 bytes: the MADT is refused. */
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	madt_put(m, iso_short, sizeof(iso_short));
	capture_begin();
	assert_int_equal(init_and_get_madt(), -EINVAL);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "structure of type 2 at offset 52 is 9 bytes, needs 10"));
}

/* Absent and merely Online Capable processors are not listed. */
static void madt_disabled_cpus_skipped(void **state)
{
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);

	put_lapic(m, 0, 0, EN);
	put_lapic(m, 1, 1, 0);		/* QEMU's hot-pluggable, absent CPU */
	put_lapic(m, 2, 2, OC);
	put_lapic(m, 3, 3, EN | BIT(5));	/* reserved bits are ignored */
	put_x2apic(m, 0x100, 0, 4);
	put_x2apic(m, 0x101, OC, 5);
	put_ioapic(m, 0, IOAPIC_PA, 0);
	assert_int_equal(init_and_get_madt(), 0);
	assert_false(madt.pcat_compat);
	assert_int_equal(madt.nr_cpus, 2);
	assert_int_equal(madt.apic_id[0], 0);
	assert_int_equal(madt.apic_id[1], 3);
	assert_int_equal(madt.dropped, 0);
}

/* x2APIC structures (5.2.12.12) alongside local APIC ones. */
static void madt_x2apic(void **state)
{
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, ACPI_MADT_PCAT_COMPAT);
	char out[512];

	put_lapic(m, 0, 0, EN);
	put_x2apic(m, 0x100, EN, 1);
	put_x2apic(m, 0x12345, EN, 2);
	put_x2apic(m, 0x102, OC, 3);
	put_x2apic(m, 0xffffffff, EN, 4);	/* the broadcast id */
	put_ioapic(m, 0, IOAPIC_PA, 0);
	capture_begin();
	assert_int_equal(init_and_get_madt(), 0);
	capture_end(out, sizeof(out));
	assert_int_equal(madt.nr_cpus, 3);
	assert_int_equal(madt.apic_id[0], 0);
	assert_int_equal(madt.apic_id[1], 0x100);
	assert_int_equal(madt.apic_id[2], 0x12345);
	assert_non_null(strstr(out, "acpi: MADT x2APIC structure with the broadcast id"));
}

/* A repeated APIC id is kept once and reported once, whatever its type. */
static void madt_duplicate_ids(void **state)
{
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	char out[1024];

	put_lapic(m, 0, 1, EN);
	put_lapic(m, 1, 0, EN);
	put_lapic(m, 2, 1, EN);
	put_x2apic(m, 1, EN, 3);
	put_lapic(m, 4, 1, EN);
	put_lapic(m, 5, 0, 0);		/* disabled: not a duplicate */
	put_lapic(m, 6, 2, EN);
	capture_begin();
	assert_int_equal(init_and_get_madt(), 0);
	capture_end(out, sizeof(out));
	assert_int_equal(madt.nr_cpus, 3);
	assert_int_equal(madt.apic_id[0], 1);
	assert_int_equal(madt.apic_id[1], 0);
	assert_int_equal(madt.apic_id[2], 2);
	assert_int_equal(count_str(out, "more than once"), 1);
	assert_non_null(strstr(out, "acpi: MADT lists APIC id 0x1 more than once"));
}

/* 5.2.12.8: the 64-bit override wins over the header's 32-bit address. */
static void madt_lapic_override(void **state)
{
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	char out[1024];

	put_lapic(m, 0, 0, EN);
	put_override(m, 0xfed00000);
	assert_int_equal(init_and_get_madt(), 0);
	assert_int_equal(madt.lapic_phys, 0xfed00000);
	assert_int_equal(madt.lapic_base, 0xfed00000);

	/* Above 4 GiB: only lapic_phys can hold it. */
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_override(m, 0x1000fee00000ULL);
	put_lapic(m, 0, 0, EN);
	put_override(m, 0xfed00000);		/* a second one is ignored */
	capture_begin();
	assert_int_equal(acpi_get_madt(&madt), 0);
	capture_end(out, sizeof(out));
	assert_int_equal(madt.lapic_phys, 0x1000fee00000ULL);
	assert_int_equal(madt.lapic_base, LAPIC_PA);
	assert_non_null(strstr(out, "more than one local APIC address override"));

	/* An override of 0 is no override. */
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	put_override(m, 0);
	assert_int_equal(acpi_get_madt(&madt), 0);
	assert_int_equal(madt.lapic_phys, LAPIC_PA);
	assert_int_equal(madt.lapic_base, LAPIC_PA);
}

/* Processors beyond ACPI_MAX_CPUS are counted, I/O APICs beyond 8 ignored. */
static void madt_too_many_cpus(void **state)
{
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, ACPI_MADT_PCAT_COMPAT);
	char out[1024];
	unsigned int i;

	for (i = 0; i < ACPI_MAX_CPUS + 4; i++) {
		put_lapic(m, (u8)i, (u8)i, EN);
	}
	put_lapic(m, 200, 200, 0);		/* disabled: not dropped */
	put_lapic(m, 5, 5, EN);			/* a duplicate: not dropped */
	put_x2apic(m, 0x200, EN, 0x200);
	put_x2apic(m, 0x201, EN, 0x201);
	for (i = 0; i < ACPI_MAX_IOAPICS + 2; i++) {
		put_ioapic(m, (u8)(i + 1), IOAPIC_PA + 0x1000 * i, 24 * i);
	}
	assert_true(m->header.length < FADT2_OFF - APIC_OFF);
	capture_begin();
	assert_int_equal(init_and_get_madt(), 0);
	capture_end(out, sizeof(out));
	assert_int_equal(madt.nr_cpus, ACPI_MAX_CPUS);
	for (i = 0; i < ACPI_MAX_CPUS; i++) {
		assert_int_equal(madt.apic_id[i], i);
	}
	assert_int_equal(madt.dropped, 6);
	assert_int_equal(madt.nr_ioapics, ACPI_MAX_IOAPICS);
	assert_int_equal(madt.ioapic[7].id, 8);
	assert_int_equal(madt.ioapic[7].addr, IOAPIC_PA + 0x7000);
	assert_int_equal(madt.ioapic[7].gsi_base, 24 * 7);
	assert_non_null(strstr(out, "acpi: MADT lists 6 enabled processors beyond the first 64"));
	assert_non_null(strstr(out, "acpi: MADT lists 2 I/O APICs beyond the first 8"));
}

/* Later revisions may lengthen a structure; unknown types are skipped. */
static void madt_long_and_unknown_entries(void **state)
{
	static const u8 lapic10[] = { 0, 10, 0, 7, EN, 0, 0, 0, 0xee, 0xee };
	static const u8 unknown[20] = { 0x80, 20, 0, 0xff, EN };
	static const u8 gicc[80] = { 0x0b, 80 };
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);

	madt_put(m, unknown, sizeof(unknown));
	madt_put(m, lapic10, sizeof(lapic10));
	madt_put(m, gicc, sizeof(gicc));
	put_lapic(m, 1, 8, EN);
	assert_int_equal(init_and_get_madt(), 0);
	assert_int_equal(madt.nr_cpus, 2);
	assert_int_equal(madt.apic_id[0], 7);
	assert_int_equal(madt.apic_id[1], 8);
	assert_int_equal(madt.nr_ioapics, 0);
}

/*
 * Structures cut by the table's length, or shorter than their type needs.
 * The bytes after the declared length would complete them: reading them
 * would wrongly succeed.
 */
static void madt_truncated_entries(void **state)
{
	static const u32 tables[] = { FADT_OFF, ARENA_SIZE - 54 };
	static const u8 short_lapic[] = { 0, 6, 0, 0, EN, 0 };
	static const u8 short_x2apic[12] = { 9, 12, 0, 0, 1, 0, 0, 0, EN };
	static const u8 short_override[8] = { 5, 8 };
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	char out[512];

	/* The second local APIC's last 4 bytes are beyond the length. */
	put_lapic(m, 0, 0, EN);
	put_lapic(m, 1, 1, EN);
	m->header.length -= 4;
	seal(&m->header);
	capture_begin();
	assert_int_equal(init_and_get_madt(), -EINVAL);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "acpi: MADT structure at offset 52 (8 bytes) runs past"));
	assert_madt_zeroed();

	/* One byte left: not even a structure header. */
	m->header.length = sizeof(*m) + 8 + 1;
	seal(&m->header);
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);

	/* Shorter than their types' structures, though within the table. */
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	madt_put(m, short_lapic, sizeof(short_lapic));
	put_lapic(m, 1, 1, EN);
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	madt_put(m, short_x2apic, sizeof(short_x2apic));
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	madt_put(m, short_override, sizeof(short_override));
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);

	/* A table too short for the MADT header itself. */
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	m->header.length = ACPI_SDT_HEADER_LEN + 4;
	seal(&m->header);
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);

	/* At the arena's very end: an x2APIC structure cut after 2 bytes. */
	m = mk_madt(ARENA_SIZE - 54, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	((u8 *)m)[52] = ACPI_MADT_TYPE_X2APIC;
	((u8 *)m)[53] = sizeof(struct acpi_madt_x2apic);
	m->header.length = 54;
	seal(&m->header);
	mk_rsdt(RSDT_OFF, tables, ARRAY_SIZE(tables));
	assert_int_equal(init_and_get_madt(), -EINVAL);
	assert_madt_zeroed();
}

/* A length of 0 or 1 would never advance: the walk stops with -EINVAL. */
static void madt_zero_length_entry(void **state)
{
	static const u8 zero[] = { 0x7f, 0, 0, 0 };
	static const u8 one[] = { 0, 1, 0, 0 };
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	char out[512];

	put_lapic(m, 0, 0, EN);
	madt_put(m, zero, sizeof(zero));
	put_lapic(m, 1, 1, EN);
	capture_begin();
	assert_int_equal(init_and_get_madt(), -EINVAL);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "acpi: MADT structure at offset 52 has length 0"));
	assert_madt_zeroed();

	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	madt_put(m, one, sizeof(one));
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);
}

/* No enabled processor, or no local APIC address, is no usable MADT. */
static void madt_unusable(void **state)
{
	struct acpi_madt *m = mk_madt(APIC_OFF, LAPIC_PA, 0);

	put_lapic(m, 0, 0, OC);
	put_ioapic(m, 0, IOAPIC_PA, 0);
	assert_int_equal(init_and_get_madt(), -EINVAL);
	assert_madt_zeroed();

	m = mk_madt(APIC_OFF, 0, 0);
	put_lapic(m, 0, 0, EN);
	assert_int_equal(acpi_get_madt(&madt), -EINVAL);
	put_override(m, LAPIC_PA);
	assert_int_equal(acpi_get_madt(&madt), 0);
	assert_int_equal(madt.lapic_phys, LAPIC_PA);
}

static void madt_missing(void **state)
{
	static const u32 no_madt[] = { FADT_OFF };
	struct acpi_madt *m;
	char out[1024];

	mk_rsdt(RSDT_OFF, no_madt, ARRAY_SIZE(no_madt));
	capture_begin();
	assert_int_equal(init_and_get_madt(), -ENOENT);
	capture_end(out, sizeof(out));
	assert_non_null(strstr(out, "acpi: no valid MADT (APIC)"));
	assert_madt_zeroed();

	/* A MADT with a bad checksum is no MADT. */
	setup(state);
	m = mk_madt(APIC_OFF, LAPIC_PA, 0);
	put_lapic(m, 0, 0, EN);
	m->header.checksum ^= 1;
	assert_int_equal(init_and_get_madt(), -ENOENT);

	/* Nor is one when acpi_init() failed. */
	seal(&m->header);
	rsdp.checksum ^= 1;
	assert_int_equal(acpi_init(&rsdp, ACPI_RSDP_V1_LEN), -EINVAL);
	assert_int_equal(acpi_get_madt(&madt), -ENOENT);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksum),
		T(qemu_s5_zero_ops),
		T(bochs_s5_byte_prefix),
		T(ich_s5_mixed),
		T(s5_one_word_dword),
		T(s5_single_element),
		T(s5_long_pkglength),
		T(s5_skips_non_names),
		T(missing_s5),
		T(s5_truncated_by_length),
		T(bad_rsdp),
		T(xsdt_chosen_for_v2),
		T(find_tables),
		T(bad_checksum_table_skipped),
		T(bad_root_table),
		T(x_fields_preferred),
		T(short_fadt),
		T(fadt_problems),
		T(madt_bochs),
		T(madt_iso_odd),
		T(madt_disabled_cpus_skipped),
		T(madt_x2apic),
		T(madt_duplicate_ids),
		T(madt_lapic_override),
		T(madt_too_many_cpus),
		T(madt_long_and_unknown_entries),
		T(madt_truncated_entries),
		T(madt_zero_length_entry),
		T(madt_unusable),
		T(madt_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
