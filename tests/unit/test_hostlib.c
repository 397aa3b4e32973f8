/*
 * The host library's API (include/slotvisor/host.h), function by function,
 * as a caller outside slotvisor sees it.
 */
#include "memslot_test.h"
#include "hostlib_internal.h"

static struct sv_vm *vm_with_slot(void)
{
	struct kvm_userspace_memory_region r;
	struct sv_vm *vm;

	mt_mem_init(MiB(256));
	vm = sv_vm_create(MiB(7));
	assert_non_null(vm);
	r = mt_region(5, 0, GiB(1), MiB(8), sv_vm_backing_base(vm));
	assert_int_equal(sv_set_memory_region(vm, &r), 0);
	return vm;
}

static void the_first_vm_makes_fake_memory_when_there_is_none(void **state)
{
	struct frame_stats st;
	struct sv_vm *vm;

	fake_mem_exit();
	assert_int_equal(frame_init(NULL), -EINVAL);
	frame_get_stats(&st);
	assert_int_equal(st.total_frames, 0);
	vm = sv_vm_create(MiB(2));
	assert_non_null(vm);
	frame_get_stats(&st);
	assert_true(st.total_frames * KiB(4) > SV_ARENA_SIZE - MiB(16));
	sv_vm_destroy(vm);
	frame_get_stats(&st);
	assert_int_equal(st.used_frames, 0);
}

static void backing_is_rounded_up_to_2m_and_aligned(void **state)
{
	struct kvm_userspace_memory_region r;
	struct sv_vm *vm = vm_with_slot();
	u64 base = sv_vm_backing_base(vm);

	assert_true(IS_ALIGNED(base, MiB(2)));
	/* 7 MiB asked, 8 MiB owned: the last MiB is the VM's too. */
	r = mt_region(6, 0, GiB(2), MiB(1), base + MiB(7));
	assert_int_equal(sv_set_memory_region(vm, &r), 0);
	r = mt_region(7, 0, GiB(3), MiB(1), base + MiB(8));
	assert_int_equal(sv_set_memory_region(vm, &r), -EINVAL);
	sv_vm_destroy(vm);
	sv_vm_destroy(NULL);
	mt_expect_frames_back();
}

static void a_vm_without_backing_has_nothing_to_map(void **state)
{
	struct kvm_userspace_memory_region r;
	struct sv_vm *vm;

	mt_mem_init(MiB(64));
	vm = sv_vm_create(0);
	assert_non_null(vm);
	assert_int_equal(sv_vm_backing_base(vm), 0);
	r = mt_region(0, 0, 0, KiB(4), 0);
	assert_int_equal(sv_set_memory_region(vm, &r), -EINVAL);
	assert_null(sv_vm_create(GiB(4)));
	sv_vm_destroy(vm);
	mt_expect_frames_back();
}

static void get_memslot_returns_the_request_or_enoent(void **state)
{
	struct kvm_userspace_memory_region got, want;
	struct sv_vm *vm = vm_with_slot();

	want = mt_region(5, 0, GiB(1), MiB(8), sv_vm_backing_base(vm));
	assert_int_equal(sv_get_memslot(vm, 5, &got), 0);
	assert_memory_equal(&got, &want, sizeof(got));
	assert_int_equal(sv_get_memslot(vm, 4, &got), -ENOENT);
	assert_int_equal(sv_get_memslot(vm, MT_SLOT(1, 5), &got), -ENOENT);
	assert_int_equal(sv_get_memslot(vm, MT_SLOT(7, 5), &got), -ENOENT);
	want = mt_region(MT_SLOT(1, 5), KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES, GiB(2), MiB(2),
			 sv_vm_backing_base(vm) + MiB(2));
	assert_int_equal(sv_set_memory_region(vm, &want), 0);
	assert_int_equal(sv_get_memslot(vm, MT_SLOT(1, 5), &got), 0);
	assert_memory_equal(&got, &want, sizeof(got));
	sv_vm_destroy(vm);
	mt_expect_frames_back();
}

static void gfn_to_slot_and_generations(void **state)
{
	struct kvm_userspace_memory_region r;
	struct sv_vm *vm = vm_with_slot();

	assert_int_equal(sv_gfn_to_slot(vm, 0, gpa_to_gfn(GiB(1))), 5);
	assert_int_equal(sv_gfn_to_slot(vm, 0, gpa_to_gfn(GiB(1) + MiB(8)) - 1), 5);
	assert_int_equal(sv_gfn_to_slot(vm, 0, gpa_to_gfn(GiB(1) + MiB(8))), -ENOENT);
	assert_int_equal(sv_gfn_to_slot(vm, 1, gpa_to_gfn(GiB(1))), -ENOENT);
	assert_int_equal(sv_gfn_to_slot(vm, 2, 0), -EINVAL);
	assert_int_equal(sv_memslots_generation(vm, 0), 2);
	assert_int_equal(sv_memslots_generation(vm, 1), 1);
	assert_int_equal(sv_memslots_generation(vm, 2), UINT64_MAX);
	r = mt_region(5, 0, 0, 0, 0);
	assert_int_equal(sv_set_memory_region(vm, &r), 0);
	assert_int_equal(sv_memslots_generation(vm, 0), 6);
	sv_vm_destroy(vm);
	mt_expect_frames_back();
}

static void a_vcpu_fault_maps_and_translate_reads_it_back(void **state)
{
	struct kvm_userspace_memory_region r;
	struct sv_vm *vm = vm_with_slot();
	uint64_t base = sv_vm_backing_base(vm), hva = 0;
	int level = 0, writable = -1;

	assert_int_equal(sv_ept_translate(vm, 0, GiB(1), &hva, &level, &writable), -ENOENT);
	assert_int_equal(sv_vcpu_fault(vm, 0, GiB(1) + MiB(3), 0), 2);
	assert_int_equal(sv_ept_translate(vm, 0, GiB(1) + MiB(3) + 0x10, &hva, &level, &writable), 0);
	assert_int_equal(hva, base + MiB(3) + 0x10);
	assert_int_equal(level, 2);
	assert_int_equal(writable, 1);
	assert_int_equal(sv_ept_translate(vm, 0, GiB(1) + MiB(2), NULL, NULL, NULL), 0);
	assert_int_equal(sv_vcpu_fault(vm, 0, GiB(2), 1), -EFAULT);
	assert_int_equal(sv_vcpu_fault(vm, 3, GiB(1), 1), -EINVAL);
	r = mt_region(6, KVM_MEM_READONLY, GiB(3), KiB(4), base);
	assert_int_equal(sv_set_memory_region(vm, &r), 0);
	assert_int_equal(sv_vcpu_fault(vm, 0, GiB(3), 1), -EPERM);
	assert_int_equal(sv_vcpu_fault(vm, 0, GiB(3), 0), 1);
	assert_int_equal(sv_ept_translate(vm, 0, GiB(3), &hva, &level, &writable), 0);
	assert_int_equal(writable, 0);
	assert_int_equal(hva, base);
	mt_audit(sv_vm_kvm(vm));
	sv_vm_destroy(vm);
	mt_expect_frames_back();
}

static void dirty_log_and_invept_count(void **state)
{
	struct kvm_userspace_memory_region r;
	struct sv_vm *vm = vm_with_slot();
	uint64_t bitmap[32] = { 0 }, before;

	r = mt_region(5, KVM_MEM_LOG_DIRTY_PAGES, GiB(1), MiB(8), sv_vm_backing_base(vm));
	assert_int_equal(sv_get_dirty_log(vm, 5, bitmap), -ENOENT);
	assert_int_equal(sv_set_memory_region(vm, &r), 0);
	assert_int_equal(sv_vcpu_fault(vm, 0, GiB(1) + 65 * KiB(4), 1), 1);
	assert_int_equal(sv_get_dirty_log(vm, 5, bitmap), 0);
	assert_int_equal(bitmap[1], 2);
	assert_int_equal(sv_get_dirty_log(vm, 5, bitmap), 0);
	assert_int_equal(bitmap[1], 0);
	assert_int_equal(sv_get_dirty_log(vm, MT_SLOT(3, 5), bitmap), -EINVAL);
	before = sv_invept_count(vm);
	r.memory_size = 0;
	assert_int_equal(sv_set_memory_region(vm, &r), 0);
	assert_int_equal(sv_invept_count(vm), before + 1);
	sv_vm_destroy(vm);
	mt_expect_frames_back();
}

static void many_vms_come_and_go_without_a_leak(void **state)
{
	struct sv_vm *vms[8];
	unsigned int round, i;

	mt_mem_init(MiB(512));
	for (round = 0; round < 4; round++) {
		for (i = 0; i < 8; i++) {
			struct kvm_userspace_memory_region r;

			vms[i] = sv_vm_create(MiB(4));
			assert_non_null(vms[i]);
			r = mt_region(i, 0, GiB(i + 1), MiB(4), sv_vm_backing_base(vms[i]));
			assert_int_equal(sv_set_memory_region(vms[i], &r), 0);
			assert_int_equal(sv_vcpu_fault(vms[i], 0, GiB(i + 1), 1), 2);
		}
		for (i = 0; i < 8; i++)
			sv_vm_destroy(vms[(i * 3 + round) % 8]);
		mt_expect_frames_back();
	}
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(the_first_vm_makes_fake_memory_when_there_is_none),
		T(backing_is_rounded_up_to_2m_and_aligned),
		T(a_vm_without_backing_has_nothing_to_map),
		T(get_memslot_returns_the_request_or_enoent),
		T(gfn_to_slot_and_generations),
		T(a_vcpu_fault_maps_and_translate_reads_it_back),
		T(dirty_log_and_invept_count),
		T(many_vms_come_and_go_without_a_leak),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
