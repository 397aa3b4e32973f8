/*
 * The PC devices of a VM, behind port I/O exits: COM1 (vmm/uart16550.c) on
 * IRQ 4, the 8259A pair (vmm/pic8259.c) and the 8254 PIT with port 0x61
 * (vmm/pit8254.c) on IRQ 0.  Device outputs are sampled before every entry
 * (vm_devices_sync()): the PIT's edges and COM1's level go to the PIC, and
 * what the PIC has is injected once the guest can take it.  The PIT's
 * clock is the TSC, scaled to PIT_HZ.  A vCPU may also have an emulated
 * xAPIC (vmm/lapic.c) at 0xfee00000, behind MMIO exits, whose timer counts
 * the TSC; its interrupts go before the PIC's.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/setup.h"
#include "devices/pc.h"
#include "vm/vm.h"

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

void vm_lapic_enable(struct vm *vm, struct vcpu *v)
{
	if (v->id >= VM_MAX_VCPUS)
		return;
	lapic_reset(&vm->lapic[v->id], (u8)v->id);
	vm->lapic_was_enabled[v->id] = true;
	v->apic_base = LAPIC_DEFAULT_BASE | MSR_APIC_BASE_ENABLE | (v->id ? 0 : MSR_APIC_BASE_BSP);
	v->lapic_emulated = true;
	v->tpr = &vm->lapic[v->id].tpr;	/* CR8 is this APIC's TPR[7:4] */
}

static bool lapic_on(const struct vcpu *v)
{
	return v && v->lapic_emulated && v->id < VM_MAX_VCPUS &&
	       (v->apic_base & MSR_APIC_BASE_ENABLE);
}

/*
 * v's APIC while IA32_APIC_BASE enables it, else NULL.  Disabling it puts
 * it back in its power-up state (SDM Vol. 3A 11.4.3), so that the guest
 * finds it that way when it enables it again (kvm-unit-tests' reset_apic()).
 */
static struct lapic *vcpu_lapic(struct vm *vm, struct vcpu *v)
{
	if (!v->lapic_emulated || v->id >= VM_MAX_VCPUS)
		return NULL;
	if (!lapic_on(v)) {
		if (vm->lapic_was_enabled[v->id])
			lapic_reset(&vm->lapic[v->id], (u8)v->id);
		vm->lapic_was_enabled[v->id] = false;
		return NULL;
	}
	vm->lapic_was_enabled[v->id] = true;
	return &vm->lapic[v->id];
}

bool vm_devices_mmio(struct vm *vm, struct vcpu *v)
{
	struct vcpu_exit *e = &v->exit;
	struct lapic *a = vcpu_lapic(vm, v);
	u64 base = v->apic_base & ~(u64)(LAPIC_MMIO_SIZE - 1);	/* IA32_APIC_BASE may move it */
	u64 off = e->mmio.gpa - base;
	unsigned int shift = (off & 3) * 8;

	if (!a || e->mmio.gpa < base || off >= LAPIC_MMIO_SIZE)
		return false;
	/* The registers are 32 bits wide on 16-byte boundaries; a narrower read sees part of one. */
	if (e->mmio.is_write) {
		if (e->mmio.len == 4 && !(off & 3))
			lapic_write(a, (u32)off, (u32)e->mmio.data, rdtsc());
	} else {
		u64 val = lapic_read(a, (u32)off & ~3u, rdtsc()) >> shift;

		e->mmio.data = e->mmio.len >= 4 ? val : val & ((1ULL << (e->mmio.len * 8)) - 1);
	}
	return true;
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
	struct lapic *a = vcpu_lapic(vm, v);
	int vec = a ? lapic_pending(a, rdtsc()) : -1;

	devices_update(vm);
	v->request_interrupt_window = false;
	if (a && a->nmi_pending) {
		/*
		 * Blocked by STI, MOV SS or IF: the interrupt window says when to
		 * retry; blocked by an NMI in service: the next exit does.
		 */
		if (!vcpu_nmi(v))
			a->nmi_pending = false;
		else if (!v->ready_for_interrupt)
			v->request_interrupt_window = true;
		return;
	}
	if (vec >= 0) {
		if (v->ready_for_interrupt && !vcpu_interrupt(v, (u8)vec))
			lapic_ack(a, (u8)vec);
		else
			v->request_interrupt_window = true;
		return;
	}
	if (!pic_has_interrupt(&vm->pic))
		return;
	if (!v->ready_for_interrupt || vcpu_interrupt(v, pic_ack(&vm->pic)))
		v->request_interrupt_window = true;
}

u64 vm_devices_next_event(const struct vm *vm)
{
	u64 next = pit_next_edge(&vm->pit, pit_now(vm)), now = rdtsc();

	/* An edge on a masked IRQ 0 wakes nothing. */
	next = (next == ~0ULL || (vm->pic.chip[0].imr & (1u << PIT_IRQ))) ? ~0ULL :
									      pit_to_tsc(vm, next);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = vm->vcpus[i];
		const struct lapic *a = lapic_on(v) ? &vm->lapic[v->id] : NULL;

		if (a && !(a->lvt[0] & APIC_LVT_MASKED) &&
		    lapic_next_event(a, now) < next)
			next = lapic_next_event(a, now);
	}
	return next == ~0ULL ? 0 : next;
}

bool vm_devices_pending(struct vm *vm)
{
	devices_update(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct lapic *a = vcpu_lapic(vm, vm->vcpus[i]);

		if (a && (a->nmi_pending || lapic_pending(a, rdtsc()) >= 0))
			return true;
	}
	return pic_has_interrupt(&vm->pic);
}
