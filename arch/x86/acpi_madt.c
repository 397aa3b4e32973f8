/* The MADT: processors and interrupt controllers for SMP bring-up (ACPI 6.x 5.2.12). */
#include "arch/acpi.h"
#include "arch/memory.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

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

/*
 * 5.2.12.5: an ISA IRQ wired to another GSI, or with another polarity or
 * trigger mode than the ISA bus's.  Only bus 0 (ISA) is defined; the
 * first override of an IRQ counts, a second is said and ignored.
 */
static void madt_iso(struct madt_walk *w, const struct acpi_madt_iso *e)
{
	struct acpi_madt_info *out = w->out;
	unsigned int i;

	if (e->bus != ACPI_MADT_ISO_BUS_ISA || e->source_irq >= ACPI_MAX_ISOS) {
		kprintf("acpi: MADT interrupt source override of bus %u IRQ %u ignored\n", e->bus,
			e->source_irq);
		return;
	}
	for (i = 0; i < out->nr_isos; i++) {
		if (out->iso[i].irq == e->source_irq) {
			kprintf("acpi: MADT overrides ISA IRQ %u more than once, using the first\n",
				e->source_irq);
			return;
		}
	}
	out->iso[out->nr_isos++] = (struct acpi_iso_info){
		.irq = e->source_irq, .gsi = e->gsi, .flags = e->flags
	};
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
	case ACPI_MADT_TYPE_ISO:
		return sizeof(struct acpi_madt_iso);
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
	case ACPI_MADT_TYPE_ISO:
		madt_iso(w, (const void *)e);
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
