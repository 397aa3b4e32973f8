/*
 * COM1 16550 driver, polled.  Input is read without waiting (the
 * interactive console polls it between guest slices).  Every byte waits for LSR.THRE, and power-off
 * waits for LSR.TEMT: Bochs' file-backed COM1 drops bytes still in the FIFO
 * when the machine powers off.  Every byte is mirrored to port 0xE9 (Bochs'
 * port_e9_hack, QEMU's -debugcon) when that port answers 0xE9 on a read.
 * The polls are bounded: a machine without COM1 reads 0xff, and a stuck
 * UART must not hang the hypervisor.
 */
#include "arch/x86/io.h"
#include "arch/x86/uart.h"
#include "compiler.h"

#define UART_RBR 0	/* receive buffer (DLAB=0, read) */
#define UART_THR 0	/* transmit holding (DLAB=0) */
#define UART_DLL 0	/* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DR 0x01	/* data ready: RBR holds a byte */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define UART_POLL_LIMIT 1000000
#define DEBUGCON_PORT 0xe9

static bool e9_present;

void uart_init(void)
{
	outb(COM1_BASE + UART_IER, 0);
	outb(COM1_BASE + UART_LCR, LCR_DLAB);
	outb(COM1_BASE + UART_DLL, 1);	/* 115200 baud */
	outb(COM1_BASE + UART_DLM, 0);
	outb(COM1_BASE + UART_LCR, LCR_8N1);
	outb(COM1_BASE + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1_BASE + UART_MCR, MCR_DTR_RTS_OUT2);
	e9_present = inb(DEBUGCON_PORT) == DEBUGCON_PORT;
}

static void uart_wait(u8 bit)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++) {
		if (inb(COM1_BASE + UART_LSR) & bit)
			return;
	}
}

static void uart_putc(char c)
{
	uart_wait(LSR_THRE);
	outb(COM1_BASE + UART_THR, (u8)c);
	if (e9_present)
		outb(DEBUGCON_PORT, (u8)c);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

int uart_getc(void)
{
	u8 lsr = inb(COM1_BASE + UART_LSR);

	/* A missing UART reads 0xff: every bit set, DR included, yet nothing was typed. */
	if (lsr == 0xff || !(lsr & LSR_DR))
		return -1;
	return inb(COM1_BASE + UART_RBR);
}

void uart_drain(void)
{
	uart_wait(LSR_TEMT);
}
