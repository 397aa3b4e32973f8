/*
 * ACPI static tables: the RSDP, the RSDT or XSDT, and finding a table by
 * signature.  The FADT and \_S5 (power-off) are in acpi_pm.c, the MADT
 * (SMP bring-up) in acpi_madt.c.
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
bool acpi_table_valid(const struct acpi_sdt_header *h, hpa_t pa)
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
	if (!acpi_table_valid(h, pa)) {
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
		if (memcmp(h->signature, sig, 4) || !acpi_table_valid(h, pa)) {
			continue;
		}
		if (index-- == 0) {
			return h;
		}
	}
	return NULL;
}
