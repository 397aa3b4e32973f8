/*
 * The host I/O APIC's decisions, with no hardware: where an ISA IRQ
 * arrives after the MADT's interrupt source overrides (ACPI 6.x 5.2.12.5),
 * which I/O APIC serves a GSI (5.2.12.3: each serves gsi_base and the
 * entries after it), and the redirection-table entry (82093AA 3.2.4).
 * Host-tested (tests/unit/test_host_ioapic.c); host_ioapic.c writes it.
 */
#include "arch/x86/host_ioapic.h"
#include "lib/errno.h"

/* An override's MPS INTI flags; false for the reserved encodings (10b). */
static bool host_ioapic_mps_flags(u16 flags, struct host_ioapic_route *r)
{
	switch (flags & ACPI_MPS_POLARITY_MASK) {
	case ACPI_MPS_POLARITY_CONFORMS:	/* ISA: active high */
	case ACPI_MPS_POLARITY_HIGH:
		r->active_low = false;
		break;
	case ACPI_MPS_POLARITY_LOW:
		r->active_low = true;
		break;
	default:
		return false;
	}
	switch (flags & ACPI_MPS_TRIGGER_MASK) {
	case ACPI_MPS_TRIGGER_CONFORMS:		/* ISA: edge */
	case ACPI_MPS_TRIGGER_EDGE:
		r->level = false;
		break;
	case ACPI_MPS_TRIGGER_LEVEL:
		r->level = true;
		break;
	default:
		return false;
	}
	return true;
}

int host_ioapic_isa_route(const struct acpi_madt_info *m, unsigned int irq,
			  struct host_ioapic_route *r)
{
	if (irq >= HOST_ISA_IRQS)
		return -EINVAL;
	*r = (struct host_ioapic_route){ .gsi = irq, .active_low = false, .level = false };
	for (unsigned int i = 0; i < m->nr_isos; i++) {
		if (m->iso[i].irq != irq)
			continue;
		r->gsi = m->iso[i].gsi;
		return host_ioapic_mps_flags(m->iso[i].flags, r) ? 0 : -EINVAL;
	}
	return 0;
}

void host_ioapic_gsi_route(const struct acpi_madt_info *m, u32 gsi, struct host_ioapic_route *r)
{
	bool isa = gsi < HOST_ISA_IRQS;

	*r = (struct host_ioapic_route){ .gsi = gsi, .active_low = !isa, .level = !isa };
	for (unsigned int i = 0; i < m->nr_isos; i++) {
		struct host_ioapic_route o = *r;

		/* Reserved flags say nothing: the range's rule stands. */
		if (m->iso[i].gsi == gsi && host_ioapic_mps_flags(m->iso[i].flags, &o)) {
			*r = o;
			return;
		}
	}
}

u64 host_ioapic_rte(const struct host_ioapic_route *r, u8 vector, u8 apic_id, bool masked)
{
	u64 e = (vector & HOST_IOAPIC_RTE_VECTOR_MASK) | HOST_IOAPIC_RTE_DELIVERY_FIXED |
		HOST_IOAPIC_RTE_DEST_PHYSICAL;

	if (r->active_low)
		e |= HOST_IOAPIC_RTE_ACTIVE_LOW;
	if (r->level)
		e |= HOST_IOAPIC_RTE_LEVEL;
	if (masked)
		e |= HOST_IOAPIC_RTE_MASKED;
	return e | (u64)apic_id << HOST_IOAPIC_RTE_DEST_SHIFT;
}

int host_ioapic_find(const struct acpi_madt_info *m, const unsigned int *pins, u32 gsi,
		     unsigned int *pin)
{
	for (unsigned int i = 0; i < m->nr_ioapics; i++) {
		u32 base = m->ioapic[i].gsi_base;

		if (gsi >= base && gsi - base < pins[i]) {
			*pin = gsi - base;
			return (int)i;
		}
	}
	return -ENOENT;
}
