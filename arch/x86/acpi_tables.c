/*
 * ACPI static tables: RSDP -> RSDT/XSDT -> FADT -> DSDT, and the \_S5
 * package in the DSDT's AML, which is all that powering off needs; and the
 * MADT's processors and interrupt controllers for SMP bring-up.  No AML
 * interpreter: \_S5 is almost always a plain Name() of a Package of
 * integer constants, so a byte-pattern search finds it.
 *
 * Firmware tables are untrusted input: every length is checked against its
 * table's declared length (itself sanity-capped) before a byte is read, and
 * tables with bad checksums are skipped.  Memory is reached only through
 * phys_to_virt().
 */
#include "arch/acpi.h"
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* No real table comes near this; a larger length is garbage, not a table. */
#define ACPI_TABLE_MAX_LEN	MiB(16)

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

/* The root table chosen by acpi_init(); nr_entries is 0 until then. */
static struct {
	hpa_t root;
	bool xsdt;
	u32 nr_entries;
} acpi;

/* Returns the 8-bit sum of the len bytes at p (0 for a valid structure). */
u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		sum += b[i];
	}
	return sum;
}

/* Is the table at pa (mapped at h) well formed?  Prints why not. */
static bool table_valid(const struct acpi_sdt_header *h, hpa_t pa)
{
	unsigned long long a = pa;
	u8 sum;

	if (h->length < ACPI_SDT_HEADER_LEN) {
		kprintf("acpi: skipping %.4s at 0x%llx: length %u is shorter than its header\n",
			h->signature, a, h->length);
		return false;
	}
	if (h->length > ACPI_TABLE_MAX_LEN) {
		kprintf("acpi: skipping %.4s at 0x%llx: implausible length 0x%x\n",
			h->signature, a, h->length);
		return false;
	}
	sum = acpi_checksum(h, h->length);
	if (sum) {
		kprintf("acpi: skipping %.4s at 0x%llx: bad checksum (bytes sum to 0x%02x)\n",
			h->signature, a, sum);
		return false;
	}
	return true;
}

static int check_rsdp_v2(const struct acpi_rsdp *r, unsigned int rsdp_len)
{
	if (r->length < ACPI_RSDP_V2_LEN || r->length > rsdp_len) {
		kprintf("acpi: RSDP length %u is outside [%u, %u]\n", r->length,
			ACPI_RSDP_V2_LEN, rsdp_len);
		return -EINVAL;
	}
	if (acpi_checksum(r, r->length)) {
		kprintf("acpi: RSDP extended checksum is bad\n");
		return -EINVAL;
	}
	return 0;
}

/* Validate the RSDP; *v2 says whether its XSDT fields may be used. */
static int check_rsdp(const struct acpi_rsdp *r, unsigned int rsdp_len, bool *v2)
{
	*v2 = false;
	if (!r) {
		kprintf("acpi: no RSDP (the loader passed no ACPI tag)\n");
		return -EINVAL;
	}
	if (rsdp_len < ACPI_RSDP_V1_LEN) {
		kprintf("acpi: the RSDP copy is %u bytes, an RSDP has at least %u\n",
			rsdp_len, ACPI_RSDP_V1_LEN);
		return -EINVAL;
	}
	if (memcmp(r->signature, ACPI_RSDP_SIG, sizeof(r->signature))) {
		kprintf("acpi: bad RSDP signature, not \"%s\"\n", ACPI_RSDP_SIG);
		return -EINVAL;
	}
	if (acpi_checksum(r, ACPI_RSDP_V1_LEN)) {
		kprintf("acpi: RSDP checksum is bad\n");
		return -EINVAL;
	}
	if (r->revision < 2) {
		return 0;
	}
	/* A loader's "old" copy of a v2 RSDP stops at 20 bytes: RSDT only. */
	if (rsdp_len < ACPI_RSDP_V2_LEN) {
		kprintf("acpi: revision %u RSDP copy has only %u bytes, using the RSDT\n",
			r->revision, rsdp_len);
		return 0;
	}
	*v2 = true;
	return check_rsdp_v2(r, rsdp_len);
}

/* Adopt the RSDT or XSDT at pa as the root table if it is valid. */
static int use_root(hpa_t pa, bool xsdt)
{
	const char *sig = xsdt ? "XSDT" : "RSDT";
	const struct acpi_sdt_header *h = phys_to_virt(pa);

	if (memcmp(h->signature, sig, 4)) {
		kprintf("acpi: table at 0x%llx is not the %s the RSDP names\n",
			(unsigned long long)pa, sig);
		return -EINVAL;
	}
	if (!table_valid(h, pa)) {
		return -EINVAL;
	}
	acpi.root = pa;
	acpi.xsdt = xsdt;
	acpi.nr_entries = (h->length - ACPI_SDT_HEADER_LEN) / (xsdt ? 8 : 4);
	return 0;
}

/* Validate the RSDP copy and choose the XSDT (rev >= 2, nonzero) or RSDT. */
int acpi_init(const void *rsdp, unsigned int rsdp_len)
{
	const struct acpi_rsdp *r = rsdp;
	int err = -ENOENT;
	bool v2;

	acpi.nr_entries = 0;
	if (check_rsdp(r, rsdp_len, &v2)) {
		return -EINVAL;
	}
	if (v2 && r->xsdt_address) {
		err = use_root(r->xsdt_address, true);
		if (!err) {
			return 0;
		}
	}
	if (!r->rsdt_address) {
		kprintf("acpi: the RSDP names no usable RSDT or XSDT\n");
		return err;
	}
	if (v2 && r->xsdt_address) {
		kprintf("acpi: falling back to the RSDT\n");
	}
	return use_root(r->rsdt_address, false);
}

/* The physical address in entry i of the root table (entries may be unaligned). */
static hpa_t root_entry(u32 i)
{
	const u8 *p = (const u8 *)phys_to_virt(acpi.root) + ACPI_SDT_HEADER_LEN;
	u64 v64;
	u32 v32;

	if (acpi.xsdt) {
		memcpy(&v64, p + (size_t)i * 8, sizeof(v64));
		return v64;
	}
	memcpy(&v32, p + (size_t)i * 4, sizeof(v32));
	return v32;
}

/* Returns the index'th valid table with signature sig, or NULL. */
const struct acpi_sdt_header *acpi_find_table(const char sig[4], unsigned int index)
{
	u32 i;

	for (i = 0; i < acpi.nr_entries; i++) {
		hpa_t pa = root_entry(i);
		const struct acpi_sdt_header *h;

		if (!pa) {
			continue;
		}
		h = phys_to_virt(pa);
		if (memcmp(h->signature, sig, 4) || !table_valid(h, pa)) {
			continue;
		}
		if (index-- == 0) {
			return h;
		}
	}
	return NULL;
}

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
	if (!table_valid(h, pa)) {
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

/*
 * MADT parsing (5.2.12).  Every interrupt controller structure is checked
 * to lie whole within the table's length before any field of it is read.
 */

/* State of one MADT walk besides the caller's result. */
struct madt_walk {
	struct acpi_madt_info *out;
	u64 dup_reported;		/* bit i: apic_id[i] was reported duplicated */
	bool have_override;
	unsigned int ioapics_dropped;
};
_Static_assert(ACPI_MAX_CPUS <= 64, "dup_reported has a bit per CPU slot");

/* The slot of id among the CPUs kept so far, or -1. */
static int madt_cpu_slot(const struct acpi_madt_info *out, u32 id)
{
	unsigned int i;

	for (i = 0; i < out->nr_cpus; i++) {
		if (out->apic_id[i] == id) {
			return (int)i;
		}
	}
	return -1;
}

/* Keep the processor with APIC id id if Enabled (5.2.12.2), once. */
static void madt_add_cpu(struct madt_walk *w, u32 id, u32 flags)
{
	struct acpi_madt_info *out = w->out;
	int slot;

	if (!(flags & ACPI_MADT_ENABLED)) {
		return;		/* absent, or only Online Capable */
	}
	slot = madt_cpu_slot(out, id);
	if (slot >= 0) {
		if (!(w->dup_reported & BIT(slot))) {
			kprintf("acpi: MADT lists APIC id 0x%x more than once, using it once\n",
				id);
			w->dup_reported |= BIT(slot);
		}
		return;
	}
	if (out->nr_cpus == ACPI_MAX_CPUS) {
		out->dropped++;
		return;
	}
	out->apic_id[out->nr_cpus++] = id;
}

static void madt_lapic(struct madt_walk *w, const struct acpi_madt_lapic *e)
{
	madt_add_cpu(w, e->apic_id, e->flags);
}

/* An x2APIC id of 0xffffffff is the broadcast id, never a processor's. */
static void madt_x2apic(struct madt_walk *w, const struct acpi_madt_x2apic *e)
{
	if (e->x2apic_id == 0xffffffff) {
		if (e->flags & ACPI_MADT_ENABLED) {
			kprintf("acpi: MADT x2APIC structure with the broadcast id, skipped\n");
		}
		return;
	}
	madt_add_cpu(w, e->x2apic_id, e->flags);
}

static void madt_ioapic(struct madt_walk *w, const struct acpi_madt_ioapic *e)
{
	struct acpi_madt_info *out = w->out;
	struct acpi_ioapic_info *io;

	if (out->nr_ioapics == ACPI_MAX_IOAPICS) {
		w->ioapics_dropped++;
		return;
	}
	io = &out->ioapic[out->nr_ioapics++];
	io->id = e->ioapic_id;
	io->addr = e->address;
	io->gsi_base = e->gsi_base;
}

/* 5.2.12.8: the override replaces the header's address; only one may exist. */
static void madt_lapic_override(struct madt_walk *w, const struct acpi_madt_lapic_override *e)
{
	struct acpi_madt_info *out = w->out;

	if (w->have_override) {
		kprintf("acpi: MADT has more than one local APIC address override, using the first\n");
		return;
	}
	if (!e->address) {
		kprintf("acpi: MADT local APIC address override of 0 ignored\n");
		return;
	}
	w->have_override = true;
	out->lapic_phys = e->address;
	if (e->address <= 0xffffffffu) {
		out->lapic_base = (u32)e->address;
	} else {
		kprintf("acpi: local APIC address override 0x%llx is above 4 GiB\n", e->address);
	}
}

/* The size of the structure of this type that is parsed, or 0 if it is skipped. */
static u8 madt_entry_min_len(u8 type)
{
	switch (type) {
	case ACPI_MADT_TYPE_LAPIC:
		return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_TYPE_IOAPIC:
		return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
		return sizeof(struct acpi_madt_lapic_override);
	case ACPI_MADT_TYPE_X2APIC:
		return sizeof(struct acpi_madt_x2apic);
	default:
		return 0;
	}
}

/*
 * Parse the structure e, known to lie within the table.  Structures longer
 * than this revision's are accepted (later revisions may append fields).
 */
static int madt_entry(struct madt_walk *w, const struct acpi_madt_entry *e, u32 off)
{
	u8 min = madt_entry_min_len(e->type);

	if (e->length < min) {
		kprintf("acpi: MADT structure of type %u at offset %u is %u bytes, needs %u\n",
			e->type, off, e->length, min);
		return -EINVAL;
	}
	switch (e->type) {
	case ACPI_MADT_TYPE_LAPIC:
		madt_lapic(w, (const void *)e);
		break;
	case ACPI_MADT_TYPE_IOAPIC:
		madt_ioapic(w, (const void *)e);
		break;
	case ACPI_MADT_TYPE_LAPIC_OVERRIDE:
		madt_lapic_override(w, (const void *)e);
		break;
	case ACPI_MADT_TYPE_X2APIC:
		madt_x2apic(w, (const void *)e);
		break;
	default:
		break;
	}
	return 0;
}

/* Walk the interrupt controller structures after the MADT header (5.2.12). */
static int madt_walk_entries(struct madt_walk *w, const struct acpi_madt *m)
{
	const u8 *base = (const u8 *)m;
	u32 len = m->header.length;
	u32 off = sizeof(*m);
	int err;

	while (off < len) {
		const struct acpi_madt_entry *e = (const void *)(base + off);

		if (len - off < sizeof(*e)) {
			kprintf("acpi: MADT ends inside a structure header at offset %u\n", off);
			return -EINVAL;
		}
		if (e->length < sizeof(*e)) {
			kprintf("acpi: MADT structure at offset %u has length %u\n", off, e->length);
			return -EINVAL;
		}
		if (e->length > len - off) {
			kprintf("acpi: MADT structure at offset %u (%u bytes) runs past the table's end at %u\n",
				off, e->length, len);
			return -EINVAL;
		}
		err = madt_entry(w, e, off);
		if (err) {
			return err;
		}
		off += e->length;
	}
	return 0;
}

/* Checks and messages once the walk is done; -EINVAL if unusable. */
static int madt_finish(const struct madt_walk *w)
{
	const struct acpi_madt_info *out = w->out;

	if (out->dropped) {
		kprintf("acpi: MADT lists %u enabled processors beyond the first %u, ignored\n",
			out->dropped, ACPI_MAX_CPUS);
	}
	if (w->ioapics_dropped) {
		kprintf("acpi: MADT lists %u I/O APICs beyond the first %u, ignored\n",
			w->ioapics_dropped, ACPI_MAX_IOAPICS);
	}
	if (!out->nr_cpus) {
		kprintf("acpi: MADT lists no enabled processor\n");
		return -EINVAL;
	}
	if (!out->lapic_phys) {
		kprintf("acpi: MADT gives no local APIC address\n");
		return -EINVAL;
	}
	return 0;
}

/* Fill out from the first valid MADT; out is zeroed on error. */
int acpi_get_madt(struct acpi_madt_info *out)
{
	const struct acpi_madt *m = (const void *)acpi_find_table(ACPI_MADT_SIG, 0);
	struct madt_walk w = { .out = out };
	int err;

	memset(out, 0, sizeof(*out));
	if (!m) {
		kprintf("acpi: no valid MADT (APIC), cannot enumerate processors\n");
		return -ENOENT;
	}
	if (m->header.length < sizeof(*m)) {
		kprintf("acpi: the MADT is %u bytes, shorter than its %zu-byte header\n",
			m->header.length, sizeof(*m));
		return -EINVAL;
	}
	out->lapic_base = m->lapic_address;
	out->lapic_phys = m->lapic_address;
	out->pcat_compat = m->flags & ACPI_MADT_PCAT_COMPAT;
	err = madt_walk_entries(&w, m);
	if (!err) {
		err = madt_finish(&w);
	}
	if (err) {
		memset(out, 0, sizeof(*out));
	}
	return err;
}
