/*
 * `make bench`'s in-hypervisor part (slotvisor.bench=vmx): a guest
 * measures a CPUID exit round trip, EPT fault-in and WRMSR of a passed-through
 * and of an intercepted MSR (vmx/msr_bitmap.c) with RDTSC, and the
 * vCPU counts the ticks from each exit it handles itself to the next entry
 * (the handler path).  In Bochs the TSC counts instructions, so the figures
 * are path lengths, reproducible run to run.
 */
#include "loader/load.h"
#include "lib/errno.h"
#include "arch/x86/setup.h"
#include "lib/printf.h"
#include "bench.h"
#include "vm/vm.h"

#define SLOT_4K_GPA 0x10000000ULL
#define SLOT_2M_GPA 0x40000000ULL

static const char *const figures[] = {
	[1] = "CPUID exit round trip (guest RDTSC around CPUID, mean of 1000)",
	[2] = "EPT fault-in of a 4 KiB page (first touch, mean of 64)",
	[3] = "EPT fault-in of a 2 MiB leaf (first touch, mean of 16)",
	[4] = "a touch that does not exit (baseline, mean of 64)",
	[6] = "WRMSR KERNEL_GS_BASE, passed through (guest RDTSC around WRMSR, mean of 1000)",
	[7] = "WRMSR IA32_PAT, intercepted: an exit round trip (mean of 1000)",
	[8] = "nothing between the guest's two RDTSCs (baseline of the loops above, mean of 1000)",
};

int bench_vmx_run(void)
{
	struct vm *vm = vm_create("bench");
	struct vcpu *v;
	struct ucall uc;
	u64 before_ticks, before_exits;
	int err = vm ? vm_load_guest64(vm, "bench", MiB(4), &v) : -ENOMEM;

	/* 4 KiB leaves: a slot smaller than 2 MiB; 2 MiB leaves: 32 MiB of aligned backing. */
	err = err ?: vm_add_memory(vm, 1, SLOT_4K_GPA, KiB(256), 0, NULL);
	err = err ?: vm_add_memory(vm, 2, SLOT_2M_GPA, MiB(32), 0, NULL);
	if (err) {
		kprintf("bench: setup failed: %d\n", err);
		vm_destroy(vm);
		return err;
	}
	v->profile_exits = true;	/* the handler path's ticks, for the first CPUID loop */
	before_ticks = v->handler_ticks;
	before_exits = v->handled_exits;
	for (int cmd; (cmd = vm_run(v, 0, &uc)) == UCALL_SYNC;) {
		if (uc.args[0] == 5) {
			u64 n = v->handled_exits - before_exits;

			kprintf("bench: slotvisor's handler path (exit to next VM entry, handled "
				"exits during the CPUID loop): %llu ticks mean over %llu exits\n",
				n ? (v->handler_ticks - before_ticks) / n : 0, n);
			/* The round trip is measured again without the two RDTSCs of profiling. */
			v->profile_exits = false;
			continue;
		}
		if (uc.args[0] < ARRAY_SIZE(figures))
			kprintf("bench: %s: %llu ticks\n", figures[uc.args[0]], (u64)uc.args[1]);
	}
	kprintf("bench: TSC %llu kHz; EPT leaves now %llu x 4K, %llu x 2M\n",
		(u64)tsc_khz, vm->kvm.stat.leaves[0], vm->kvm.stat.leaves[1]);
	vm_destroy(vm);
	err = bench_dirty_log_run();
	return err ?: bench_apic_run();
}
