/*
 * The console's 16550 UART, polled: at an I/O port (COM1 by default) or
 * at a physical address with byte or dword registers (uart_select.c says
 * which).  Input is read without waiting (the interactive console polls it
 * between guest slices).  Every byte waits for LSR.THRE, and power-off
 * waits for LSR.TEMT: Bochs' file-backed COM1 drops bytes still in the FIFO
 * when the machine powers off.  Every byte is mirrored to port 0xE9 (Bochs'
 * port_e9_hack, QEMU's -debugcon) when that port answers 0xE9 on a read.
 * The polls are bounded: a machine without the UART reads 0xff, and a
 * stuck UART must not hang the hypervisor.
 *
 * Early output.  Which UART is the console is known only once the ACPI
 * tables can be read, after the multiboot2 information and the final page
 * tables (an SPCR may lie anywhere the direct map reaches, and an MMIO
 * UART needs a mapping of its own).  Choosing the console that early
 * would mean reading ACPI through the boot page tables, which map only
 * the first 4 GiB; so instead nothing is written to a UART before
 * uart_init(): the arch console (arch/x86/console.c) keeps what was
 * printed until then, in the one buffer it keeps for every sink that
 * starts late, and hands it to uart_init(), which writes it out first.  A
 * machine whose console is COM2 sees its whole boot on COM2 and nothing on
 * COM1.  Port 0xE9 gets every byte at once, for a boot that hangs before
 * the choice.  A boot that stops before the choice (boot_stop(), a panic,
 * an exception) reaches uart_drain() through arch_poweroff(), which writes
 * the kept output to COM1, the only UART known then.
 */
#include "arch/x86/io.h"
#include "arch/x86/setup.h"
#include "arch/x86/uart.h"
#include "compiler.h"
#include "lib/printf.h"

#define UART_RBR 0	/* receive buffer (DLAB=0, read) */
#define UART_THR 0	/* transmit holding (DLAB=0) */
#define UART_DLL 0	/* divisor low (DLAB=1) */
#define UART_IER 1
#define UART_IIR 2	/* interrupt identification (read) */
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
#define UART_DIVISOR_MAX 0xffff
#define UART_CLOCK_DIV 16	/* the 16550 samples at 16 times the bit rate */
#define DEBUGCON_PORT 0xe9
#define DESCRIBE_LEN 64

static bool e9_present;
static bool uart_ready;		/* uart_init() has run: bytes go to the UART */
static struct uart_desc console_uart;
static volatile u8 *uart_mmio;	/* the UC mapping of an MMIO UART */

static u8 uart_in(unsigned int reg)
{
	if (console_uart.space == UART_SPACE_IO)
		return inb((u16)(console_uart.base + reg));
	if (console_uart.reg_width == 4)
		return (u8)*(volatile u32 *)(uart_mmio + reg * 4);
	return uart_mmio[reg];
}

static void uart_out(unsigned int reg, u8 v)
{
	if (console_uart.space == UART_SPACE_IO)
		outb((u16)(console_uart.base + reg), v);
	else if (console_uart.reg_width == 4)
		*(volatile u32 *)(uart_mmio + reg * 4) = v;
	else
		uart_mmio[reg] = v;
}

void uart_early_init(void)
{
	e9_present = inb(DEBUGCON_PORT) == DEBUGCON_PORT;
}

/* The divisor for baud at the UART's clock; 0 if the rate cannot be had. */
static u32 uart_divisor(const struct uart_desc *d)
{
	u64 clock = d->clock_hz ? d->clock_hz : UART_STD_CLOCK_HZ;
	u64 div = clock / ((u64)UART_CLOCK_DIV * d->baud);

	return div && div <= UART_DIVISOR_MAX ? (u32)div : 0;
}

static void uart_program(const struct uart_desc *d, u32 divisor)
{
	uart_out(UART_IER, 0);
	if (divisor) {
		uart_out(UART_LCR, LCR_DLAB);
		uart_out(UART_DLL, (u8)divisor);
		uart_out(UART_DLM, (u8)(divisor >> 8));
	}
	uart_out(UART_LCR, LCR_8N1);
	uart_out(UART_FCR, FCR_ENABLE_CLEAR);
	uart_out(UART_MCR, MCR_DTR_RTS_OUT2);
}

static void uart_wait(u8 bit)
{
	for (int i = 0; i < UART_POLL_LIMIT; i++) {
		if (uart_in(UART_LSR) & bit)
			return;
	}
}

static void uart_putc(char c)
{
	uart_wait(LSR_THRE);
	uart_out(UART_THR, (u8)c);
}

static void uart_write_bytes(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

/* Make d the console and write out early[0..n), what was printed before; no message. */
static void uart_start(const struct uart_desc *d, u32 divisor, const char *early, size_t n)
{
	console_uart = *d;
	uart_program(d, divisor);
	uart_ready = true;
	uart_write_bytes(early, n);
}

void uart_init(const struct uart_desc *d, const char *source, const char *early, size_t n)
{
	char name[DESCRIBE_LEN];
	u32 divisor = 0;
	bool bad_rate = false;

	if (uart_ready)
		return;
	if (d->space == UART_SPACE_MMIO) {
		uart_mmio = paging_map_mmio(d->base, UART_NR_REGS * d->reg_width, MMIO_UC);
		if (!uart_mmio) {
			struct uart_desc com1;

			uart_desc_com1(&com1);
			uart_start(&com1, uart_divisor(&com1), early, n);
			uart_describe(d, name, sizeof(name));
			kprintf("console: could not map the %s; COM1 (0x3f8) instead\n", name);
			return;
		}
	}
	if (d->baud) {
		divisor = uart_divisor(d);
		bad_rate = !divisor;
	}
	uart_start(d, divisor, early, n);
	uart_describe(d, name, sizeof(name));
	if (d->baud && !bad_rate)
		kprintf("console: %s %s, %u baud\n", name, source, d->baud);
	else
		kprintf("console: %s %s, at the rate the firmware set%s\n", name, source,
			bad_rate ? " (the rate asked for has no divisor at its clock)" : "");
}

void uart_write(const char *s, size_t n)
{
	if (e9_present) {
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n')
				outb(DEBUGCON_PORT, '\r');
			outb(DEBUGCON_PORT, (u8)s[i]);
		}
	}
	if (uart_ready)
		uart_write_bytes(s, n);
}

const struct uart_desc *uart_console(void)
{
	return &console_uart;
}

void uart_set_ier(u8 ier)
{
	if (uart_ready)
		uart_out(UART_IER, ier);
}

u8 uart_read_iir(void)
{
	return uart_ready ? uart_in(UART_IIR) : 0;
}

void uart_flush(void)
{
	if (uart_ready)
		uart_wait(LSR_TEMT);
}

bool uart_started(void)
{
	return uart_ready;
}

int uart_getc(void)
{
	u8 lsr;

	if (!uart_ready)
		return -1;
	lsr = uart_in(UART_LSR);
	/* A missing UART reads 0xff: every bit set, DR included, yet nothing was typed. */
	if (lsr == 0xff || !(lsr & LSR_DR))
		return -1;
	return uart_in(UART_RBR);
}

void uart_drain(const char *early, size_t n)
{
	if (!uart_ready) {
		struct uart_desc com1;

		uart_desc_com1(&com1);
		uart_start(&com1, uart_divisor(&com1), early, n);
	}
	uart_wait(LSR_TEMT);
}
