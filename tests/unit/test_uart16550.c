/* The emulated 16550A (vmm/uart16550.c), register by register, as Linux's 8250 driver uses it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/uart16550.h"

static char sent[256];
static unsigned int nsent;

static void tx(void *ctx, u8 c)
{
	sent[nsent++] = (char)c;
}

static struct uart16550 fresh(void)
{
	struct uart16550 u;

	nsent = 0;
	uart16550_init(&u, tx, NULL);
	return u;
}

static void power_on_state_is_idle_and_connected(void **state)
{
	struct uart16550 u = fresh();

	assert_int_equal(uart16550_read(&u, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
	assert_int_equal(uart16550_read(&u, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	assert_false(uart16550_irq_level(&u));
}

static void thr_writes_go_out_in_order(void **state)
{
	struct uart16550 u = fresh();

	for (const char *s = "hi\n"; *s; s++)
		uart16550_write(&u, UART_RBR_THR_DLL, (u8)*s);
	assert_int_equal(nsent, 3);
	assert_memory_equal(sent, "hi\n", 3);
}

static void the_divisor_latch_hides_thr_and_ier(void **state)
{
	struct uart16550 u = fresh();

	uart16550_write(&u, UART_IER_DLM, UART_IER_RDI);
	uart16550_write(&u, UART_LCR, UART_LCR_DLAB | 3);
	uart16550_write(&u, UART_RBR_THR_DLL, 1);
	uart16550_write(&u, UART_IER_DLM, 0);
	assert_int_equal(uart16550_read(&u, UART_RBR_THR_DLL), 1);
	assert_int_equal(uart16550_read(&u, UART_IER_DLM), 0);
	assert_int_equal(nsent, 0);
	uart16550_write(&u, UART_LCR, 3);
	assert_int_equal(uart16550_read(&u, UART_IER_DLM), UART_IER_RDI);
	assert_int_equal(uart16550_read(&u, UART_LCR), 3);
}

static void scratch_and_fifo_bits_identify_a_16550a(void **state)
{
	struct uart16550 u = fresh();

	uart16550_write(&u, UART_SCR, 0xa5);
	assert_int_equal(uart16550_read(&u, UART_SCR), 0xa5);
	uart16550_write(&u, UART_IIR_FCR, UART_FCR_ENABLE);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR) & UART_IIR_FIFO_ON, UART_IIR_FIFO_ON);
	uart16550_write(&u, UART_IIR_FCR, 0);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR) & UART_IIR_FIFO_ON, 0);
}

static void received_bytes_come_out_in_order_until_the_fifo_is_full(void **state)
{
	struct uart16550 u = fresh();
	int i;

	assert_true(uart16550_receive(&u, 'a'));
	assert_true(uart16550_receive(&u, 'b'));
	assert_int_equal(uart16550_read(&u, UART_LSR) & UART_LSR_DR, UART_LSR_DR);
	assert_int_equal(uart16550_read(&u, UART_RBR_THR_DLL), 'a');
	assert_int_equal(uart16550_read(&u, UART_RBR_THR_DLL), 'b');
	assert_int_equal(uart16550_read(&u, UART_LSR) & UART_LSR_DR, 0);
	for (i = 0; i < UART_RX_FIFO; i++)
		assert_true(uart16550_receive(&u, (u8)i));
	assert_false(uart16550_receive(&u, 'x'));
	uart16550_write(&u, UART_IIR_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RCVR);
	assert_int_equal(uart16550_read(&u, UART_LSR) & UART_LSR_DR, 0);
}

static void received_data_interrupts_before_an_empty_transmitter(void **state)
{
	struct uart16550 u = fresh();

	uart16550_write(&u, UART_IER_DLM, UART_IER_RDI | UART_IER_THRI);
	/* Enabling THRE interrupts with THR empty raises one; OUT2 gates the line. */
	assert_false(uart16550_irq_level(&u));
	uart16550_write(&u, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR | UART_MCR_RTS);
	assert_true(uart16550_irq_level(&u));
	uart16550_receive(&u, 'k');
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_RDI);
	assert_int_equal(uart16550_read(&u, UART_RBR_THR_DLL), 'k');
	/* Then THRE; reading IIR acknowledges it and the line drops. */
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_THRI);
	assert_int_equal(uart16550_read(&u, UART_IIR_FCR), UART_IIR_NO_INT);
	assert_false(uart16550_irq_level(&u));
	/* A byte sent empties the holding register again: a new THRE interrupt. */
	uart16550_write(&u, UART_RBR_THR_DLL, 'z');
	assert_true(uart16550_irq_level(&u));
	uart16550_write(&u, UART_IER_DLM, 0);
	assert_false(uart16550_irq_level(&u));
}

static void loopback_echoes_mcr_in_msr_and_sent_bytes_in_rbr(void **state)
{
	struct uart16550 u = fresh();

	uart16550_write(&u, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS);
	assert_int_equal(uart16550_read(&u, UART_MSR), UART_MSR_DCD | UART_MSR_CTS);
	uart16550_write(&u, UART_MCR, UART_MCR_LOOP | 0x0f);
	assert_int_equal(uart16550_read(&u, UART_MSR), 0xf0);
	uart16550_write(&u, UART_RBR_THR_DLL, 'q');
	assert_int_equal(nsent, 0);
	assert_int_equal(uart16550_read(&u, UART_RBR_THR_DLL), 'q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(power_on_state_is_idle_and_connected),
		cmocka_unit_test(thr_writes_go_out_in_order),
		cmocka_unit_test(the_divisor_latch_hides_thr_and_ier),
		cmocka_unit_test(scratch_and_fifo_bits_identify_a_16550a),
		cmocka_unit_test(received_bytes_come_out_in_order_until_the_fifo_is_full),
		cmocka_unit_test(received_data_interrupts_before_an_empty_transmitter),
		cmocka_unit_test(loopback_echoes_mcr_in_msr_and_sent_bytes_in_rbr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
