/*
 * SMP bring-up.  The BSP copies the trampoline (boot/trampoline.S) to a
 * page below 1 MiB, builds page tables that map that page at its own
 * address next to the kernel's higher half, and starts each AP with
 * INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4.1).  An AP sets up its own GDT, TSS and
 * GS-based per-CPU data, enables its local APIC, says it is online and
 * waits for work from the BSP (smp_call).
 */
#include "arch/acpi.h"
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/desc.h"
#include "arch/x86/lapic.h"
#include "arch/x86/msr.h"
#include "arch/x86/setup.h"
#include "arch/x86/smp.h"
#include "arch/x86/smp_trampoline.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define PTE_P BIT(0)
#define PTE_W BIT(1)
#define PTE_PS BIT(7)
#define INIT_DELAY_US 10000	/* after INIT (SDM Vol. 3A 9.4.4.1) */
#define SIPI_DELAY_US 200	/* between the two SIPIs */
#define ONLINE_TIMEOUT_US 200000

extern const u8 trampoline_start[], trampoline_end[], trampoline_data[];

static u64 tramp_pml4[512] __aligned(4096);
static u64 tramp_pdpt[512] __aligned(4096);
static u64 tramp_pd[512] __aligned(4096);
static u8 ap_stacks[MAX_CPUS][KERNEL_STACK_SIZE] __aligned(16);
static u64 kernel_cr3;

static void udelay(u64 us)
{
	u64 end = rdtsc() + us * (tsc_khz ? tsc_khz : 1000000) / 1000;

	while (rdtsc() < end)
		cpu_relax();
}

/* The kernel's mappings, plus the first 2 MiB at their own address for the trampoline. */
static u32 trampoline_page_tables(void)
{
	memcpy(tramp_pml4, phys_to_virt(kernel_cr3), sizeof(tramp_pml4));
	tramp_pml4[0] = virt_to_phys(tramp_pdpt) | PTE_P | PTE_W;
	tramp_pdpt[0] = virt_to_phys(tramp_pd) | PTE_P | PTE_W;
	tramp_pd[0] = 0 | PTE_P | PTE_W | PTE_PS;
	return (u32)virt_to_phys(tramp_pml4);	/* the image is below 4 GiB */
}

static void ap_work_loop(struct percpu *c)
{
	for (;;) {
		long (*fn)(void *) = c->work_fn;

		if (!fn) {
			cpu_relax();
			continue;
		}
		c->work_fn = NULL;
		c->work_result = fn(c->work_arg);
		barrier();
		c->work_done = true;
	}
}

/* C entry of an AP, from the trampoline, on its own stack. */
__noreturn void ap_entry(unsigned int cpu)
{
	struct percpu *c = &cpus[cpu];

	write_cr3(kernel_cr3);	/* leave the trampoline's identity map */
	write_cr4(read_cr4() | X86_CR4_PGE);
	cpu_enable_fpu_state();
	percpu_init(cpu);
	gdt_init();
	idt_load();
	lapic_init();
	c->apic_id = lapic_id();
	c->online_tsc = rdtsc();
	barrier();
	c->online = true;
	ap_work_loop(c);
	__builtin_unreachable();
}

static bool ap_start(unsigned int cpu, u32 apic_id, struct trampoline_data *d)
{
	d->cpu = cpu;
	d->stack = (u64)&ap_stacks[cpu][KERNEL_STACK_SIZE];
	d->entry = (u64)ap_entry;
	barrier();
	lapic_send_init(apic_id);
	udelay(INIT_DELAY_US);
	for (int sipi = 0; sipi < 2 && !READ_ONCE(cpus[cpu].online); sipi++) {
		lapic_send_sipi(apic_id, TRAMPOLINE_PA >> 12);
		udelay(SIPI_DELAY_US);
	}
	for (u64 waited = 0; !READ_ONCE(cpus[cpu].online) && waited < ONLINE_TIMEOUT_US; waited += 100)
		udelay(100);
	return READ_ONCE(cpus[cpu].online);
}

unsigned int smp_init(bool trampoline_page_free)
{
	struct acpi_madt_info madt;
	struct trampoline_data *d;
	u8 *page = phys_to_virt(TRAMPOLINE_PA);
	unsigned int started = 0;

	lapic_init();
	cpus[0].apic_id = lapic_id();
	cpus[0].online_tsc = rdtsc();
	cpus[0].online = true;
	if (acpi_get_madt(&madt) < 0 || madt.nr_cpus < 2)
		return 0;
	if (!trampoline_page_free) {
		/* Firmware (UEFI's runtime or ACPI NVS, say) may own it: never write there. */
		kprintf("smp: the AP start page at 0x%x is not available memory in the boot memory map; staying on one CPU\n",
			TRAMPOLINE_PA);
		return 0;
	}
	kernel_cr3 = read_cr3();
	memcpy(page, trampoline_start, trampoline_end - trampoline_start);
	d = (struct trampoline_data *)(page + (trampoline_data - trampoline_start));
	d->cr3 = trampoline_page_tables();
	d->efer = EFER_LME | (rdmsr(MSR_EFER) & EFER_NXE);
	for (unsigned int i = 0; i < madt.nr_cpus && nr_cpus < MAX_CPUS; i++) {
		if (madt.apic_id[i] == cpus[0].apic_id)
			continue;
		if (madt.apic_id[i] > 0xff && !lapic_x2apic()) {
			kprintf("smp: the CPU with APIC id %u needs x2APIC mode (slotvisor.x2apic=on), "
				"not started\n", madt.apic_id[i]);
			continue;
		}
		if (!ap_start(nr_cpus, madt.apic_id[i], d)) {
			/* INIT parks it in wait-for-SIPI, so it cannot wake later on a reused slot. */
			lapic_send_init(madt.apic_id[i]);
			kprintf("smp: the CPU with APIC id %u did not come online\n", madt.apic_id[i]);
			continue;
		}
		nr_cpus++;
		started++;
	}
	kprintf("smp: %u CPUs online\n", nr_cpus);
	return started;
}

int smp_call_async(unsigned int cpu, long (*fn)(void *), void *arg)
{
	struct percpu *c = &cpus[cpu];

	if (cpu == 0 || cpu >= nr_cpus || !READ_ONCE(c->online))
		return -ENODEV;
	c->work_arg = arg;
	c->work_done = false;
	barrier();
	c->work_fn = fn;
	return 0;
}

long smp_wait(unsigned int cpu)
{
	while (!READ_ONCE(cpus[cpu].work_done))
		cpu_relax();
	return cpus[cpu].work_result;
}

bool smp_call_done(unsigned int cpu)
{
	return READ_ONCE(cpus[cpu].work_done);
}

long smp_call(unsigned int cpu, long (*fn)(void *), void *arg)
{
	int err = smp_call_async(cpu, fn, arg);

	return err ? err : smp_wait(cpu);
}
