/*
 * The hypervisor's console UART: a 16550 at an I/O port (COM1 by default)
 * or at a physical address (an MMIO UART), chosen at boot from the command
 * line (slotvisor.console=), the ACPI SPCR table, or COM1, in that order
 * (arch/x86/uart_select.c, docs/booting.md "The console").
 */
#pragma once

#include <stddef.h>

#include "types.h"

/* The legacy PC serial ports (ttyS0-ttyS3). */
#define COM1_BASE 0x3f8
#define COM2_BASE 0x2f8
#define COM3_BASE 0x3e8
#define COM4_BASE 0x2e8
#define UART_NR_LEGACY 4

#define UART_NR_REGS 8			/* RBR/THR ... SCR */
#define UART_DEFAULT_BAUD 115200
#define UART_STD_CLOCK_HZ 1843200	/* the PC's 1.8432 MHz crystal: divisor 1 = 115200 */

enum uart_space {
	UART_SPACE_IO,		/* registers at port base + i */
	UART_SPACE_MMIO,	/* registers at base + i * reg_width */
};

/*
 * The UART's interrupt line, for the console's receive interrupt
 * (arch/x86/uart_irq.c); without one the console polls.
 */
enum uart_irq_kind {
	UART_IRQ_NONE,		/* none known (an MMIO UART, a port of no legacy COM's) */
	UART_IRQ_ISA,		/* ISA IRQ irq, through the MADT's overrides */
	UART_IRQ_GSI,		/* Global System Interrupt irq (an ACPI SPCR's I/O APIC interrupt) */
};

/* The legacy ports' ISA IRQs: COM1 and COM3 share IRQ 4, COM2 and COM4 IRQ 3. */
#define COM1_IRQ 4
#define COM2_IRQ 3

/* A 16550-compatible UART, as the console sees it. */
struct uart_desc {
	enum uart_space space;
	u64 base;		/* an I/O port, or a physical address */
	u8 reg_width;		/* MMIO: access size and register stride, 1 or 4 bytes; I/O: 1 */
	u32 baud;		/* 0: keep the rate the firmware programmed */
	u32 clock_hz;		/* the UART's input clock; 0: UART_STD_CLOCK_HZ */
	enum uart_irq_kind irq_kind;
	u32 irq;		/* an ISA IRQ or a GSI, as irq_kind says */
};

/* COM1 at 115200 baud, the console when nothing says otherwise. */
void uart_desc_com1(struct uart_desc *d);

/*
 * Parse the value of slotvisor.console=: ttyS0..ttyS3, 0xPORT, or
 * mmio,0xADDR[,WIDTH] (WIDTH 1 or 4 bytes, default 1).  Returns 0 or
 * -EINVAL with *why saying what is wrong.
 */
int uart_parse_option(const char *val, struct uart_desc *out, const char **why);

/* "COM2 (0x2f8)", "I/O port 0x2000", "MMIO UART at 0xfe030000 (4-byte registers)". */
void uart_describe(const struct uart_desc *d, char *buf, size_t size);

/*
 * Choose the console: the last slotvisor.console= value other than "1"
 * (which asks for the interactive console, not a UART), else the ACPI SPCR
 * (acpi_get_spcr(); acpi_init() must have run, or found nothing), else
 * COM1.  A value or table that is refused says why on the console and the
 * next source is tried.  *source names where the choice came from, for
 * the console's "console: ..." line.  No hardware is touched.
 */
void uart_select(const char *cmdline, struct uart_desc *out, const char **source);

/*
 * Before uart_init() nothing goes to a UART (bytes are mirrored to port
 * 0xE9 only; the arch console keeps them), so that nothing goes to one
 * that is not the console; uart_early_init() looks for port 0xE9.
 */
void uart_early_init(void);

/*
 * Make d the console: map it if it is MMIO, program it (8N1, FIFOs, the
 * rate unless d->baud is 0), write out early[0..n) (what was printed
 * before), and print "console: <UART> <source>".
 */
void uart_init(const struct uart_desc *d, const char *source, const char *early, size_t n);

/* Whether uart_init() has run: bytes written now reach the UART. */
bool uart_started(void);

/*
 * Write bytes, '\n' as "\r\n"; each byte waits for THR empty (bounded).
 * Before uart_init(), only to port 0xE9.
 */
void uart_write(const char *s, size_t n);

/* The console's UART (after uart_init()). */
const struct uart_desc *uart_console(void);

/*
 * Write the interrupt enable register (UART_IER_*) and, for the PC's
 * interrupt gate, MCR.OUT2 (already set by uart_init()).  Reading IIR
 * acknowledges a transmitter-empty interrupt (16550 datasheet, table 3).
 */
#define UART_IER_ERBFI 0x01	/* received data available */
#define UART_IER_ETBEI 0x02	/* transmitter holding register empty */
void uart_set_ier(u8 ier);
u8 uart_read_iir(void);

/* Wait (bounded) until every byte written has left the transmitter. */
void uart_flush(void);

/* A received byte (LSR.DR, then RBR), or -1 if none is waiting. */
int uart_getc(void);

/*
 * Wait until the transmitter is empty, so power-off loses nothing.  Before
 * uart_init() (a boot that stops early) COM1 is started and early[0..n),
 * the kept output, goes to it first.
 */
void uart_drain(const char *early, size_t n);
