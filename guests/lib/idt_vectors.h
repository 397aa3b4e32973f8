/* How many IDT vectors test guests route (guests/lib/isr.S, idt.c): exceptions and the PIC's IRQs. */
#pragma once

#define GUEST_IDT_VECTORS 48
#define GUEST_IRQ_BASE 0x20	/* where guests program the master PIC (slave at +8) */
