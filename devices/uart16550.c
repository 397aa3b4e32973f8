/*
 * The emulated 16550A (include/devices/uart16550.h).  What Linux's 8250 driver
 * probes is honoured: the scratch register, FIFO bits 7:6 in IIR after
 * FCR=1 (a 16550A), and loopback, where MSR echoes MCR and sent bytes come
 * back as received ones.  Interrupt priorities follow the data sheet:
 * received data before an empty transmitter; line and modem status are not
 * raised (there are no errors or modem lines to report).
 */
#include "devices/uart16550.h"

void uart16550_init(struct uart16550 *u, void (*tx)(void *ctx, u8 c), void *ctx)
{
	*u = (struct uart16550){ .tx = tx, .ctx = ctx };
}

bool uart16550_receive(struct uart16550 *u, u8 c)
{
	if (u->rx_len == UART_RX_FIFO)
		return false;
	u->rx[(u->rx_head + u->rx_len++) % UART_RX_FIFO] = c;
	return true;
}

static u8 rx_pop(struct uart16550 *u)
{
	u8 c;

	if (!u->rx_len)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
	u->rx_len--;
	return c;
}

/* The interrupt IIR reports now, highest priority first. */
static u8 iir_source(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_RDI) && u->rx_len)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_THRI) && u->thri_pending)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

bool uart16550_irq_level(const struct uart16550 *u)
{
	/* On a PC, OUT2 connects the UART's interrupt output to the IRQ line. */
	return (u->mcr & UART_MCR_OUT2) && iir_source(u) != UART_IIR_NO_INT;
}

/* MSR: in loopback the modem outputs drive the inputs; else a connected line. */
static u8 msr_value(const struct uart16550 *u)
{
	u8 m = u->mcr;

	if (!(m & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	return (m & UART_MCR_RTS ? UART_MSR_CTS : 0) | (m & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (m & UART_MCR_OUT1 ? UART_MSR_RI : 0) | (m & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

u8 uart16550_read(struct uart16550 *u, unsigned int off)
{
	bool dlab = u->lcr & UART_LCR_DLAB;
	u8 iir;

	switch (off) {
	case UART_RBR_THR_DLL:
		return dlab ? u->dll : rx_pop(u);
	case UART_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case UART_IIR_FCR:
		iir = iir_source(u);
		/* Reading IIR while it names THRE acknowledges that interrupt. */
		if (iir == UART_IIR_THRI)
			u->thri_pending = false;
		return iir | (u->fifo_on ? UART_IIR_FIFO_ON : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return UART_LSR_THRE | UART_LSR_TEMT | (u->rx_len ? UART_LSR_DR : 0);
	case UART_MSR:
		return msr_value(u);
	case UART_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

static void transmit(struct uart16550 *u, u8 c)
{
	if (u->mcr & UART_MCR_LOOP)
		uart16550_receive(u, c);
	else if (u->tx)
		u->tx(u->ctx, c);
	/* The byte left at once: the holding register is empty again. */
	u->thri_pending = true;
}

void uart16550_write(struct uart16550 *u, unsigned int off, u8 val)
{
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (off) {
	case UART_RBR_THR_DLL:
		if (dlab)
			u->dll = val;
		else
			transmit(u, val);
		break;
	case UART_IER_DLM:
		if (dlab) {
			u->dlm = val;
			break;
		}
		/* Enabling THRE interrupts with the holding register empty raises one. */
		if ((val & UART_IER_THRI) && !(u->ier & UART_IER_THRI))
			u->thri_pending = true;
		u->ier = val & 0x0f;
		break;
	case UART_IIR_FCR:
		u->fifo_on = val & UART_FCR_ENABLE;
		if (val & UART_FCR_CLEAR_RCVR)
			u->rx_len = 0;
		break;
	case UART_LCR:
		u->lcr = val;
		break;
	case UART_MCR:
		u->mcr = val & 0x1f;
		break;
	case UART_SCR:
		u->scr = val;
		break;
	default:
		break;	/* LSR and MSR are read-only */
	}
}
