/*
 * The console UART's receive interrupt: its line routed through the host
 * I/O APIC (arch/x86/host_ioapic.c) to LAPIC_UART_VECTOR on the console's
 * CPU, checked to deliver before it is relied on; a CPU that takes it
 * notes "input pending" for its VMM (cpu_vmm_intr_take(), percpu.h).
 */
#pragma once

#include <stddef.h>

#include "types.h"

/*
 * Route the console UART's line to this CPU and check that it delivers
 * (the transmitter-empty interrupt, once), then leave the receive
 * interrupt on.  0; or -ENOENT / -ENOTSUP / -EIO with the receive
 * interrupt off and the line masked, the console then polls.  Either way
 * buf names the UART, then its line or why it is not used.
 */
int uart_irq_start(char *buf, size_t size);

/* Receive interrupt off, its line masked (the console ends). */
void uart_irq_stop(void);

/*
 * LAPIC_UART_VECTOR taken (trap_dispatch(), or an external-interrupt VM
 * exit): EOI, and note the input for this CPU's VMM.
 */
void uart_irq_handle(void);

/* Interrupts taken since boot (the monitor's stats; the start's check). */
u64 uart_irq_count(void);
