/*
 * Loading a guest image nobody here wrote (a bzImage, a multiboot v1
 * kernel): RAM as memslots, a load plan from loader/image.c applied to it,
 * and vCPU 0 in the plan's entry state.  The plan is made before any
 * memory is touched, so a bad image changes nothing in the VM.
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "arch/x86/msr.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/kmalloc.h"
#include "loader/image.h"
#include "vm/pc.h"
#include "vm/vm.h"

#define LEGACY_HOLE_START 0xa0000	/* VGA and BIOS: reserved in the map */
#define LEGACY_HOLE_END 0x100000
#define FLAT_LIMIT 0xffffffff
#define AR_CODE32 (SEG_TYPE_CODE_XR_ACCESSED | VMX_AR_S | VMX_AR_P | VMX_AR_DB | VMX_AR_G)
#define AR_CODE64 (SEG_TYPE_CODE_XR_ACCESSED | VMX_AR_S | VMX_AR_P | VMX_AR_L | VMX_AR_G)
#define AR_DATA (SEG_TYPE_DATA_RW_ACCESSED | VMX_AR_S | VMX_AR_P | VMX_AR_DB | VMX_AR_G)
#define AR_TSS (SEG_TYPE_TSS_BUSY | VMX_AR_P)

/* RAM below the 32-bit hole as slot 0, the rest from 4 GiB as slot 1. */
static unsigned int image_ram(u64 mem_size, struct load_range *ram)
{
	u64 low = MIN(mem_size, VM_KERNEL_LOW_RAM_MAX);

	ram[0] = (struct load_range){ 0, low };
	if (mem_size == low)
		return 1;
	ram[1] = (struct load_range){ GiB(4), mem_size - low };
	return 2;
}

int vm_apply_plan(struct vm *vm, const struct load_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_copies; i++) {
		const struct load_copy *c = &plan->copies[i];

		for (u64 done = 0, n; done < c->len; done += n) {
			u64 gpa = c->gpa + done;
			u8 *hva = vm_gpa_to_hva(vm, gpa);

			/* Page by page: guest RAM may be in several slots (vm_add_ram()). */
			n = MIN(c->len - done, GFN_SIZE - (gpa & (GFN_SIZE - 1)));
			if (!hva) {
				kprintf("vmm: %s: %s [0x%llx, 0x%llx) is not all in memslots "
					"(0x%llx is not)\n", vm->name, c->what, c->gpa, c->gpa + c->len,
					gpa);
				return -EFAULT;
			}
			if (c->kind == LOAD_COPY_DATA)
				memcpy(hva, (const u8 *)c->src + done, n);
			else if (c->kind == LOAD_COPY_ZERO)
				memset(hva, 0, n);
		}
	}
	return 0;
}

static struct vcpu_segment flat(u16 sel, u32 ar)
{
	return (struct vcpu_segment){ .base = 0, .limit = FLAT_LIMIT, .selector = sel, .ar = ar };
}

void vcpu_set_entry_state(struct vcpu *v, const struct load_cpu *c)
{
	bool long_mode = c->mode == LOAD_CPU_LONG64;
	struct vcpu_sregs s = {
		.cs = flat(c->cs, long_mode ? AR_CODE64 : AR_CODE32),
		.ds = flat(c->ds, AR_DATA),
		.tr = { .base = 0, .limit = 0x67, .selector = 0, .ar = AR_TSS },
		.ldt = { .ar = VMX_AR_UNUSABLE },
		.gdt = { c->gdt_base, c->gdt_limit },
		.idt = { 0, 0 },
		.cr0 = X86_CR0_PE | X86_CR0_ET,
	};
	/* Interrupts off, as both boot protocols and multiboot require. */
	struct vcpu_regs r = { .rip = c->rip, .rsp = c->rsp, .rflags = X86_RFLAGS_FIXED };

	if (long_mode) {
		s.cr0 |= X86_CR0_PG | X86_CR0_WP | X86_CR0_NE;
		s.cr3 = c->cr3;
		s.cr4 = X86_CR4_PAE;
		s.efer = EFER_LME | EFER_LMA;
	}
	s.es = s.fs = s.gs = s.ss = s.ds;
	r.gprs.rax = c->rax;
	r.gprs.rbx = c->rbx;
	r.gprs.rsi = c->rsi;
	vcpu_set_sregs(v, &s);
	vcpu_set_regs(v, &r);
}

/*
 * vCPU 0 (returned in *bsp) and the APs, each with its emulated xAPIC
 * (APIC ID = index, as the MADT says) and the VM's CPUID flags; the APs
 * wait for INIT and SIPI.
 */
static int vm_create_vcpus(struct vm *vm, unsigned int n, struct vcpu **bsp)
{
	struct vcpu *v;
	int err;

	if (n > VM_MAX_VCPUS)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		err = vcpu_create(&vm->kvm, vm->kvm.online_vcpus, &v);
		err = err ?: vcpu_set_cpuid_flags(v, &vm->cpuid_flags);
		if (err)
			return err;
		vm_lapic_enable(vm, v);
		if (i == 0)
			*bsp = v;
		else
			v->mp_state = VCPU_MP_INIT_RECEIVED;
	}
	return 0;
}

/* Linux finds its virtio devices in the DSDT, so they come before the tables. */
static int vm_linux_devices(struct vm *vm, const struct vm_kernel_args *args, unsigned int nr_vcpus,
			    u64 ram_end)
{
	int err = vm_virtio_add_rng(vm);

	if (!err && args->disk) {
		err = vm_virtio_add_blk(vm, args->disk, args->disk_len);
		if (err == -EINVAL)
			kprintf("vmm: %s: the disk image is %llu bytes, not a non-zero multiple of 512\n",
				vm->name, args->disk_len);
	}
	if (!err && args->hotplug_size) {
		err = vm_virtio_add_mem(vm, ram_end, args->hotplug_size);
		if (!err)
			err = vm_hotplug_request(vm, args->hotplug_request);
		if (err)
			kprintf("vmm: %s: no memory hot-plug region of %llu MiB (%llu requested): %s\n",
				vm->name, args->hotplug_size >> 20, args->hotplug_request >> 20,
				errno_name(err));
	}
	return err ? err : vm_acpi_install(vm, nr_vcpus);
}

int vm_load_kernel(struct vm *vm, const void *image, u64 len, const struct vm_kernel_args *args,
		  struct vcpu **out)
{
	static const struct load_range hole = { LEGACY_HOLE_START, LEGACY_HOLE_END - LEGACY_HOLE_START };
	struct load_range ram[2];
	struct load_config cfg = {
		.ram = ram, .nr_ram = image_ram(args->mem_size, ram),
		.reserved = &hole, .nr_reserved = args->mem_size > LEGACY_HOLE_START,
		.cmdline = args->cmdline, .modules = args->modules, .nr_modules = args->nr_modules,
		.linux_entry = args->linux_entry,
		.acpi_rsdp = args->mem_size >= LEGACY_HOLE_END ? VM_ACPI_GPA : 0,
	};
	unsigned int nr_vcpus = args->nr_vcpus ? args->nr_vcpus : 1;
	struct load_plan *plan = kmalloc(sizeof(*plan));
	u32 slot = 0;
	int err;

	if (!plan)
		return -ENOMEM;
	err = image_plan(image, len, &cfg, plan);
	if (err) {
		kprintf("vmm: %s: cannot load the image: %s (%s)\n", vm->name, plan->error,
			errno_name(err));
		goto out;
	}
	for (unsigned int i = 0; i < cfg.nr_ram && !err; i++)
		err = vm_add_ram(vm, &slot, VM_RAM_SLOT_END, ram[i].start, ram[i].size);
	if (!err)
		err = vm_apply_plan(vm, plan);
	if (!err && plan->format == IMAGE_BZIMAGE && cfg.acpi_rsdp)
		err = vm_linux_devices(vm, args, nr_vcpus, ram[cfg.nr_ram - 1].start + ram[cfg.nr_ram - 1].size);
	/*
	 * A multiboot v1 kernel is a kvm-unit-tests .flat here: give it QEMU's
	 * test device, and ACPI fixed hardware with the tables that name it
	 * where a BIOS leaves them (s3, vmexit's inl_from_pmtimer).
	 */
	if (!err && plan->format == IMAGE_MULTIBOOT1)
		err = vm_pc_testdev_add(vm);
	if (!err && plan->format == IMAGE_MULTIBOOT1 && cfg.acpi_rsdp)
		err = vm_acpi_pm_add(vm) ?: vm_acpi_install(vm, nr_vcpus);
	fw_cfg_init(&vm->fw_cfg, args->mem_size, (u16)nr_vcpus);
	if (!err)
		err = vm_create_vcpus(vm, nr_vcpus, out);
	if (err)
		goto out;
	vcpu_set_entry_state(*out, &plan->cpu);
out:
	kfree(plan);
	return err;
}
