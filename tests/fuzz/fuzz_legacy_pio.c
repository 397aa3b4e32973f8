/*
 * The guest's legacy port devices (devices/uart16550.c COM1,
 * devices/pit8254.c, irq/pic8259.c, devices/fw_cfg.c, devices/acpi_pm.c)
 * driven by a stream
 * of guest port accesses, lines raised by devices, characters typed and
 * the passing of time, as vm/pc.c routes them.  Each operation is 3 bytes:
 * what (device and read/write), which register, the value.  Invariants:
 * the UART's receive FIFO stays within its 64 bytes and LSR.DR says
 * whether it holds any; the PICs' init step is one the ICW sequence has;
 * an acknowledged vector comes from a programmed vector base; channel 0's
 * next edge is never in the past and it never reports more edges than
 * ticks passed; fw_cfg's reads fit their width; the ACPI PM device claims
 * exactly the accesses that touch 0x600-0x60b, its reads fit their width,
 * PM1_EN shows only its enable bits, PM1_CNT never shows SLP_EN, and the
 * timer reads the low 32 bits of its count.
 */
#include "arch/acpi.h"
#include "devices/acpi_pm.h"
#include "devices/fw_cfg.h"
#include "devices/pit8254.h"
#include "devices/uart16550.h"
#include "irq/pic8259.h"
#include "fuzz.h"

#define COM1_PORT	0x3f8
#define PIC_MASTER_CMD	0x20
#define PIC_VECTOR_MASK	0xf8	/* ICW2: the base in bits 7:3 */
#define ISA_IRQS	16
#define TICK_SCALE	64	/* a time step is the value times this many PIT ticks */
#define PM_PER_PIT	3	/* 3.579545 MHz against 1.193182 MHz */
#define PM_PORT_SPAN	20	/* the ports tried: 4 below the ACPI PM block to 4 above it */

enum op {
	OP_UART_READ, OP_UART_WRITE, OP_UART_RECEIVE,
	OP_PIC_READ, OP_PIC_WRITE, OP_PIC_LINE, OP_PIC_ACK,
	OP_PIT_READ, OP_PIT_WRITE, OP_TIME,
	OP_FW_CFG_READ, OP_FW_CFG_WRITE,
	OP_ACPI_PM_READ, OP_ACPI_PM_WRITE,
	NR_OPS
};

static const u16 pic_ports[] = {
	PIC_MASTER_CMD, PIC_MASTER_CMD + 1, PIC_SLAVE_CMD, PIC_SLAVE_DATA,
};
static const u16 pit_ports[] = { PIT_CH0, PIT_CH0 + 1, PIT_CH2, PIT_MODE_PORT, PIT_PORT61 };
static const u16 fw_cfg_ports[] = { FW_CFG_PORT_SEL, FW_CFG_PORT_DATA, FW_CFG_PORT_DATA + 1 };
static const unsigned int io_sizes[] = { 1, 2, 4 };

static struct uart16550 uart;
static struct pic pic;
static struct pit pit;
static struct fw_cfg fw;
static struct acpi_pm_device pm;
static u64 now, sent, edges_asked;

static void uart_tx(void *ctx, u8 c)
{
	sent++;
}

static void check_uart(void)
{
	bool dr;

	FUZZ_CHECK(uart.rx_len <= UART_RX_FIFO && uart.rx_head < UART_RX_FIFO,
		   "receive FIFO head %u, %u bytes", uart.rx_head, uart.rx_len);
	if (uart.lcr & UART_LCR_DLAB)
		return;
	dr = uart16550_read(&uart, UART_LSR) & UART_LSR_DR;
	FUZZ_CHECK(dr == (uart.rx_len > 0), "LSR.DR %d with %u bytes received", dr, uart.rx_len);
}

static void check_pic(u8 vector)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(pic.chip); i++)
		FUZZ_CHECK(pic.chip[i].init_step == 0 ||
			   (pic.chip[i].init_step >= 2 && pic.chip[i].init_step <= 4),
			   "PIC %u at init step %u", i, pic.chip[i].init_step);
	if (vector)
		FUZZ_CHECK((vector & PIC_VECTOR_MASK) == pic.chip[0].vector_base ||
			   (vector & PIC_VECTOR_MASK) == pic.chip[1].vector_base,
			   "vector 0x%x from bases 0x%x and 0x%x", vector, pic.chip[0].vector_base,
			   pic.chip[1].vector_base);
}

static void fw_cfg_access(u8 which, u8 val, bool is_write)
{
	u16 port = fw_cfg_ports[which % ARRAY_SIZE(fw_cfg_ports)];
	unsigned int size = io_sizes[(which >> 4) % ARRAY_SIZE(io_sizes)];
	u32 data = is_write ? val : 0xdeadbeef;
	bool ours = fw_cfg_io(&fw, port, is_write, size, &data);

	FUZZ_CHECK(ours == (port != FW_CFG_PORT_DATA + 1), "fw_cfg claims port 0x%x: %d", port,
		   ours);
	if (ours && !is_write && size < 4)
		FUZZ_CHECK(data < (1u << (8 * size)), "a %u-byte read gave 0x%x", size, data);
}

/* An access to the ACPI PM block or around it; a sleep request is answered by a wake. */
static void acpi_pm_access(u8 which, u8 val, bool is_write)
{
	u16 port = (u16)(ACPI_PM_IO_BASE - 4 + which % PM_PORT_SPAN);
	unsigned int size = io_sizes[(which / PM_PORT_SPAN) % ARRAY_SIZE(io_sizes)];
	u32 data = is_write ? val * 0x01010101u : 0xdeadbeef;
	bool ours = acpi_pm_io(&pm, port, is_write, (u8)size, &data, now * PM_PER_PIT);

	FUZZ_CHECK(ours == (port < ACPI_PM_IO_END && port + size > ACPI_PM_IO_BASE),
		   "ACPI PM claims a %u-byte access at 0x%x: %d", size, port, ours);
	if (is_write) {
		if (acpi_pm_sleep_request(&pm) != ACPI_PM_AWAKE)
			acpi_pm_wake(&pm, ACPI_PM1_RTC_STS);
		return;
	}
	if (ours && size < 4)
		FUZZ_CHECK(data < (1u << (8 * size)), "a %u-byte read gave 0x%x", size, data);
	if (port == ACPI_PM1_EN_PORT && size == 2)
		FUZZ_CHECK(!(data & ~ACPI_PM1_EN_WRITABLE), "PM1_EN reads 0x%x", data);
	if (port == ACPI_PM1_CNT_PORT && size == 2)
		FUZZ_CHECK(!(data & ACPI_PM1_SLP_EN), "PM1_CNT reads 0x%x: SLP_EN", data);
	if (port == ACPI_PM_TMR_PORT && size == 4)
		FUZZ_CHECK(data == (u32)(now * PM_PER_PIT), "the timer reads 0x%x at %llu", data,
			   (unsigned long long)(now * PM_PER_PIT));
}

/*
 * Time passes; channel 0's new edges raise IRQ 0 once, as vm/pc.c does.
 * A period is at least a tick: more edges than ticks since the last call
 * (one more at most, the one due at the start) is a miscount.
 */
static void time_passes(u64 ticks)
{
	u64 edges;

	now += ticks;
	edges = pit_irq0_edges(&pit, now);
	FUZZ_CHECK(edges <= now - edges_asked + 1, "%llu edges in %llu ticks",
		   (unsigned long long)edges, (unsigned long long)(now - edges_asked));
	edges_asked = now;
	if (edges) {
		pic_set_irq(&pic, 0, true);
		pic_set_irq(&pic, 0, false);
	}
}

static void step(u8 op, u8 which, u8 val)
{
	u8 vector = 0;
	u64 next;

	switch (op % NR_OPS) {
	case OP_UART_READ: uart16550_read(&uart, which % UART_NR_PORTS); break;
	case OP_UART_WRITE: uart16550_write(&uart, which % UART_NR_PORTS, val); break;
	case OP_UART_RECEIVE: uart16550_receive(&uart, val); break;
	case OP_PIC_READ: pic_read(&pic, pic_ports[which % ARRAY_SIZE(pic_ports)]); break;
	case OP_PIC_WRITE: pic_write(&pic, pic_ports[which % ARRAY_SIZE(pic_ports)], val); break;
	case OP_PIC_LINE: pic_set_irq(&pic, which % ISA_IRQS, val & 1); break;
	case OP_PIC_ACK:
		if (pic_has_interrupt(&pic))
			vector = pic_ack(&pic);
		break;
	case OP_PIT_READ: pit_read(&pit, pit_ports[which % ARRAY_SIZE(pit_ports)], now); break;
	case OP_PIT_WRITE:
		pit_write(&pit, pit_ports[which % ARRAY_SIZE(pit_ports)], val, now);
		break;
	case OP_TIME:
		time_passes((u64)val * TICK_SCALE);
		break;
	case OP_FW_CFG_READ: fw_cfg_access(which, val, false); break;
	case OP_FW_CFG_WRITE: fw_cfg_access(which, val, true); break;
	case OP_ACPI_PM_READ: acpi_pm_access(which, val, false); break;
	default: acpi_pm_access(which, val, true); break;
	}
	pic_set_irq(&pic, 4, uart16550_irq_level(&uart));	/* COM1 is ISA IRQ 4 */
	next = pit_next_edge(&pit, now);
	FUZZ_CHECK(next >= now, "channel 0's next edge %llu is before now %llu",
		   (unsigned long long)next, (unsigned long long)now);
	check_uart();
	check_pic(vector);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fuzz_stream s = { data, size };

	uart16550_init(&uart, uart_tx, NULL);
	pic_init(&pic);
	pit_init(&pit);
	fw_cfg_init(&fw, MiB(256), 2);
	acpi_pm_init(&pm, 0);
	now = sent = edges_asked = 0;
	while (s.left) {
		u8 op = (u8)fuzz_take(&s, 1), which = (u8)fuzz_take(&s, 1);

		step(op, which, (u8)fuzz_take(&s, 1));
	}
	return 0;
}
