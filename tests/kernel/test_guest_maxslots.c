/*
 * set_memory_region_test's test_add_max_memory_regions, in the hypervisor:
 * every usable slot id (KVM_USER_MEM_SLOTS of them) holds a 4 KiB slot,
 * one more is refused with -EINVAL, the guest still runs with all of them
 * in place, and every frame comes back when the VM is destroyed.
 */
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "memslot/memslot.h"
#include "mm/frame.h"

#define FIRST_GPA 0x100000000ULL	/* above the guest's RAM and page tables */

KTEST(test_guest_max_memslots, "guest.memslots.max")
{
	struct frame_stats before, after;
	struct vcpu *v;
	struct vm *vm;
	struct ucall uc;
	u32 id;
	int err = 0, cmd;

	/* After VMXON: its region stays allocated while VMX is on. */
	if (!ktest_need_vmx(t))
		return;
	frame_get_stats(&before);
	vm = ktest_guest64(t, "hello64", MiB(4), &v);
	if (!vm)
		return;
	for (id = 1; id < KVM_USER_MEM_SLOTS && !err; id++)
		err = vm_add_memory(vm, id, FIRST_GPA + (u64)id * KiB(4), KiB(4), 0, NULL);
	KT_ASSERT(t, !err, "expected slot %u of %d to be created, saw %s", id - 1,
		  KVM_USER_MEM_SLOTS, errno_name(err));
	err = vm_add_memory(vm, KVM_USER_MEM_SLOTS, FIRST_GPA, KiB(4), 0, NULL);
	KT_ASSERT(t, err == -EINVAL, "expected slot id %d refused with EINVAL, saw %s",
		  KVM_USER_MEM_SLOTS, errno_name(err));
	/* hello64 syncs twice and halts once on its way. */
	while ((cmd = vm_run(v, 0, &uc)) == UCALL_SYNC || (!cmd && v->exit.reason == VCPU_EXIT_HLT))
		;
	KT_ASSERT(t, cmd == UCALL_DONE, "expected the guest to run to DONE with %d slots, saw %d (%s)",
		  KVM_USER_MEM_SLOTS, cmd, ktest_exit_name(v));
	kprintf("memslots: %d slots in place, slot id %d refused, the guest ran\n",
		KVM_USER_MEM_SLOTS, KVM_USER_MEM_SLOTS);
	vm_destroy(vm);
	frame_get_stats(&after);
	KT_ASSERT(t, after.free_frames == before.free_frames,
		  "expected every frame back, %lld missing",
		  (long long)before.free_frames - (long long)after.free_frames);
}
