/*
 * The PC machine of a VM (QEMU's hw/i386/pc.c role): COM1
 * (devices/uart16550.c) on IRQ 4 and the 8254 PIT with port 0x61
 * (devices/pit8254.c) on IRQ 0, the MC146818 RTC and CMOS RAM at ports
 * 0x70/0x71 (devices/rtc_cmos.c, no IRQ 8), QEMU's fw_cfg ports (devices/fw_cfg.c)
 * and, for kvm-unit-tests, pc-testdev (devices/pc_testdev.c: its data,
 * flush-page and line ports, and its IORAM) and ACPI fixed hardware
 * (devices/acpi_pm.c: PM1 event and control blocks, the PM timer),
 * all wired to the VM's interrupt controllers
 * (irq/), which also own the 8259A ports and each vCPU's xAPIC page.  The
 * PIT's clock is the TSC, scaled to PIT_HZ; its IRQ 0 and COM1's level are
 * sources the irqchip samples before it answers an entry.  The RTC's clock
 * is the TSC too, scaled to its 32.768 kHz time base, from the host's own
 * RTC when the VM is made; so is the PM timer's, at 3.579545 MHz.
 */
#include "arch/x86/cmos.h"
#include "arch/x86/cpu.h"
#include "arch/x86/setup.h"
#include "devices/acpi_build.h"
#include "devices/fw_cfg.h"
#include "devices/pc_testdev.h"
#include "ept/zap.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "memslot/kvm_arch.h"
#include "mm/kmalloc.h"
#include "vm/pc.h"
#include "vm/vm.h"

#define COM1_BASE 0x3f8
#define COM1_IRQ 4
#define PIT_IRQ 0
#define LAPIC_MIN_PERIOD_US 200	/* KVM's min_timer_period_us */

/* TSC ticks to PIT ticks since the VM was made, and back. */
static u64 pit_now(const struct vm *vm)
{
	return (u64)((unsigned __int128)(rdtsc() - vm->dev_tsc_base) * PIT_HZ / (tsc_khz * 1000));
}

static u64 pit_to_tsc(const struct vm *vm, u64 pit)
{
	return vm->dev_tsc_base + (u64)((unsigned __int128)pit * tsc_khz * 1000 / PIT_HZ);
}

u64 vm_rtc_now(const struct vm *vm)
{
	return (u64)((unsigned __int128)(rdtsc() - vm->dev_tsc_base) * RTC_HZ / (tsc_khz * 1000));
}

u64 vm_rtc_to_tsc(const struct vm *vm, u64 rtc)
{
	return vm->dev_tsc_base + (u64)((unsigned __int128)rtc * tsc_khz * 1000 / RTC_HZ);
}

/* The PM timer's ticks since the VM was made. */
static u64 acpi_pm_now(const struct vm *vm)
{
	return acpi_pm_ticks(rdtsc() - vm->dev_tsc_base, tsc_khz);
}

/*
 * The guest's clock starts at the host's (its RTC, in whatever zone the
 * host keeps it), or at 2000-01-01 00:00:00 when the host has no RTC that
 * answers.
 */
static void rtc_start(struct vm *vm)
{
	static const struct rtc_cmos_time fixed_epoch = { .year = 2000, .month = 1, .day = 1 };
	u8 regs[CMOS_BYTES];
	struct rtc_cmos_time t = fixed_epoch;

	_Static_assert(CMOS_BYTES == RTC_CMOS_BYTES, "one register numbering for host and guest");
	if (host_cmos_read_clock(regs))
		rtc_cmos_decode(regs, &t);
	rtc_cmos_init(&vm->rtc, &t, vm_rtc_now(vm));
}

/* The PIT's IRQ 0: ISA IRQ 0 is edge-triggered, one rising edge however many periods passed. */
static void pit_sample(struct irqchip *chip, void *ctx)
{
	struct vm *vm = ctx;

	if (pit_irq0_edges(&vm->pit, pit_now(vm))) {
		__irqchip_set_line(chip, PIT_IRQ, false);
		__irqchip_set_line(chip, PIT_IRQ, true);
	}
}

/* COM1's interrupt output is a level. */
static void com1_sample(struct irqchip *chip, void *ctx)
{
	struct vm *vm = ctx;

	__irqchip_set_line(chip, COM1_IRQ, uart16550_irq_level(&vm->com1));
}

void vm_devices_init(struct vm *vm)
{
	irqchip_init(&vm->irqchip, &vm->kvm);
	vm->irqchip.lapic_min_period = tsc_khz * LAPIC_MIN_PERIOD_US / 1000;
	vm->kvm.irqchip = &vm->irqchip;
	uart16550_init(&vm->com1, vm_com1_tx, vm);
	pit_init(&vm->pit);
	fw_cfg_init(&vm->fw_cfg, 0, 1);	/* vm_load_kernel() says what the guest has */
	vm->dev_tsc_base = rdtsc();
	rtc_start(vm);
	irqchip_add_source(&vm->irqchip, pit_sample, vm);
	irqchip_add_source(&vm->irqchip, com1_sample, vm);
}

/*
 * The guest's ACPI tables (devices/acpi_build.c) at VM_ACPI_GPA, in the
 * BIOS area the memory map reserves, where Linux finds the RSDP by its
 * boot protocol's acpi_rsdp_addr or by scanning: one local APIC per vCPU,
 * this machine's I/O APIC and its IRQ 0 -> GSI 2 override, the PIC pair;
 * with the ACPI PM device, the full FADT that names it and the FACS
 * (hardware-reduced otherwise, as Linux guests get them).
 */
int vm_acpi_install(struct vm *vm, unsigned int nr_vcpus)
{
	struct acpi_virtio_mmio virtio[VM_VIRTIO_MAX];
	const struct acpi_build_config cfg = {
		.virtio = virtio,
		.nr_virtio = vm->nr_virtio,
		.nr_cpus = nr_vcpus,
		.lapic_base = (u32)VLAPIC_DEFAULT_BASE,
		.ioapic_id = IRQCHIP_IOAPIC_ID,
		.ioapic_base = (u32)IOAPIC_DEFAULT_BASE,
		.pcat_compat = true,
		.fixed_hw = vm->acpi_pm != NULL,
	};
	void *buf = vm_gpa_to_hva(vm, VM_ACPI_GPA);
	void *last = vm_gpa_to_hva(vm, VM_ACPI_GPA + VM_ACPI_SIZE - 1);
	long len;

	if (!buf || last != (u8 *)buf + VM_ACPI_SIZE - 1)
		return -EFAULT;
	for (unsigned int i = 0; i < vm->nr_virtio; i++)
		virtio[i] = (struct acpi_virtio_mmio){ .base = (u32)vm->virtio[i].base,
						       .size = VIRTIO_MMIO_SIZE, .gsi = vm->virtio[i].gsi };
	len = acpi_build_tables(&cfg, buf, VM_ACPI_GPA, VM_ACPI_SIZE);
	return len < 0 ? (int)len : 0;
}

void vm_lapic_enable(struct vm *vm, struct vcpu *v)
{
	int err;

	irqchip_lapic_enable(&vm->irqchip, v);
	/* Without its APIC-access page the xAPIC still works, through the emulator. */
	err = vcpu_apicv_enable(v);
	if (err)
		kprintf("vmm: %s: vCPU %u's xAPIC without APIC virtualization (%d)\n", vm->name,
			v->id, err);
}

/* The SCI is a level on ISA IRQ 9 (the MADT's override makes it level, active high). */
static void sci_sample(struct irqchip *chip, void *ctx)
{
	struct vm *vm = ctx;

	__irqchip_set_line(chip, ACPI_PM_SCI_IRQ, acpi_pm_sci_level(vm->acpi_pm, acpi_pm_now(vm)));
}

int vm_acpi_pm_add(struct vm *vm)
{
	vm->acpi_pm = kzalloc(sizeof(*vm->acpi_pm));
	if (!vm->acpi_pm)
		return -ENOMEM;
	acpi_pm_init(vm->acpi_pm, acpi_pm_now(vm));
	return irqchip_add_source(&vm->irqchip, sci_sample, vm);
}

int vm_pc_testdev_add(struct vm *vm)
{
	vm->pc_testdev = kzalloc(sizeof(*vm->pc_testdev));
	return vm->pc_testdev ? 0 : -ENOMEM;
}

static bool pc_testdev_iomem(struct vm *vm, struct vcpu_exit *e)
{
	return vm->pc_testdev && pc_testdev_mmio(vm->pc_testdev, e->mmio.gpa, e->mmio.len,
						 e->mmio.is_write, &e->mmio.data);
}

bool vm_devices_mmio(struct vm *vm, struct vcpu *v)
{
	return irqchip_lapic_mmio(&vm->irqchip, v) || irqchip_ioapic_mmio(&vm->irqchip, &v->exit) ||
	       vm_virtio_mmio(vm, &v->exit) || pc_testdev_iomem(vm, &v->exit);
}

/*
 * pc-testdev's flush page: the guest's next access to the page faults, as
 * in QEMU (which mprotect()s it).  Its EPT leaves are zapped and every CPU
 * flushed, under mmu_lock (KVM's MMU-notifier path), outside the
 * irqchip's lock: the flush waits for the other vCPUs.
 */
static void pc_testdev_flush_page(struct vm *vm, u64 gpa)
{
	gfn_t gfn = gpa_to_gfn(gpa);

	spin_lock(&vm->kvm.mmu_lock);
	if (kvm_tdp_mmu_zap_leafs(&vm->kvm, 0, gfn, gfn + 1))
		kvm_flush_remote_tlbs(&vm->kvm);
	spin_unlock(&vm->kvm.mmu_lock);
}

static bool is_pic_port(u16 port)
{
	return port == PIC_MASTER_CMD || port == PIC_MASTER_DATA || port == PIC_SLAVE_CMD ||
	       port == PIC_SLAVE_DATA;
}

static bool is_rtc_port(u16 port)
{
	return port == RTC_INDEX_PORT || port == RTC_DATA_PORT;
}

static bool is_pit_port(u16 port)
{
	return (port >= PIT_CH0 && port <= PIT_MODE_PORT) || port == PIT_PORT61;
}

/*
 * Byte registers: a wider access reaches the first one only.  The irqchip's
 * lock covers the devices too, since its sources read them on a vCPU's CPU.
 */
static bool devices_io(struct vm *vm, struct vcpu_exit *e)
{
	u16 port = e->io.port;
	u8 val = (u8)e->io.data;

	if (fw_cfg_io(&vm->fw_cfg, port, e->io.is_write, e->io.size, &e->io.data))
		return true;	/* a 16-bit selector: not a byte register */
	if (vm->acpi_pm && acpi_pm_io(vm->acpi_pm, port, e->io.is_write, e->io.size, &e->io.data,
				      acpi_pm_now(vm)))
		return true;	/* 16- and 32-bit registers */
	if (port >= COM1_BASE && port < COM1_BASE + UART_NR_PORTS) {
		if (e->io.is_write)
			uart16550_write(&vm->com1, port - COM1_BASE, val);
		else
			e->io.data = uart16550_read(&vm->com1, port - COM1_BASE);
	} else if (is_pic_port(port)) {
		if (e->io.is_write)
			pic_write(&vm->irqchip.pic, port, val);
		else
			e->io.data = pic_read(&vm->irqchip.pic, port);
	} else if (is_pit_port(port)) {
		if (e->io.is_write)
			pit_write(&vm->pit, port, val, pit_now(vm));
		else
			e->io.data = pit_read(&vm->pit, port, pit_now(vm));
	} else if (is_rtc_port(port)) {
		if (e->io.is_write)
			rtc_cmos_write(&vm->rtc, port, val, vm_rtc_now(vm));
		else
			e->io.data = rtc_cmos_read(&vm->rtc, port, vm_rtc_now(vm));
	} else if (vm->pc_testdev && pc_testdev_io(&vm->irqchip, port, e->io.is_write, val)) {
		/* a line raised or lowered: delivered (and its vCPU kicked) already */
	} else {
		return false;
	}
	return true;
}

bool vm_devices_io(struct vm *vm, struct vcpu_exit *e)
{
	u64 flush = PC_TESTDEV_NO_FLUSH;
	bool claimed;

	spin_lock(&vm->irqchip.lock);
	claimed = (vm->pc_testdev && pc_testdev_pio(vm->pc_testdev, e->io.port, e->io.is_write,
						     e->io.size, &e->io.data, &flush)) ||
		  devices_io(vm, e);
	spin_unlock(&vm->irqchip.lock);
	if (flush != PC_TESTDEV_NO_FLUSH)
		pc_testdev_flush_page(vm, flush);
	return claimed;
}

bool vm_devices_pending(struct vcpu *v)
{
	return irqchip_vcpu_pending(v);
}

/*
 * Whether an edge of the PIT's IRQ 0 would reach a CPU: unmasked at the
 * PIC while the PIC reaches v, or at its I/O APIC pin.  Lock held.
 */
static bool pit_irq_live(struct vm *vm, bool pic_reaches)
{
	const struct irqchip *chip = &vm->irqchip;

	return (pic_reaches && !(chip->pic.chip[0].imr & (1u << PIT_IRQ))) ||
	       !(chip->ioapic.redirtbl[irqchip_isa_gsi(PIT_IRQ)] & IOAPIC_RTE_MASKED);
}

/*
 * vCPU 0 keeps the devices' clock: it wakes (or exits) at each PIT edge
 * that can reach a CPU, and the sampling at its next entry delivers the
 * edge to whichever vCPU the controllers route it to.
 */
u64 vm_devices_next_event(struct vm *vm, struct vcpu *v)
{
	u64 next = ~0ULL, apic;
	bool pic = v->vcpu_idx == 0 && irqchip_pic_reaches(v);

	if (v->vcpu_idx == 0) {
		spin_lock(&vm->irqchip.lock);
		next = pit_next_edge(&vm->pit, pit_now(vm));
		next = next != ~0ULL && pit_irq_live(vm, pic) ? pit_to_tsc(vm, next) : ~0ULL;
		spin_unlock(&vm->irqchip.lock);
	}
	apic = irqchip_vcpu_next_event(v);
	next = MIN(next, apic);
	return next == ~0ULL ? 0 : next;
}
