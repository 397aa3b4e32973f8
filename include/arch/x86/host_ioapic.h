/*
 * The host's I/O APICs (82093AA datasheet; the ICH/PCH I/O APIC is the
 * same register set): which one serves a Global System Interrupt, its
 * redirection-table entry from the MADT (ACPI 6.x 5.2.12.3, 5.2.12.5), and
 * routing one GSI to a vector on one CPU with every other entry masked
 * (SDM Vol. 3A 11.1 for how its messages reach the local APICs).  Not the
 * guest's emulated I/O APIC (irq/ioapic.c, ioapic_*).
 */
#pragma once

#include "arch/acpi.h"
#include "types.h"

/*
 * The indirect register window (82093AA 3.0): the register's index goes
 * to IOREGSEL, its 32 bits are read or written at IOWIN.
 */
#define HOST_IOAPIC_IOREGSEL		0x00
#define HOST_IOAPIC_IOWIN		0x10
#define HOST_IOAPIC_MMIO_LEN		0x20

/* Register indices (82093AA 3.2). */
#define HOST_IOAPIC_REG_ID		0x00
#define HOST_IOAPIC_REG_VER		0x01
#define HOST_IOAPIC_REG_REDTBL		0x10	/* entry n: low dword 0x10 + 2n, high 0x11 + 2n */
#define HOST_IOAPIC_VER_MAX_REDIR_SHIFT	16	/* IOAPICVER bits 23:16: entries - 1 */
#define HOST_IOAPIC_VER_MAX_REDIR_MASK	0xff
#define HOST_IOAPIC_IOREGSEL_LIMIT	0x100	/* IOREGSEL is 8 bits wide */
/* The most entries IOREGSEL can reach; a VER that claims more is held to it. */
#define HOST_IOAPIC_MAX_PINS		((HOST_IOAPIC_IOREGSEL_LIMIT - HOST_IOAPIC_REG_REDTBL) / 2)

/* Redirection-table entry bits (82093AA 3.2.4, IOREDTBL[23:0]). */
#define HOST_IOAPIC_RTE_VECTOR_MASK	0xffULL
#define HOST_IOAPIC_RTE_DELIVERY_FIXED	(0ULL << 8)
#define HOST_IOAPIC_RTE_DEST_PHYSICAL	(0ULL << 11)
#define HOST_IOAPIC_RTE_ACTIVE_LOW	BIT(13)
#define HOST_IOAPIC_RTE_LEVEL		BIT(15)
#define HOST_IOAPIC_RTE_MASKED		BIT(16)
#define HOST_IOAPIC_RTE_DEST_SHIFT	56	/* the destination APIC id: bits 63:56 */
#define HOST_IOAPIC_RTE_DEST_MAX	0xff
#define HOST_IOAPIC_RTE_LOW_MASK	0xffffffffULL
#define HOST_IOAPIC_RTE_HIGH_SHIFT	32

/* The ISA IRQs: 0 to 15 (ACPI 6.x 5.2.12.5: identity-mapped to GSIs unless overridden). */
#define HOST_ISA_IRQS			16

/* Where a line arrives and how it signals (the MADT's override, else the ISA bus's rule). */
struct host_ioapic_route {
	u32 gsi;
	bool active_low;
	bool level;
};

/*
 * ISA IRQ irq through the MADT's interrupt source overrides: the GSI it is
 * wired to and its polarity and trigger mode (ISA's: edge, active high,
 * where the override's flags say "conforms to the bus"; identity-mapped
 * with no override).  -EINVAL for an IRQ beyond 15 or reserved flags.
 */
int host_ioapic_isa_route(const struct acpi_madt_info *m, unsigned int irq,
			  struct host_ioapic_route *r);

/*
 * A GSI given as such (an ACPI SPCR's, which gives no polarity or trigger
 * mode): an override's flags when an ISA IRQ is wired to it; else ISA's
 * edge and active high below HOST_ISA_IRQS, and a PCI interrupt's level
 * and active low above (PCI Local Bus 2.3, 2.2.6: INTx# are level, low).
 */
void host_ioapic_gsi_route(const struct acpi_madt_info *m, u32 gsi, struct host_ioapic_route *r);

/* The redirection-table entry for r to vector, fixed delivery, physical destination apic_id. */
u64 host_ioapic_rte(const struct host_ioapic_route *r, u8 vector, u8 apic_id, bool masked);

/*
 * Which of m's I/O APICs serves gsi, given pins[i], the number of entries
 * of I/O APIC i: its index and *pin; -ENOENT if none does.
 */
int host_ioapic_find(const struct acpi_madt_info *m, const unsigned int *pins, u32 gsi,
		     unsigned int *pin);

/*
 * Mask every redirection entry of every I/O APIC in m, then route r to
 * vector on the CPU with APIC id apic_id (unmasked).  0; -ENOENT (no I/O
 * APIC serves the GSI), -ENOMEM (its registers could not be mapped),
 * -ERANGE (an APIC id the entry cannot name).
 */
int host_ioapic_route(const struct acpi_madt_info *m, const struct host_ioapic_route *r,
		      u8 vector, u32 apic_id);

/* Mask the entry host_ioapic_route() unmasked, if any. */
void host_ioapic_unroute(void);

_Static_assert(HOST_IOAPIC_IOWIN + sizeof(u32) <= HOST_IOAPIC_MMIO_LEN, "IOWIN lies in the window");
_Static_assert(HOST_IOAPIC_RTE_DEST_SHIFT + 8 == 64, "the destination is the entry's top byte");
_Static_assert(HOST_IOAPIC_REG_REDTBL + 2 * HOST_IOAPIC_MAX_PINS <= HOST_IOAPIC_IOREGSEL_LIMIT,
	       "every entry's index fits IOREGSEL's 8 bits");
