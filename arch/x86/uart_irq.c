/*
 * The console UART's receive interrupt, so that the console need not run
 * its guest in 1 ms slices to read the host UART's 16-byte FIFO in time
 * (console/console.c).  The line: a legacy COM port's ISA IRQ (COM1 and
 * COM3: 4, COM2 and COM4: 3) through the MADT's interrupt source overrides,
 * or an ACPI SPCR's GSI, routed by the host I/O APIC to LAPIC_UART_VECTOR
 * on the console's CPU.  It is checked before it is relied on: with the
 * transmitter empty, enabling IER.ETBEI raises the UART's interrupt at once
 * (16550 datasheet, "Interrupt Enable Register"), so it must arrive within
 * UART_IRQ_CHECK_US; a PC UART drives its IRQ pin only with MCR.OUT2 set,
 * which uart_init() does.  Then only IER.ERBFI stays on.
 *
 * Edge-triggered lines only: the handler does not silence the UART (the
 * console reads it later, outside the interrupt), so a level-triggered line
 * would fire again after every EOI until then.  ISA lines are edge (ACPI
 * 6.x 5.2.12.5); an override that says level, or an SPCR's GSI above 15
 * (a PCI interrupt: level, active low), keeps the console polling.  The receive FIFO's trigger level is one byte (uart.c's FCR), so
 * the first byte raises the line; it falls when the console has read the
 * FIFO empty, and the next byte raises it again.
 */
#include "arch/acpi.h"
#include "arch/x86/cpu.h"
#include "arch/x86/host_ioapic.h"
#include "arch/x86/lapic.h"
#include "arch/x86/percpu.h"
#include "arch/x86/setup.h"
#include "arch/x86/uart.h"
#include "arch/x86/uart_irq.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* How long the check waits for the transmitter-empty interrupt. */
#define UART_IRQ_CHECK_US 10000
#define UART_IRQ_CHECK_TICKS_UNMEASURED 1000000ULL	/* no TSC rate: 10 ms at Bochs' 100 MHz */
#define UART_NAME_LEN 64

static volatile u64 uart_irqs;

u64 uart_irq_count(void)
{
	return uart_irqs;
}

void uart_irq_handle(void)
{
	uart_irqs++;
	WRITE_ONCE(this_cpu()->vmm_intr, true);
	lapic_eoi();
}

/* The line's route, or -ENOENT / -ENOTSUP / -EINVAL with why. */
static int uart_irq_line(const struct uart_desc *d, const struct acpi_madt_info *m,
			 struct host_ioapic_route *r, const char **why)
{
	switch (d->irq_kind) {
	case UART_IRQ_ISA:
		if (host_ioapic_isa_route(m, d->irq, r)) {
			*why = "its ISA IRQ or the MADT's override of it is invalid";
			return -EINVAL;
		}
		break;
	case UART_IRQ_GSI:
		host_ioapic_gsi_route(m, d->irq, r);
		break;
	default:
		return -ENOENT;	/* uart_irq_start() said why */
	}
	if (r->level) {
		*why = "its line is level-triggered";
		return -ENOTSUP;
	}
	return 0;
}

/* Open interrupt windows until the transmitter-empty interrupt comes; whether it did. */
static bool uart_irq_check(void)
{
	u64 before = uart_irqs;
	u64 deadline = rdtsc() + (tsc_khz ? tsc_khz * UART_IRQ_CHECK_US / 1000 :
				  UART_IRQ_CHECK_TICKS_UNMEASURED);

	uart_flush();
	uart_set_ier(UART_IER_ETBEI);
	/* STI's shadow covers the NOP: a one-instruction window (SDM Vol. 2B, STI). */
	while (uart_irqs == before && rdtsc() < deadline)
		__asm__ __volatile__("sti; nop; cli" ::: "memory");
	uart_read_iir();	/* acknowledges the transmitter-empty interrupt */
	uart_set_ier(UART_IER_ERBFI);
	cpu_vmm_intr_take();	/* the check's, not input */
	return uart_irqs != before;
}

/* Route r to this CPU and check it; 0, or -errno with why. */
static int uart_irq_route(const struct acpi_madt_info *m, const struct host_ioapic_route *r,
			  const char **why)
{
	int err = host_ioapic_route(m, r, LAPIC_UART_VECTOR, this_cpu()->apic_id);

	if (err) {
		*why = err == -ENOENT ? "no I/O APIC serves its GSI" :
		       err == -ERANGE ? "this CPU's APIC id is beyond an I/O APIC's 8 bits" :
					"the I/O APIC's registers could not be mapped";
		return err;
	}
	if (!uart_irq_check()) {
		uart_irq_stop();
		*why = "its line did not deliver (no interrupt within 10 ms of the check)";
		return -EIO;
	}
	return 0;
}

int uart_irq_start(char *buf, size_t size)
{
	const struct uart_desc *d = uart_console();
	struct host_ioapic_route r = { 0 };
	struct acpi_madt_info m;
	char name[UART_NAME_LEN];
	const char *why = NULL;
	int err;

	uart_describe(d, name, sizeof(name));
	if (d->irq_kind == UART_IRQ_NONE) {
		why = "no interrupt line is known for it";
		err = -ENOENT;
	} else if (acpi_get_madt(&m)) {
		why = "there is no usable MADT";
		err = -ENOENT;
	} else if (!m.nr_ioapics) {
		why = "the MADT lists no I/O APIC";
		err = -ENOENT;
	} else {
		err = uart_irq_line(d, &m, &r, &why);
	}
	if (!err)
		err = uart_irq_route(&m, &r, &why);
	if (err) {
		ksnprintf(buf, size, "%s: %s", name, why);
		return err;
	}
	ksnprintf(buf, size, "%s, GSI %u (%s, active %s), vector %#x on CPU %u", name, r.gsi,
		  r.level ? "level" : "edge", r.active_low ? "low" : "high", LAPIC_UART_VECTOR,
		  this_cpu()->id);
	return 0;
}

void uart_irq_stop(void)
{
	uart_set_ier(0);
	host_ioapic_unroute();
}
