/*
 * Debian's Linux as a guest of the in-hypervisor tests (linux.*): the
 * boot case's "kernel" and "initrd" modules loaded into a VM of several
 * vCPUs, each on a CPU of its own, its console watched line by line and
 * typed into, its isa-debug-exit status kept (tests/kernel/linux_vm.c).
 */
#pragma once

#include "ktest.h"
#include "loader/load.h"
#include "vm/vm.h"

#define LINUX_DEBUG_EXIT_PORT 0xf4

/* The boot's multiboot2 information (tests/kernel/modes.c sets it). */
extern const struct boot_info *ktest_boot_info;

struct linux_run {
	int status;		/* the guest's isa-debug-exit value, or -1 */
	bool ended;
	const char *tag;	/* printed with a vCPU that stopped for another reason */
};

/*
 * Load the boot's kernel and initrd into vm (a new one) as args says (its
 * modules filled in here), needing args->nr_vcpus + 1 CPUs; else the test
 * fails and ends, as KT_ASSERT does.
 */
void linux_vm_load(struct ktest_ctx *t, struct vm *vm, struct vm_kernel_args *args);

/* vm_vcpus_start()'s exit function: ctx is a struct linux_run; debug-exit ends the guest. */
bool linux_vm_exit(void *ctx, struct vcpu *v, int cmd);

/* Type s on the guest's console (COM1's receiver). */
void linux_type_line(struct vm *vm, const char *s);

/* Whether the guest's last complete line contains line within ticks (false: timeout or over). */
bool linux_wait_line(struct vm *vm, const char *line, u64 ticks);
