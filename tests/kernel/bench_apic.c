/*
 * `make bench`'s xAPIC figures (slotvisor.bench=vmx, issue 16): the round
 * of kvm-unit-tests' vmexit self_ipi_sti_nop (cli, a self-IPI through the
 * ICR, sti; nop, the handler's EOI), its ICR write and its EOI write, timed
 * by the guest (guests/bench_apic.c) on a vCPU with the emulated xAPIC.
 * In Bochs the TSC counts instructions: path lengths, run to run the same.
 */
#include "loader/load.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "bench.h"
#include "vm/pc.h"
#include "vm/vm.h"

static const char *const figures[] = {
	[1] = "xAPIC self-IPI round (cli, ICR write, sti; nop, EOI in the handler; mean of 1000)",
	[2] = "xAPIC ICR write, self-IPI with interrupts off (mean of 1000)",
	[3] = "xAPIC EOI write in the handler (mean of 1000)",
};

#define LATE_ROUNDS 4	/* the guest's SYNC of the rounds whose interrupt came late */

int bench_apic_run(void)
{
	struct vm *vm = vm_create("bench_apic");
	struct vcpu *v;
	struct ucall uc;
	u64 entries;
	int cmd, err = vm ? vm_load_guest64(vm, "bench_apic", MiB(4), &v) : -ENOMEM;

	if (err) {
		kprintf("bench: xAPIC setup failed: %d\n", err);
		vm_destroy(vm);
		return err;
	}
	/* The figures kept in docs/performance.md are virtual-interrupt delivery's (docs/vmx.md). */
	v->debug.vid = true;
	vm_lapic_enable(vm, v);
	entries = v->entries;
	while ((cmd = vm_run(v, 0, &uc)) == UCALL_SYNC) {
		if (uc.args[0] < ARRAY_SIZE(figures) && figures[uc.args[0]])
			kprintf("bench: %s: %llu ticks\n", figures[uc.args[0]], (u64)uc.args[1]);
		else if (uc.args[0] == LATE_ROUNDS)
			kprintf("bench: xAPIC self-IPI rounds whose interrupt came after the "
				"sti; nop window: %llu of 1000; %llu VM entries in all\n",
				(u64)uc.args[1], v->entries - entries);
	}
	err = cmd == UCALL_DONE ? 0 : -EIO;
	if (err)
		kprintf("bench: the xAPIC guest ended with %d (%s)\n", cmd,
			vcpu_exit_name(v));
	vm_destroy(vm);
	return err;
}
