/*
 * The emulated I/O APIC (include/irq/ioapic.h), after the 82093AA data
 * sheet: the indirect register window, the redirection table with its
 * read-only delivery-status and remote-IRR bits, edge and level triggers,
 * polarity, masks, and EOIs from the local APICs.
 */
#include "irq/ioapic.h"
#include "lib/string.h"

#define IOAPIC_ID_SHIFT 24
#define IOAPIC_ID_MASK (0xfu << IOAPIC_ID_SHIFT)
#define IOAPIC_VER_MAX_ENTRY_SHIFT 16

void ioapic_reset(struct ioapic *io, u8 id, void (*deliver)(void *, const struct ioapic_irq *),
		  void *ctx)
{
	memset(io, 0, sizeof(*io));
	io->id = ((u32)id << IOAPIC_ID_SHIFT) & IOAPIC_ID_MASK;
	for (unsigned int i = 0; i < IOAPIC_NUM_PINS; i++)
		io->redirtbl[i] = IOAPIC_RTE_MASKED;
	io->deliver = deliver;
	io->ctx = ctx;
}

/* The pin's input as the entry sees it: active-low inputs are inverted. */
static bool pin_asserted(const struct ioapic *io, unsigned int pin)
{
	bool line = io->line & (1u << pin);

	return (io->redirtbl[pin] & IOAPIC_RTE_ACTIVE_LOW) ? !line : line;
}

static void send(struct ioapic *io, unsigned int pin)
{
	u64 e = io->redirtbl[pin];
	struct ioapic_irq irq = {
		.vector = e & IOAPIC_RTE_VECTOR_MASK,
		.delivery_mode = (e & IOAPIC_RTE_DELIVERY_MASK) >> IOAPIC_RTE_DELIVERY_SHIFT,
		.logical = e & IOAPIC_RTE_DEST_LOGICAL,
		.level = e & IOAPIC_RTE_LEVEL,
		.dest = e >> IOAPIC_RTE_DEST_SHIFT,
		.pin = pin,
	};

	if (irq.level)
		io->redirtbl[pin] |= IOAPIC_RTE_REMOTE_IRR;
	io->delivered++;
	if (io->deliver)
		io->deliver(io->ctx, &irq);
}

/* A level entry sends while asserted, unmasked and not awaiting its EOI. */
static void service_level(struct ioapic *io, unsigned int pin)
{
	u64 e = io->redirtbl[pin];

	if ((e & IOAPIC_RTE_LEVEL) && !(e & (IOAPIC_RTE_MASKED | IOAPIC_RTE_REMOTE_IRR)) &&
	    pin_asserted(io, pin))
		send(io, pin);
}

void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level)
{
	bool was;

	if (pin >= IOAPIC_NUM_PINS)
		return;
	was = pin_asserted(io, pin);
	if (level)
		io->line |= 1u << pin;
	else
		io->line &= ~(1u << pin);
	if (io->redirtbl[pin] & IOAPIC_RTE_LEVEL) {
		service_level(io, pin);
		return;
	}
	/* Edge: a rising edge while masked is lost (82093AA 3.2.4, bit 16). */
	if (!was && pin_asserted(io, pin) && !(io->redirtbl[pin] & IOAPIC_RTE_MASKED))
		send(io, pin);
}

void ioapic_eoi(struct ioapic *io, u8 vector)
{
	for (unsigned int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
		u64 e = io->redirtbl[pin];

		if (!(e & IOAPIC_RTE_LEVEL) || (e & IOAPIC_RTE_VECTOR_MASK) != vector ||
		    !(e & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->redirtbl[pin] &= ~IOAPIC_RTE_REMOTE_IRR;
		service_level(io, pin);
	}
}

static u32 read_register(const struct ioapic *io, u32 index)
{
	unsigned int pin = (index - IOAPIC_REDIR_BASE) / 2;

	switch (index) {
	case IOAPIC_ID:
	case IOAPIC_ARB:
		return io->id;
	case IOAPIC_VER:
		return IOAPIC_VERSION | ((IOAPIC_NUM_PINS - 1) << IOAPIC_VER_MAX_ENTRY_SHIFT);
	}
	if (index < IOAPIC_REDIR_BASE || pin >= IOAPIC_NUM_PINS)
		return 0;
	return (index & 1) ? (u32)(io->redirtbl[pin] >> 32) : (u32)io->redirtbl[pin];
}

static void write_register(struct ioapic *io, u32 index, u32 val)
{
	unsigned int pin = (index - IOAPIC_REDIR_BASE) / 2;
	u64 e;

	if (index == IOAPIC_ID) {
		io->id = val & IOAPIC_ID_MASK;
		return;
	}
	if (index < IOAPIC_REDIR_BASE || pin >= IOAPIC_NUM_PINS)
		return;	/* the version and arbitration registers are read-only */
	e = io->redirtbl[pin];
	if (index & 1)
		e = (e & 0xffffffffULL) | ((u64)val << 32);
	else
		e = (e & ~0xffffffffULL) | (val & ~IOAPIC_RTE_RO_BITS) | (e & IOAPIC_RTE_RO_BITS);
	/* An edge entry keeps no remote IRR (KVM clears it on such a write too). */
	if (!(e & IOAPIC_RTE_LEVEL))
		e &= ~IOAPIC_RTE_REMOTE_IRR;
	io->redirtbl[pin] = e;
	/* Unmasking an asserted level-triggered pin sends at once. */
	service_level(io, pin);
}

u32 ioapic_mmio_read(struct ioapic *io, u32 offset)
{
	if (offset == IOAPIC_REG_SELECT)
		return io->ioregsel;
	if (offset == IOAPIC_REG_WINDOW)
		return read_register(io, io->ioregsel);
	return 0;
}

void ioapic_mmio_write(struct ioapic *io, u32 offset, u32 val)
{
	if (offset == IOAPIC_REG_SELECT)
		io->ioregsel = val & 0xff;
	else if (offset == IOAPIC_REG_WINDOW)
		write_register(io, io->ioregsel, val);
}
