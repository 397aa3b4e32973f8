/* The 16550 UART on COM1: the hypervisor's console. */
#pragma once

#include <stddef.h>

#define COM1_BASE 0x3f8

/* Program COM1 for 115200 8N1 with FIFOs; note whether port 0xE9 echoes. */
void uart_init(void);

/* Write bytes, '\n' as "\r\n"; each byte waits for THR empty (bounded). */
void uart_write(const char *s, size_t n);

/* A received byte (LSR.DR, then RBR), or -1 if none is waiting. */
int uart_getc(void);

/* Wait until the transmitter is empty, so power-off loses nothing. */
void uart_drain(void);
