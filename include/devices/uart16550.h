/*
 * An emulated 16550A UART for guests (the COM1 a guest sees at 0x3f8):
 * registers, divisor latch, loopback, a receive FIFO the VMM fills from the
 * host's console, and the interrupt line (IRQ 4 on a PC) as a level.  The
 * transmitter is always empty: a byte written to THR goes to tx() at once.
 * No hardware dependency: host-tested (tests/unit/test_uart16550.c).
 */
#pragma once

#include "types.h"

/* Register offsets from the base port (National Semiconductor PC16550D). */
#define UART_RBR_THR_DLL 0	/* receive buffer / transmit holding / divisor low (DLAB) */
#define UART_IER_DLM 1		/* interrupt enable / divisor high (DLAB) */
#define UART_IIR_FCR 2		/* interrupt identification (read) / FIFO control (write) */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7
#define UART_NR_PORTS 8

#define UART_IER_RDI 0x01	/* received data available */
#define UART_IER_THRI 0x02	/* transmitter holding register empty */
#define UART_IER_RLSI 0x04
#define UART_IER_MSI 0x08
#define UART_IIR_NO_INT 0x01
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_FIFO_ON 0xc0	/* bits 7:6 with FIFOs enabled: a 16550A */
#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RCVR 0x02
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80

#define UART_RX_FIFO 64

struct uart16550 {
	u8 ier, lcr, mcr, scr, dll, dlm;
	bool fifo_on;
	bool thri_pending;	/* THRE interrupt raised and not yet seen in IIR */
	u8 rx[UART_RX_FIFO];
	unsigned int rx_head, rx_len;
	void (*tx)(void *ctx, u8 c);	/* where transmitted bytes go */
	void *ctx;
};

/* Power-on state (DLAB off, interrupts off, FIFO off); tx(ctx, c) gets each byte sent. */
void uart16550_init(struct uart16550 *u, void (*tx)(void *ctx, u8 c), void *ctx);

/* A guest read or write of register off (0..7). */
u8 uart16550_read(struct uart16550 *u, unsigned int off);
void uart16550_write(struct uart16550 *u, unsigned int off, u8 val);

/* A byte from the outside world; false if the receive FIFO is full (dropped). */
bool uart16550_receive(struct uart16550 *u, u8 c);

/* The level of the interrupt line: an enabled interrupt is pending and OUT2 gates it on. */
bool uart16550_irq_level(const struct uart16550 *u);
