/*
 * Debian's Linux as a guest of the in-hypervisor tests (linux_vm.h).
 */
#include "arch/memory.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "boot/multiboot2.h"
#include "irq/irq.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "linux_vm.h"

const struct boot_info *ktest_boot_info;

void linux_vm_load(struct ktest_ctx *t, struct vm *vm, struct vm_kernel_args *args)
{
	const char *kargs, *iargs;
	const struct boot_module *k = boot_find_module(ktest_boot_info, "kernel", &kargs, 0),
				 *i = boot_find_module(ktest_boot_info, "initrd", &iargs, 0);
	static struct load_module initrd;
	struct vcpu *v;
	int err;

	KT_ASSERT(t, k && i, "expected the boot case's kernel and initrd modules");
	KT_ASSERT(t, nr_cpus >= args->nr_vcpus + 1,
		  "expected %u CPUs (the boot case gives them), saw %u", args->nr_vcpus + 1, nr_cpus);
	initrd = (struct load_module){ .data = phys_to_virt(i->start), .len = i->end - i->start };
	args->modules = &initrd;
	args->nr_modules = 1;
	err = vm_load_kernel(vm, phys_to_virt(k->start), k->end - k->start, args, &v);
	KT_ASSERT(t, !err, "expected Linux to load, saw %d", err);
}

bool linux_vm_exit(void *ctx, struct vcpu *v, int cmd)
{
	struct linux_run *run = ctx;
	struct vcpu_exit *e = &v->exit;

	if (!cmd && e->reason == VCPU_EXIT_IO && e->io.port == LINUX_DEBUG_EXIT_PORT &&
	    e->io.is_write) {
		run->status = (int)e->io.data;
		run->ended = true;
		return false;
	}
	if (!cmd && e->reason == VCPU_EXIT_IO) {
		if (!e->io.is_write)
			e->io.data = ~0u;	/* an empty ISA bus */
		return true;
	}
	if (!cmd && e->reason == VCPU_EXIT_MMIO) {
		if (!e->mmio.is_write)
			e->mmio.data = ~0ULL;
		return true;
	}
	run->ended = true;
	kprintf("%s: vcpu %u stopped: ucall %d, exit %u\n", run->tag, v->id, cmd, e->reason);
	return false;
}

void linux_type_line(struct vm *vm, const char *s)
{
	for (; *s; s++) {
		spin_lock(&vm->irqchip.lock);
		uart16550_receive(&vm->com1, (u8)*s);
		spin_unlock(&vm->irqchip.lock);
	}
	irqchip_poll(&vm->irqchip);
}

bool linux_wait_line(struct vm *vm, const char *line, u64 ticks)
{
	u64 end = rdtsc() + ticks;

	while (rdtsc() < end && !vm_vcpus_over(vm)) {
		if (strstr(vm->last_line, line))
			return true;
		cpu_relax();
	}
	return false;
}
