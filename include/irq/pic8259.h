/*
 * Two emulated 8259A programmable interrupt controllers, cascaded as on a
 * PC (master at 0x20/0x21, slave at 0xa0/0xa1 on the master's IR2), for the
 * ISA interrupts of emulated devices: the PIT on IRQ 0, COM1 on IRQ 4.
 * Fully nested mode with fixed priorities, specific and non-specific EOI,
 * automatic EOI, OCW3 reads of IRR/ISR; what Linux's i8259 driver and
 * kvm-unit-tests use.  No hardware dependency: host-tested.
 */
#pragma once

#include "types.h"

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD 0xa0
#define PIC_SLAVE_DATA 0xa1
#define PIC_CASCADE_IRQ 2
#define PIC_NR_IRQS 16

struct pic_chip {
	u8 irr, isr, imr;
	u8 last_level;		/* input levels, for edge detection */
	u8 vector_base;		/* ICW2, bits 7:3 */
	u8 init_step;		/* 0: operational; 2..4: the ICW expected next */
	bool icw4_needed, single, auto_eoi, read_isr;
};

struct pic {
	struct pic_chip chip[2];	/* master, slave */
};

/* Power-on state: every IRQ masked, vectors 0x08 (master) and 0x70 (slave) as a BIOS leaves them. */
void pic_init(struct pic *p);

/* A guest access to one of the four ports (PIC_*_CMD/DATA). */
u8 pic_read(struct pic *p, u16 port);
void pic_write(struct pic *p, u16 port, u8 val);

/* Drive ISA line irq (0..15); a rising edge latches the request (edge-triggered mode). */
void pic_set_irq(struct pic *p, unsigned int irq, bool level);

/* Whether an unmasked request outranks what is in service (the INTR output). */
bool pic_has_interrupt(const struct pic *p);

/*
 * The interrupt-acknowledge cycle: the vector of the highest-priority
 * request, now in service (unless automatic EOI).  A request that went
 * away gives the spurious IRQ 7 (or 15) vector, as on the real chip.
 */
u8 pic_ack(struct pic *p);
