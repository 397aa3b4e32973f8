/*
 * The host's I/O APICs, through their indirect register window (82093AA
 * datasheet 3.0: IOREGSEL at offset 0, IOWIN at 0x10), mapped uncached.
 * One line is routed at a time, to one CPU (the console's receive
 * interrupt, arch/x86/uart_irq.c); every other entry is masked, so that
 * nothing the firmware left unmasked reaches a CPU whose IDT has no
 * handler for it (trap_dispatch() stops the machine on an unknown vector).
 */
#include "arch/x86/host_ioapic.h"
#include "arch/x86/setup.h"
#include "lib/errno.h"
#include "lib/printf.h"

static volatile u32 *host_ioapic_mmio[ACPI_MAX_IOAPICS];
/* The routed entry, for host_ioapic_unroute(): its I/O APIC (NULL: none) and pin. */
static volatile u32 *routed_ioapic;
static unsigned int routed_pin;

static u32 host_ioapic_read(volatile u32 *io, u32 reg)
{
	io[HOST_IOAPIC_IOREGSEL / sizeof(u32)] = reg;
	return io[HOST_IOAPIC_IOWIN / sizeof(u32)];
}

static void host_ioapic_write(volatile u32 *io, u32 reg, u32 val)
{
	io[HOST_IOAPIC_IOREGSEL / sizeof(u32)] = reg;
	io[HOST_IOAPIC_IOWIN / sizeof(u32)] = val;
}

/*
 * The entry's two halves: the high one (the destination) first while the
 * low one still masks it, then the low one, so the entry is never live
 * with half of it written.
 */
static void host_ioapic_write_rte(volatile u32 *io, unsigned int pin, u64 rte)
{
	u32 low = HOST_IOAPIC_REG_REDTBL + 2 * pin;

	host_ioapic_write(io, low, HOST_IOAPIC_RTE_MASKED);
	host_ioapic_write(io, low + 1, (u32)(rte >> HOST_IOAPIC_RTE_HIGH_SHIFT));
	host_ioapic_write(io, low, (u32)(rte & HOST_IOAPIC_RTE_LOW_MASK));
}

static unsigned int host_ioapic_pins(volatile u32 *io)
{
	u32 ver = host_ioapic_read(io, HOST_IOAPIC_REG_VER);

	return MIN(((ver >> HOST_IOAPIC_VER_MAX_REDIR_SHIFT) & HOST_IOAPIC_VER_MAX_REDIR_MASK) + 1,
		   HOST_IOAPIC_MAX_PINS);
}

/* Map each of m's I/O APICs (once) and mask all its entries; pins[i] gets its entry count. */
static int host_ioapic_mask_all(const struct acpi_madt_info *m, unsigned int *pins)
{
	for (unsigned int i = 0; i < m->nr_ioapics; i++) {
		if (!host_ioapic_mmio[i])
			host_ioapic_mmio[i] = paging_map_mmio(m->ioapic[i].addr,
							      HOST_IOAPIC_MMIO_LEN, MMIO_UC);
		if (!host_ioapic_mmio[i])
			return -ENOMEM;
		pins[i] = host_ioapic_pins(host_ioapic_mmio[i]);
		for (unsigned int pin = 0; pin < pins[i]; pin++)
			host_ioapic_write_rte(host_ioapic_mmio[i], pin, HOST_IOAPIC_RTE_MASKED);
	}
	return 0;
}

int host_ioapic_route(const struct acpi_madt_info *m, const struct host_ioapic_route *r,
		      u8 vector, u32 apic_id)
{
	unsigned int pins[ACPI_MAX_IOAPICS], pin;
	int i, err;

	if (apic_id > HOST_IOAPIC_RTE_DEST_MAX)
		return -ERANGE;
	err = host_ioapic_mask_all(m, pins);
	if (err)
		return err;
	i = host_ioapic_find(m, pins, r->gsi, &pin);
	if (i < 0)
		return i;
	routed_ioapic = host_ioapic_mmio[i];
	routed_pin = pin;
	host_ioapic_write_rte(routed_ioapic, pin, host_ioapic_rte(r, vector, (u8)apic_id, false));
	return 0;
}

void host_ioapic_unroute(void)
{
	if (routed_ioapic)
		host_ioapic_write_rte(routed_ioapic, routed_pin, HOST_IOAPIC_RTE_MASKED);
	routed_ioapic = NULL;
}
