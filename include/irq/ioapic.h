/*
 * An emulated I/O APIC (Intel 82093AA data sheet; KVM's
 * arch/x86/kvm/ioapic.c has the same model): 24 input pins, each with a
 * redirection entry that names a vector, a delivery mode, a destination,
 * a polarity, a trigger mode and a mask.  The guest programs it through
 * two registers in its MMIO page: IOREGSEL (offset 0x00) picks a register,
 * IOWIN (offset 0x10) reads or writes it.  Version 0x11, as KVM's, so a
 * guest ends level-triggered interrupts through its local APIC's EOI
 * broadcast (ioapic_eoi()), not an IOAPIC EOI register.
 *
 * No hardware dependency: the VM's interrupt layer (irq/) gives it a
 * delivery function that hands a message to the local APICs it names.
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define IOAPIC_DEFAULT_BASE 0xfec00000ULL
#define IOAPIC_MMIO_SIZE 0x1000ULL
#define IOAPIC_NUM_PINS 24
#define IOAPIC_VERSION 0x11

/* MMIO offsets and register indexes (82093AA, 3.0 and 3.2). */
#define IOAPIC_REG_SELECT 0x00
#define IOAPIC_REG_WINDOW 0x10
#define IOAPIC_REG_BYTES 4	/* both are dwords, accessed whole (82093AA datasheet, 3.0) */
#define IOAPIC_ID 0x00
#define IOAPIC_VER 0x01
#define IOAPIC_ARB 0x02
#define IOAPIC_REDIR_BASE 0x10	/* entry n: low dword 0x10 + 2n, high dword 0x11 + 2n */

/* Redirection entry fields (82093AA 3.2.4). */
#define IOAPIC_RTE_VECTOR_MASK 0xffULL
#define IOAPIC_RTE_DELIVERY_SHIFT 8
#define IOAPIC_RTE_DELIVERY_MASK (7ULL << IOAPIC_RTE_DELIVERY_SHIFT)
#define IOAPIC_RTE_DEST_LOGICAL BIT(11)
#define IOAPIC_RTE_DELIVERY_STATUS BIT(12)	/* read-only */
#define IOAPIC_RTE_ACTIVE_LOW BIT(13)
#define IOAPIC_RTE_REMOTE_IRR BIT(14)		/* read-only */
#define IOAPIC_RTE_LEVEL BIT(15)
#define IOAPIC_RTE_MASKED BIT(16)
#define IOAPIC_RTE_DEST_SHIFT 56
#define IOAPIC_RTE_RO_BITS (IOAPIC_RTE_DELIVERY_STATUS | IOAPIC_RTE_REMOTE_IRR)

/* Delivery modes (82093AA Table 3). */
#define IOAPIC_DELIVERY_FIXED 0
#define IOAPIC_DELIVERY_LOWEST 1
#define IOAPIC_DELIVERY_SMI 2
#define IOAPIC_DELIVERY_NMI 4
#define IOAPIC_DELIVERY_INIT 5
#define IOAPIC_DELIVERY_EXTINT 7

/* One interrupt message, as the I/O APIC sends it to the local APICs. */
struct ioapic_irq {
	u8 vector;
	u8 delivery_mode;	/* IOAPIC_DELIVERY_* */
	bool logical;		/* destination is a logical (LDR) match, else an APIC ID */
	bool level;		/* level-triggered: the target's EOI comes back (ioapic_eoi) */
	u8 dest;
	u8 pin;
};

struct ioapic {
	u32 id;			/* the ID register (ID in bits 27:24) */
	u32 ioregsel;
	u64 redirtbl[IOAPIC_NUM_PINS];
	u32 line;		/* each pin's input level as driven, before polarity */
	void (*deliver)(void *ctx, const struct ioapic_irq *irq);
	void *ctx;
	u64 delivered;		/* messages sent */
};

/* Power-up state (every entry masked) with I/O APIC ID id; deliver sends the messages. */
void ioapic_reset(struct ioapic *io, u8 id, void (*deliver)(void *, const struct ioapic_irq *),
		  void *ctx);

/* A 32-bit access to offset in the MMIO page; other offsets read 0 and ignore writes. */
u32 ioapic_mmio_read(struct ioapic *io, u32 offset);
void ioapic_mmio_write(struct ioapic *io, u32 offset, u32 val);

/*
 * Drive input pin (0-23) to level.  An edge-triggered entry sends one
 * message per rising edge of its (polarity-adjusted) input while unmasked;
 * a level-triggered one sends while its input is asserted, unmasked and
 * its remote IRR clear, and sets remote IRR.  Other pins are ignored.
 */
void ioapic_set_irq(struct ioapic *io, unsigned int pin, bool level);

/*
 * A local APIC's EOI for vector (broadcast to the I/O APIC): each
 * level-triggered entry with that vector and remote IRR set clears it, and
 * sends again if its input is still asserted.
 */
void ioapic_eoi(struct ioapic *io, u8 vector);
