/*
 * Powering off through ACPI: the FADT's PM1 control blocks and the \_S5
 * package in the DSDT's AML.  No AML interpreter: \_S5 is almost always a
 * plain Name() of a Package of integer constants, so a byte-pattern search
 * finds it.  Every length is checked before a byte is read (acpi_tables.c).
 */
#include "arch/acpi.h"
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* AML opcodes and prefixes that a \_S5 package is made of. */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		'\\'
#define AML_PARENT_PREFIX	'^'

/*
 * The I/O port of a PM1 control block: the X_ GAS when it is a nonzero
 * system-I/O address that fits a port, else the 32-bit field (0 if none).
 */
static u16 pm1_port(const struct acpi_gas *x, bool has_x, u32 legacy)
{
	if (has_x && x->address_space_id == ACPI_GAS_SYSTEM_IO &&
	    x->address && x->address <= 0xffff) {
		return (u16)x->address;
	}
	if (legacy <= 0xffff) {
		return (u16)legacy;
	}
	return 0;
}

static int fadt_pm1(const struct acpi_fadt *f, struct acpi_pm *pm)
{
	pm->pm1a_cnt = pm1_port(&f->x_pm1a_cnt_blk, acpi_fadt_has(f, x_pm1a_cnt_blk),
				f->pm1a_cnt_blk);
	pm->pm1b_cnt = pm1_port(&f->x_pm1b_cnt_blk, acpi_fadt_has(f, x_pm1b_cnt_blk),
				f->pm1b_cnt_blk);
	pm->smi_cmd = f->smi_cmd;
	pm->acpi_enable = f->acpi_enable;
	if (!pm->pm1a_cnt) {
		kprintf("acpi: the FADT has no I/O-port PM1a control block\n");
		return -ENOENT;
	}
	return 0;
}

/* The DSDT the FADT names: X_DSDT when present and nonzero, else DSDT. */
static int fadt_dsdt(const struct acpi_fadt *f, const struct acpi_sdt_header **out)
{
	hpa_t pa = f->dsdt;
	const struct acpi_sdt_header *h;

	if (acpi_fadt_has(f, x_dsdt) && f->x_dsdt) {
		pa = f->x_dsdt;
	}
	if (!pa) {
		kprintf("acpi: the FADT names no DSDT\n");
		return -ENOENT;
	}
	h = phys_to_virt(pa);
	if (memcmp(h->signature, "DSDT", 4)) {
		kprintf("acpi: the DSDT the FADT names at 0x%llx has signature \"%.4s\"\n",
			(unsigned long long)pa, h->signature);
		return -EINVAL;
	}
	if (!acpi_table_valid(h, pa)) {
		return -EINVAL;
	}
	*out = h;
	return 0;
}

/*
 * Decode the PkgLength at aml[*pos] (within end); on success *len is the
 * package length, counted from the PkgLength's first byte.
 */
static bool aml_pkglength(const u8 *aml, u32 end, u32 *pos, u32 *len)
{
	u32 extra, k;
	u8 lead;

	if (*pos >= end) {
		return false;
	}
	lead = aml[(*pos)++];
	extra = lead >> 6;
	if (!extra) {
		*len = lead & 0x3f;
		return true;
	}
	if (end - *pos < extra) {
		return false;
	}
	/* With follow bytes, bits 4-5 of the lead byte are reserved. */
	*len = lead & 0x0f;
	for (k = 0; k < extra; k++) {
		*len |= (u32)aml[(*pos)++] << (4 + 8 * k);
	}
	return true;
}

/* Decode an integer constant (Zero, One, Byte/Word/DWord) at aml[*pos]. */
static bool aml_integer(const u8 *aml, u32 end, u32 *pos, u32 *val)
{
	u32 n, k;
	u8 op;

	if (*pos >= end) {
		return false;
	}
	op = aml[(*pos)++];
	switch (op) {
	case AML_ZERO_OP:
	case AML_ONE_OP:
		*val = op;
		return true;
	case AML_BYTE_PREFIX:
		n = 1;
		break;
	case AML_WORD_PREFIX:
		n = 2;
		break;
	case AML_DWORD_PREFIX:
		n = 4;
		break;
	default:
		return false;	/* OnesOp, a name, a method call: not a constant */
	}
	if (end - *pos < n) {
		return false;
	}
	*val = 0;
	for (k = 0; k < n; k++) {
		*val |= (u32)aml[(*pos)++] << (8 * k);
	}
	return true;
}

/* Read SLP_TYPa/b from the elements of a package of count elements. */
static bool s5_elements(const u8 *aml, u32 end, u32 *pos, u8 count, struct acpi_pm *pm)
{
	u32 a, b;

	if (!count || !aml_integer(aml, end, pos, &a)) {
		return false;
	}
	if (count == 1) {
		/* Old firmware packs both into one integer, as ACPICA accepts. */
		b = (a >> 8) & 0xff;
		a &= 0xff;
	} else if (!aml_integer(aml, end, pos, &b)) {
		return false;
	}
	if (a > 0xffff || b > 0xffff) {
		return false;
	}
	pm->slp_typa = (u16)a;
	pm->slp_typb = (u16)b;
	return true;
}

/* Parse "PackageOp PkgLength NumElements a b ..." at aml[pos], within len. */
static bool s5_package(const u8 *aml, u32 len, u32 pos, struct acpi_pm *pm)
{
	u32 start, pkglen, end;
	u8 count;

	if (pos >= len || aml[pos++] != AML_PACKAGE_OP) {
		return false;
	}
	start = pos;
	if (!aml_pkglength(aml, len, &pos, &pkglen)) {
		return false;
	}
	/* The package must end inside the table and after its own header. */
	if (pkglen > len - start || start + pkglen <= pos) {
		return false;
	}
	end = start + pkglen;
	count = aml[pos++];	/* NumElements; pos < end by the check above */
	return s5_elements(aml, end, &pos, count, pm);
}

/* Is the "_S5_" at aml[i] the name of a Name() (NameOp, maybe '\\' or '^')? */
static bool s5_is_named(const u8 *aml, u32 i)
{
	if (i >= 1 && aml[i - 1] == AML_NAME_OP) {
		return true;
	}
	return i >= 2 && aml[i - 2] == AML_NAME_OP &&
	       (aml[i - 1] == AML_ROOT_CHAR || aml[i - 1] == AML_PARENT_PREFIX);
}

static int find_s5(const struct acpi_sdt_header *dsdt, struct acpi_pm *pm)
{
	const u8 *aml = (const u8 *)dsdt + ACPI_SDT_HEADER_LEN;
	u32 len = dsdt->length - ACPI_SDT_HEADER_LEN;
	u32 i;

	for (i = 0; i + 4 <= len; i++) {
		if (memcmp(aml + i, "_S5_", 4) || !s5_is_named(aml, i)) {
			continue;
		}
		if (s5_package(aml, len, i + 4, pm)) {
			return 0;
		}
	}
	kprintf("acpi: no \\_S5 package of integer constants in the DSDT\n");
	return -ENOENT;
}

u16 acpi_pm_timer(unsigned int *bits)
{
	const struct acpi_fadt *f = (const void *)acpi_find_table("FACP", 0);
	u16 port;

	if (!f || !acpi_fadt_has(f, flags))
		return 0;
	if (acpi_fadt_has(f, x_pm_tmr_blk) && f->x_pm_tmr_blk.address)
		port = f->x_pm_tmr_blk.address_space_id == ACPI_GAS_SYSTEM_IO &&
		       f->x_pm_tmr_blk.address <= 0xffff ? (u16)f->x_pm_tmr_blk.address : 0;
	else	/* PM_TMR_LEN is 4 when the block exists (5.2.9) */
		port = f->pm_tmr_len == 4 && f->pm_tmr_blk <= 0xffff ? (u16)f->pm_tmr_blk : 0;
	*bits = f->flags & ACPI_FADT_TMR_VAL_EXT ? 32 : 24;
	return port;
}

/* Fill pm from the FADT and the DSDT's \_S5 package. */
int acpi_get_pm(struct acpi_pm *pm)
{
	const struct acpi_fadt *f = (const void *)acpi_find_table("FACP", 0);
	const struct acpi_sdt_header *dsdt = NULL;
	int err;

	memset(pm, 0, sizeof(*pm));
	if (!f) {
		kprintf("acpi: no valid FADT (FACP)\n");
		return -ENOENT;
	}
	if (!acpi_fadt_has(f, pm1b_cnt_blk)) {
		kprintf("acpi: the FADT is only %u bytes, too short for its PM1 control blocks\n",
			f->header.length);
		return -EINVAL;
	}
	err = fadt_pm1(f, pm);
	if (!err) {
		err = fadt_dsdt(f, &dsdt);
	}
	if (!err) {
		err = find_s5(dsdt, pm);
	}
	return err;
}
