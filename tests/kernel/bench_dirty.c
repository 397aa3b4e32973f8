/*
 * `make bench`: the cost of a dirty-log round with write protection and
 * with PML.  guests/dirtier.c writes 300 pseudo-random pages of a
 * 1040-page logged slot per round, the same pages in both runs; the VMM
 * then fetches the log.  A round's cost is the guest's part (its writes and
 * the exits they cause: a fault per dirty page under write protection, a
 * PML entry under PML) plus kvm_get_dirty_log().  Rounds after the first,
 * when every page the guest touches has been mapped once.
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "bench.h"
#include "vm/vm.h"
#include "vmx/exit_reason.h"
#include "vmx/vmx.h"

#define LOG_GPA 0x10000000ULL
#define LOG_PAGES 1040
#define PAGE 4096
#define ROUNDS 9

static u64 bitmap[(LOG_PAGES + 63) / 64];

struct round_cost {
	u64 guest, fetch, faults, dirty;
};

static int measure(bool pml, struct round_cost *c)
{
	struct vm *vm = vm_create("bench-dirty");
	struct vcpu *v;
	struct ucall uc;
	int err = vm ? vm_set_dirty_log_pml(vm, pml) : -ENOMEM;

	err = err ?: vm_load_guest64(vm, "dirtier", MiB(4), &v);
	err = err ?: vm_add_memory(vm, 1, LOG_GPA, LOG_PAGES * PAGE, KVM_MEM_LOG_DIRTY_PAGES, NULL);
	for (int r = 1; r <= ROUNDS && !err; r++) {
		u64 t0 = rdtsc(), faults = v->exit_count[EXIT_REASON_EPT_VIOLATION], t1;

		if (vm_run(v, 0, &uc) != UCALL_SYNC) {
			err = -EIO;
			break;
		}
		t1 = rdtsc();
		err = kvm_get_dirty_log(&vm->kvm, 1, bitmap);
		if (r == 1)
			continue;
		c->fetch += rdtsc() - t1;
		c->guest += t1 - t0;
		c->faults += v->exit_count[EXIT_REASON_EPT_VIOLATION] - faults;
		for (unsigned int i = 0; i < ARRAY_SIZE(bitmap); i++)
			c->dirty += __builtin_popcountll(bitmap[i]);
	}
	vm_destroy(vm);
	return err;
}

int bench_dirty_log_run(void)
{
	static const char *const names[] = { "write protection", "PML" };

	for (int pml = 0; pml <= 1; pml++) {
		struct round_cost c = { 0 };
		const u64 n = ROUNDS - 1;
		int err;

		if (pml && !vmx_pml_supported()) {
			kprintf("bench: dirty-log round with PML: this CPU has no PML\n");
			break;
		}
		err = measure(pml, &c);
		if (err) {
			kprintf("bench: dirty-log round with %s failed: %d\n", names[pml], err);
			return err;
		}
		kprintf("bench: dirty-log round, %s (1040-page slot, 300 guest writes, %llu dirty "
			"pages, rounds 2-%d): %llu ticks (guest %llu with %llu EPT faults, "
			"get_dirty_log %llu)\n", names[pml], c.dirty / n, ROUNDS,
			(c.guest + c.fetch) / n, c.guest / n, c.faults / n, c.fetch / n);
	}
	return 0;
}
