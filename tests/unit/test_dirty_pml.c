/*
 * Dirty logging with PML (ept/dirty_bits.c, memslot/dirty_log.c, the PML
 * parts of ept/fault.c): the MMU side, with the CPU played by the test.
 * cpu_write() does what a CPU with EPT A/D and "enable PML" does on a guest
 * write (SDM Vol. 3C 29.3.6): fault if the leaf is not writable, else set
 * its dirty bit and, if that bit was clear, append the gpa to the log.
 * The VM's sync hook empties that log through kvm_mark_page_dirty(), as
 * vmx/ does at VM exits.
 */
#include "memslot_test.h"
#include "ept/iter.h"
#include "lib/spinlock.h"

#define PML_ENTRIES 512
#define SLOT_GPA GiB(1)
#define SLOT_SIZE MiB(8)

static u64 pml_log[PML_ENTRIES];
static unsigned int pml_len;
static unsigned int syncs;

/* The leaf that maps gpa in as 0's current root, or NULL. */
static u64 *leaf(struct kvm *kvm, gpa_t gpa, int *level)
{
	struct ept_iter it;

	for_each_ept_pte(it, kvm->mmu_root[0]->hpa, gpa_to_gfn(gpa), gpa_to_gfn(gpa) + 1) {
		if (is_shadow_present_pte(it.old_spte) && is_last_spte(it.old_spte, it.level)) {
			*level = it.level;
			return it.sptep;
		}
	}
	return NULL;
}

static void sync_dirty_log(struct kvm *kvm)
{
	spin_lock(&kvm->mmu_lock);
	for (unsigned int i = 0; i < pml_len; i++)
		kvm_mark_page_dirty(kvm, 0, gpa_to_gfn(pml_log[i]));
	pml_len = 0;
	syncs++;
	spin_unlock(&kvm->mmu_lock);
}

/* A guest write to gpa, as the CPU performs it. */
static void cpu_write(struct kvm *kvm, gpa_t gpa)
{
	int level;
	u64 *sptep = leaf(kvm, gpa, &level);

	if (!sptep || !is_writable_pte(*sptep)) {
		mt_fault(kvm, 0, gpa, true, PG_LEVEL_4K);
		return;		/* the fault marked it; the retried write finds D set */
	}
	if (!(*sptep & EPT_DIRTY)) {
		*sptep |= EPT_DIRTY;
		assert_true(pml_len < PML_ENTRIES);
		pml_log[pml_len++] = gpa;
	}
}

static struct kvm *pml_vm(u32 flags, hva_t *base)
{
	struct kvm *kvm;

	mt_mem_init(MiB(128));
	pml_len = syncs = 0;
	kvm = mt_vm(SLOT_SIZE, base);
	kvm->cpu_dirty_log_size = PML_ENTRIES;
	kvm->sync_dirty_log = sync_dirty_log;
	assert_int_equal(mt_set(kvm, 0, flags, SLOT_GPA, SLOT_SIZE, *base), 0);
	return kvm;
}

static u64 get_log(struct kvm *kvm)
{
	u64 bitmap[SLOT_SIZE / 4096 / 64] = { 0 };
	u64 first = 0;

	assert_int_equal(kvm_get_dirty_log(kvm, 0, bitmap), 0);
	for (unsigned int i = 1; i < ARRAY_SIZE(bitmap); i++)
		assert_int_equal(bitmap[i], 0);
	first = bitmap[0];
	return first;
}

static void a_read_fault_maps_a_logged_page_writable_and_clean(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(KVM_MEM_LOG_DIRTY_PAGES, &base);
	int level;
	u64 *sptep;

	mt_fault(kvm, 0, SLOT_GPA + KiB(4), false, PG_LEVEL_4K);
	sptep = leaf(kvm, SLOT_GPA + KiB(4), &level);
	assert_non_null(sptep);
	assert_true(is_writable_pte(*sptep));
	assert_true(*sptep & EPT_ACCESSED);
	assert_false(*sptep & EPT_DIRTY);
	mt_audit(kvm);
	assert_int_equal(get_log(kvm), 0);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void a_write_fault_maps_it_dirty_and_reports_it(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(KVM_MEM_LOG_DIRTY_PAGES, &base);
	int level;
	u64 *sptep;

	mt_fault(kvm, 0, SLOT_GPA + KiB(8), true, PG_LEVEL_4K);
	sptep = leaf(kvm, SLOT_GPA + KiB(8), &level);
	assert_true(is_writable_pte(*sptep) && (*sptep & EPT_DIRTY));
	mt_audit(kvm);
	assert_int_equal(get_log(kvm), 1ULL << 2);
	assert_false(*sptep & EPT_DIRTY);	/* re-armed */
	assert_true(is_writable_pte(*sptep));	/* PML never write-protects a 4K page */
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void a_logged_write_is_reported_once_and_then_logged_again(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(KVM_MEM_LOG_DIRTY_PAGES, &base);
	u64 gen, invepts;

	for (int i = 0; i < 4; i++)
		mt_fault(kvm, 0, SLOT_GPA + i * KiB(4), false, PG_LEVEL_4K);
	cpu_write(kvm, SLOT_GPA + KiB(4));
	cpu_write(kvm, SLOT_GPA + KiB(4));	/* D already set: not logged twice */
	cpu_write(kvm, SLOT_GPA + KiB(12));
	assert_int_equal(pml_len, 2);
	gen = kvm->tlb_gen;
	invepts = fake_invept_total();
	assert_int_equal(get_log(kvm), (1ULL << 1) | (1ULL << 3));
	assert_int_equal(syncs, 1);
	/* A cleared D bit may be cached as set: the tables changed, a flush followed. */
	assert_true(kvm->tlb_gen > gen);
	assert_true(fake_invept_total() > invepts);
	mt_audit(kvm);
	assert_int_equal(get_log(kvm), 0);
	cpu_write(kvm, SLOT_GPA + KiB(4));
	assert_int_equal(get_log(kvm), 1ULL << 1);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void keeping_the_dirty_bits_loses_the_next_rounds_writes(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(KVM_MEM_LOG_DIRTY_PAGES, &base);

	mt_fault(kvm, 0, SLOT_GPA, false, PG_LEVEL_4K);
	kvm->debug.keep_dirty_bits = true;
	cpu_write(kvm, SLOT_GPA);
	assert_int_equal(get_log(kvm), 1);
	cpu_write(kvm, SLOT_GPA);
	assert_int_equal(get_log(kvm), 0);	/* what the negative control must catch */
	kvm->debug.keep_dirty_bits = false;
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void unlogged_pages_start_dirty_and_fill_no_log(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(0, &base);
	int level;
	u64 *sptep;

	kvm->tdp_max_level = PG_LEVEL_4K;
	mt_fault(kvm, 0, SLOT_GPA, false, PG_LEVEL_4K);
	sptep = leaf(kvm, SLOT_GPA, &level);
	assert_true(is_writable_pte(*sptep) && (*sptep & EPT_DIRTY));
	cpu_write(kvm, SLOT_GPA);
	assert_int_equal(pml_len, 0);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void logging_on_cleans_4k_leaves_and_write_protects_large_ones(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(0, &base);
	int level;
	u64 *big, *small;

	mt_fault(kvm, 0, SLOT_GPA, true, PG_LEVEL_2M);
	kvm->tdp_max_level = PG_LEVEL_4K;
	mt_fault(kvm, 0, SLOT_GPA + MiB(4), true, PG_LEVEL_4K);
	kvm->tdp_max_level = PG_LEVEL_1G;
	assert_int_equal(mt_set(kvm, 0, KVM_MEM_LOG_DIRTY_PAGES, SLOT_GPA, SLOT_SIZE, base), 0);
	big = leaf(kvm, SLOT_GPA, &level);
	assert_int_equal(level, PG_LEVEL_2M);
	assert_false(is_writable_pte(*big));
	small = leaf(kvm, SLOT_GPA + MiB(4), &level);
	assert_int_equal(level, PG_LEVEL_4K);
	assert_true(is_writable_pte(*small));
	assert_false(*small & EPT_DIRTY);
	mt_audit(kvm);
	/* Writes: the large leaf splits on its fault, the 4K page is logged by the CPU. */
	cpu_write(kvm, SLOT_GPA + KiB(4));
	cpu_write(kvm, SLOT_GPA + MiB(4));
	assert_int_equal(pml_len, 1);
	assert_non_null(leaf(kvm, SLOT_GPA + KiB(4), &level));
	assert_int_equal(level, PG_LEVEL_4K);
	{
		u64 bitmap[SLOT_SIZE / 4096 / 64] = { 0 };

		assert_int_equal(kvm_get_dirty_log(kvm, 0, bitmap), 0);
		assert_int_equal(bitmap[0], 1ULL << 1);
		assert_int_equal(bitmap[MiB(4) / 4096 / 64], 1);
	}
	mt_audit(kvm);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void the_audit_catches_a_dirty_page_never_reported(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(KVM_MEM_LOG_DIRTY_PAGES, &base);
	char why[512];
	int level;

	mt_fault(kvm, 0, SLOT_GPA, false, PG_LEVEL_4K);
	*leaf(kvm, SLOT_GPA, &level) |= EPT_DIRTY;	/* a write whose log entry was lost */
	assert_int_equal(ept_audit(kvm, why, sizeof(why)), -EIO);
	assert_non_null(strstr(why, "dirty page (EPT D set) not marked dirty"));
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

static void marking_outside_logged_slots_changes_nothing(void **state)
{
	hva_t base;
	struct kvm *kvm = pml_vm(0, &base);

	spin_lock(&kvm->mmu_lock);	/* as the vCPU's PML flush holds it */
	kvm_mark_page_dirty(kvm, 0, gpa_to_gfn(SLOT_GPA));	/* slot without a bitmap */
	kvm_mark_page_dirty(kvm, 0, gpa_to_gfn(GiB(3)));	/* no slot */
	spin_unlock(&kvm->mmu_lock);
	assert_int_equal(kvm_set_memory_region(kvm, &(struct kvm_userspace_memory_region){
		.slot = 0, .flags = KVM_MEM_LOG_DIRTY_PAGES, .guest_phys_addr = SLOT_GPA,
		.memory_size = SLOT_SIZE, .userspace_addr = base }), 0);
	assert_int_equal(get_log(kvm), 0);
	kvm_destroy_vm(kvm);
	mt_expect_frames_back();
}

#define T(name) cmocka_unit_test_teardown(name, mt_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_read_fault_maps_a_logged_page_writable_and_clean),
		T(a_write_fault_maps_it_dirty_and_reports_it),
		T(a_logged_write_is_reported_once_and_then_logged_again),
		T(keeping_the_dirty_bits_loses_the_next_rounds_writes),
		T(unlogged_pages_start_dirty_and_fill_no_log),
		T(logging_on_cleans_4k_leaves_and_write_protects_large_ones),
		T(the_audit_catches_a_dirty_page_never_reported),
		T(marking_outside_logged_slots_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
