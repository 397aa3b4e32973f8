/*
 * The emulated 8259A pair (include/irq/pic8259.h), after Intel's 8259A
 * data sheet: ICW1 (bit 4 set on the command port) starts initialisation,
 * then ICW2 (vector base), ICW3 (cascade) if not single, ICW4 if ICW1 asked
 * for it; afterwards the data port is the mask (OCW1) and the command port
 * takes OCW2 (EOIs) and OCW3 (which register a read returns).
 */
#include "irq/pic8259.h"

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01
#define ICW1_SINGLE 0x02
#define ICW4_AEOI 0x02
#define OCW3_SELECT 0x08	/* bits 4:3 = 01: an OCW3 */
#define OCW3_READ 0x02
#define OCW3_RIS 0x01
#define OCW2_EOI 0x20
#define OCW2_SPECIFIC 0x40
#define SPURIOUS_IRQ 7
#define BIOS_MASTER_BASE 0x08
#define BIOS_SLAVE_BASE 0x70

void pic_init(struct pic *p)
{
	*p = (struct pic){ 0 };
	p->chip[0].imr = p->chip[1].imr = 0xff;
	p->chip[0].vector_base = BIOS_MASTER_BASE;
	p->chip[1].vector_base = BIOS_SLAVE_BASE;
}

/* The highest-priority bit of mask (IR0 highest), or -1. */
static int highest(u8 mask)
{
	return mask ? __builtin_ctz(mask) : -1;
}

/* The request the chip would raise INTR for, or -1: it must outrank every in-service IR. */
static int chip_pending(const struct pic_chip *c, u8 extra_irr)
{
	int req = highest((c->irr | extra_irr) & ~c->imr);
	int svc = highest(c->isr);

	if (req < 0 || (svc >= 0 && svc <= req))
		return -1;
	return req;
}

/* The slave's INTR is the master's IR2 level. */
static u8 cascade_irr(const struct pic *p)
{
	return chip_pending(&p->chip[1], 0) >= 0 ? 1u << PIC_CASCADE_IRQ : 0;
}

bool pic_has_interrupt(const struct pic *p)
{
	return chip_pending(&p->chip[0], cascade_irr(p)) >= 0;
}

static void chip_set_irq(struct pic_chip *c, unsigned int irq, bool level)
{
	u8 bit = 1u << irq;

	if (level && !(c->last_level & bit))
		c->irr |= bit;
	if (level)
		c->last_level |= bit;
	else
		c->last_level &= ~bit;
}

void pic_set_irq(struct pic *p, unsigned int irq, bool level)
{
	if (irq < 8)
		chip_set_irq(&p->chip[0], irq, level);
	else if (irq < PIC_NR_IRQS)
		chip_set_irq(&p->chip[1], irq - 8, level);
}

/* Acknowledge on one chip: the IR taken, or the spurious IR7 when none is pending. */
static int chip_ack(struct pic_chip *c, u8 extra_irr)
{
	int irq = chip_pending(c, extra_irr);

	if (irq < 0)
		return SPURIOUS_IRQ;
	c->irr &= ~(1u << irq);
	if (!c->auto_eoi)
		c->isr |= 1u << irq;
	return irq;
}

u8 pic_ack(struct pic *p)
{
	struct pic_chip *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_ack(m, cascade_irr(p));

	if (irq != PIC_CASCADE_IRQ || m->single)
		return m->vector_base + irq;
	return s->vector_base + chip_ack(s, 0);
}

static struct pic_chip *chip_of(struct pic *p, u16 port)
{
	return &p->chip[port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA];
}

static void chip_eoi(struct pic_chip *c, u8 ocw2)
{
	int irq = (ocw2 & OCW2_SPECIFIC) ? (ocw2 & 7) : highest(c->isr);

	if (irq >= 0)
		c->isr &= ~(1u << irq);
}

static void chip_command(struct pic_chip *c, u8 val)
{
	if (val & ICW1_INIT) {
		/* Initialisation clears the mask, requests and in-service bits (data sheet). */
		*c = (struct pic_chip){ .vector_base = c->vector_base, .init_step = 2,
					.icw4_needed = val & ICW1_ICW4, .single = val & ICW1_SINGLE,
					.last_level = c->last_level };
	} else if ((val & 0x18) == OCW3_SELECT) {
		if (val & OCW3_READ)
			c->read_isr = val & OCW3_RIS;
	} else if (val & OCW2_EOI) {
		chip_eoi(c, val);
	}
}

static void chip_data(struct pic_chip *c, u8 val)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = val & 0xf8;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		c->init_step = c->icw4_needed ? 4 : 0;	/* cascade wiring is fixed here */
		break;
	case 4:
		c->auto_eoi = val & ICW4_AEOI;
		c->init_step = 0;
		break;
	default:
		c->imr = val;
		break;
	}
}

void pic_write(struct pic *p, u16 port, u8 val)
{
	struct pic_chip *c = chip_of(p, port);

	if (port == PIC_MASTER_CMD || port == PIC_SLAVE_CMD)
		chip_command(c, val);
	else
		chip_data(c, val);
}

u8 pic_read(struct pic *p, u16 port)
{
	struct pic_chip *c = chip_of(p, port);

	if (port == PIC_MASTER_DATA || port == PIC_SLAVE_DATA)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}
