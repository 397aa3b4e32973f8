/*
 * The PC devices of a VM, behind port I/O exits: COM1 (vmm/uart16550.c) on
 * IRQ 4, the 8259A pair (vmm/pic8259.c) and the 8254 PIT with port 0x61
 * (vmm/pit8254.c) on IRQ 0.  Device outputs are sampled before every entry
 * (vm_devices_sync()): the PIT's edges and COM1's level go to the PIC, and
 * what the PIC has is injected once the guest can take it.  The PIT's
 * clock is the TSC, scaled to PIT_HZ.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/setup.h"
#include "vmm/devices.h"
#include "vmm/vmm.h"

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define PIT_IRQ 0

void vm_devices_init(struct vm *vm)
{
	uart16550_init(&vm->com1, vm_com1_tx, vm);
	pic_init(&vm->pic);
	pit_init(&vm->pit);
	vm->dev_tsc_base = rdtsc();
}

/* TSC ticks to PIT ticks since the VM was made, and back. */
static u64 pit_now(const struct vm *vm)
{
	return (u64)((unsigned __int128)(rdtsc() - vm->dev_tsc_base) * PIT_HZ / (tsc_khz * 1000));
}

static u64 pit_to_tsc(const struct vm *vm, u64 pit)
{
	return vm->dev_tsc_base + (u64)((unsigned __int128)pit * tsc_khz * 1000 / PIT_HZ);
}

static bool is_pic_port(u16 port)
{
	return port == PIC_MASTER_CMD || port == PIC_MASTER_DATA || port == PIC_SLAVE_CMD ||
	       port == PIC_SLAVE_DATA;
}

static bool is_pit_port(u16 port)
{
	return (port >= PIT_CH0 && port <= PIT_MODE_PORT) || port == PIT_PORT61;
}

bool vm_devices_io(struct vm *vm, struct vcpu_exit *e)
{
	u16 port = e->io.port;
	u8 val = (u8)e->io.data;

	/* Byte registers: a wider access reaches the first one only. */
	if (port >= COM1_BASE && port < COM1_BASE + UART_NR_PORTS) {
		if (e->io.is_write)
			uart16550_write(&vm->com1, port - COM1_BASE, val);
		else
			e->io.data = uart16550_read(&vm->com1, port - COM1_BASE);
	} else if (is_pic_port(port)) {
		if (e->io.is_write)
			pic_write(&vm->pic, port, val);
		else
			e->io.data = pic_read(&vm->pic, port);
	} else if (is_pit_port(port)) {
		if (e->io.is_write)
			pit_write(&vm->pit, port, val, pit_now(vm));
		else
			e->io.data = pit_read(&vm->pit, port, pit_now(vm));
	} else {
		return false;
	}
	return true;
}

/* Move the devices' outputs onto the PIC's inputs. */
static void devices_update(struct vm *vm)
{
	if (pit_irq0_edges(&vm->pit, pit_now(vm))) {
		/* ISA IRQ 0 is edge-triggered: one rising edge however many periods passed. */
		pic_set_irq(&vm->pic, PIT_IRQ, false);
		pic_set_irq(&vm->pic, PIT_IRQ, true);
	}
	pic_set_irq(&vm->pic, COM1_IRQ, uart16550_irq_level(&vm->com1));
}

void vm_devices_sync(struct vm *vm, struct vcpu *v)
{
	devices_update(vm);
	v->request_interrupt_window = false;
	if (!pic_has_interrupt(&vm->pic))
		return;
	if (!v->ready_for_interrupt || vcpu_interrupt(v, pic_ack(&vm->pic)))
		v->request_interrupt_window = true;
}

u64 vm_devices_next_event(const struct vm *vm)
{
	u64 next = pit_next_edge(&vm->pit, pit_now(vm));

	/* An edge on a masked IRQ 0 wakes nothing. */
	if (vm->pic.chip[0].imr & (1u << PIT_IRQ))
		return 0;
	return next == ~0ULL ? 0 : pit_to_tsc(vm, next);
}

bool vm_devices_pending(struct vm *vm)
{
	devices_update(vm);
	return pic_has_interrupt(&vm->pic);
}
