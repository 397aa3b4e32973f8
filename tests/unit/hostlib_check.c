/*
 * `make hostlib`: a program that knows slotvisor only through
 * <slotvisor/host.h> and libslotvisor.a, as an outside user would.  It maps
 * a slot, faults it in, translates, logs a write, moves and deletes it, and
 * exits non-zero with a message at the first surprise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slotvisor/host.h>

#define MiB (1ULL << 20)

static int failures;

static void expect(int cond, const char *what)
{
	if (!cond) {
		printf("FAIL: hostlib.check: %s\n", what);
		failures++;
	}
}

int main(void)
{
	struct sv_vm *vm = sv_vm_create(64 * MiB);
	struct kvm_userspace_memory_region r = { 0 }, got;
	uint64_t base, hva, bitmap[16];	/* 4 MiB: 1024 pages */
	int level, writable;

	if (!vm) {
		printf("FAIL: hostlib.check: sv_vm_create(64 MiB) returned NULL\n");
		return 1;
	}
	base = sv_vm_backing_base(vm);
	expect(base % (2 * MiB) == 0, "backing is 2 MiB aligned");
	r.slot = 1;
	r.guest_phys_addr = 0x100000000ULL;
	r.memory_size = 4 * MiB;
	r.userspace_addr = base;
	r.flags = KVM_MEM_LOG_DIRTY_PAGES;
	expect(sv_set_memory_region(vm, &r) == 0, "CREATE returns 0");
	expect(sv_memslots_generation(vm, 0) == 2, "CREATE advances the generation by 2");
	expect(sv_get_memslot(vm, 1, &got) == 0 && memcmp(&got, &r, sizeof(r)) == 0,
	       "sv_get_memslot returns the request");
	expect(sv_gfn_to_slot(vm, 0, 0x100000) == 1, "gfn 0x100000 is in slot 1");
	expect(sv_vcpu_fault(vm, 0, 0x100003000ULL, 1) == 1, "a write under dirty logging maps 4K");
	expect(sv_ept_translate(vm, 0, 0x100003010ULL, &hva, &level, &writable) == 0 &&
	       hva == base + 0x3010 && level == 1 && writable, "the gpa translates to the backing");
	expect(sv_get_dirty_log(vm, 1, bitmap) == 0 && bitmap[0] == 1ULL << 3,
	       "the dirty log has page 3");
	r.guest_phys_addr = 0x200000000ULL;
	expect(sv_set_memory_region(vm, &r) == 0, "MOVE returns 0");
	expect(sv_ept_translate(vm, 0, 0x100003000ULL, &hva, &level, &writable) == -ENOENT,
	       "nothing maps the old place after a MOVE");
	expect(sv_invept_count(vm) > 0, "the MOVE flushed");
	r.memory_size = 0;
	expect(sv_set_memory_region(vm, &r) == 0, "DELETE returns 0");
	expect(sv_vcpu_fault(vm, 0, 0x200000000ULL, 0) == -EFAULT, "a deleted slot is MMIO");
	sv_vm_destroy(vm);
	if (failures == 0) {
		printf("PASS: hostlib.check\n");
	}
	return failures != 0;
}
