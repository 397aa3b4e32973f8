/* The local APIC in xAPIC mode (SDM Vol. 3A 11): IDs and inter-processor interrupts. */
#pragma once

#include "types.h"

/* Enable this CPU's local APIC (software enable in the spurious-vector register). */
void lapic_init(void);

u32 lapic_id(void);
/* This CPU's task priority register (tests: no guest may change it). */
u32 lapic_tpr(void);

/* INIT, then STARTUP with vector (the start page number), to one APIC id. */
void lapic_send_init(u32 apic_id);
void lapic_send_sipi(u32 apic_id, u8 vector);

/* A fixed interrupt with vector to one APIC id. */
void lapic_send_ipi(u32 apic_id, u8 vector);
void lapic_eoi(void);
