/*
 * The monitor's read-only commands: info slots, info ept, info vcpus,
 * stats.  EPT tables are read with the one walker (ept/iter.h) under
 * mmu_lock, so no memslot change is seen half made.
 */
#include "arch/memory.h"
#include "ept/iter.h"
#include "ept/walk.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/parse.h"
#include "lib/string.h"
#include "console/monitor.h"
#include "vm/vm.h"

#define GFN_INDEX_BITS 9	/* each EPT level translates 9 bits of the gfn */

/* "64K", "4M", "1G": the largest unit the size is a whole number of. */
static void format_size(char *buf, size_t len, u64 bytes)
{
	if (bytes && !(bytes & (GiB(1) - 1)))
		ksnprintf(buf, len, "%lluG", bytes >> 30);
	else if (bytes && !(bytes & (MiB(1) - 1)))
		ksnprintf(buf, len, "%lluM", bytes >> 20);
	else
		ksnprintf(buf, len, "%lluK", bytes >> 10);
}

static void format_flags(char *buf, size_t len, u32 flags)
{
	ksnprintf(buf, len, "%s%s%s%s", (flags & KVM_MEM_READONLY) ? "ro," : "",
		  (flags & KVM_MEM_LOG_DIRTY_PAGES) ? "log," : "",
		  (flags & KVM_MEMSLOT_INVALID) ? "invalid," : "", flags ? "" : "-");
	if (buf[0] && buf[strlen(buf) - 1] == ',')
		buf[strlen(buf) - 1] = '\0';
}

/* The present leaves of as_id's current root over [start, end), per level. */
static void count_leaves(struct kvm *kvm, u16 as_id, gfn_t start, gfn_t end,
			 u64 leaves[KVM_NR_PAGE_SIZES])
{
	struct ept_root *root = kvm->mmu_root[as_id];
	u64 tables;

	for (int i = 0; i < KVM_NR_PAGE_SIZES; i++)
		leaves[i] = 0;
	if (root)
		ept_count_leaves_range(root->hpa, start, end, leaves, &tables);
}

static void show_slot(struct kvm *kvm, const struct kvm_memory_slot *s)
{
	char size[16], flags[24];
	u64 leaves[KVM_NR_PAGE_SIZES];

	format_size(size, sizeof(size), s->npages << GFN_SHIFT);
	format_flags(flags, sizeof(flags), s->flags);
	count_leaves(kvm, s->as_id, s->base_gfn, memslot_end(s), leaves);
	kprintf("%3u %5u  [%#011llx-%#011llx) %6s  %-11s %#011llx %6llu %4llu %4llu\n",
		s->as_id, s->id, s->base_gfn << GFN_SHIFT, memslot_end(s) << GFN_SHIFT, size,
		flags, (u64)virt_to_phys((void *)s->userspace_addr), leaves[0], leaves[1],
		leaves[2]);
}

int monitor_info_slots(struct vm *vm, int argc, char **argv)
{
	struct kvm *kvm = &vm->kvm;
	struct kvm_memory_slot *s;

	kprintf(" as    id  gpa range                    size  flags       backing hpa     4K   2M   1G\n");
	spin_lock(&kvm->mmu_lock);
	for (u16 as = 0; as < KVM_ADDRESS_SPACE_NUM; as++) {
		kvm_for_each_memslot(s, __kvm_memslots(kvm, as))
			show_slot(kvm, s);
	}
	spin_unlock(&kvm->mmu_lock);
	return MONITOR_STAY;
}

static void show_root(struct kvm *kvm, const struct ept_root *root)
{
	u64 leaves[KVM_NR_PAGE_SIZES], tables;

	ept_count_leaves(root->hpa, leaves, &tables);
	kprintf("ept: root %#llx as %u refcount %d%s%s: %llu x 4K, %llu x 2M, %llu x 1G leaves "
		"in %llu tables\n", root->hpa, root->as_id, root->refcount,
		kvm->mmu_root[root->as_id] == root ? " current" : "",
		root->zapped ? " zapped" : root->invalid ? " invalid" : "", leaves[0], leaves[1],
		leaves[2], tables);
}

static const char *const level_names[EPT_ROOT_LEVEL + 1] = {
	[PG_LEVEL_4K] = "PTE", [PG_LEVEL_2M] = "PDE", [PG_LEVEL_1G] = "PDPTE", [4] = "PML4E",
};

static const char *leaf_size_name(int level)
{
	return level == PG_LEVEL_4K ? "4K" : level == PG_LEVEL_2M ? "2M" : "1G";
}

/* One entry of a walk: the table index it sits at, its value, what it points to. */
static void show_walk_entry(const struct ept_iter *it, gfn_t gfn)
{
	u64 spte = it->old_spte;
	unsigned int index = (gfn >> (GFN_INDEX_BITS * (it->level - 1))) & (EPT_ENTRIES - 1);

	kprintf("ept:   %-5s[%3u] %#018llx", level_names[it->level], index, spte);
	if (!is_shadow_present_pte(spte))
		kprintf("  not present\n");
	else if (!is_last_spte(spte, it->level))
		kprintf("  table at %#llx\n", spte_to_hpa(spte));
	else
		kprintf("  %s page at %#llx, %c%c%c%s%s\n", leaf_size_name(it->level),
			spte_to_hpa(spte),
			(spte & EPT_READABLE) ? 'r' : '-', (spte & EPT_WRITABLE) ? 'w' : '-',
			(spte & EPT_EXECUTABLE) ? 'x' : '-', (spte & EPT_ACCESSED) ? " accessed" : "",
			(spte & EPT_DIRTY) ? " dirty" : "");
}

static int show_walk(struct kvm *kvm, const char *arg)
{
	struct ept_root *root = kvm->mmu_root[0];
	struct ept_iter it;
	u64 gpa, hpa;
	int level;
	bool writable;

	if (parse_size(arg, &gpa) || gpa >= (EPT_MAX_GFN << GFN_SHIFT)) {
		kprintf("monitor: info ept: bad address '%s'\n", arg);
		return MONITOR_STAY;
	}
	if (!root) {
		kprintf("ept: address space 0 has no root yet\n");
		return MONITOR_STAY;
	}
	kprintf("ept: walk of gpa %#llx in as 0 from root %#llx\n", gpa, root->hpa);
	spin_lock(&kvm->mmu_lock);
	for_each_ept_pte(it, root->hpa, gpa_to_gfn(gpa), gpa_to_gfn(gpa) + 1)
		show_walk_entry(&it, gpa_to_gfn(gpa));
	spin_unlock(&kvm->mmu_lock);
	if (ept_translate(kvm, 0, gpa, &hpa, &level, &writable))
		kprintf("ept: gpa %#llx is not mapped (its next access faults)\n", gpa);
	else
		kprintf("ept: gpa %#llx -> hpa %#llx (%s leaf, %s)\n", gpa, hpa,
			leaf_size_name(level), writable ? "writable" : "read-only");
	return MONITOR_STAY;
}

int monitor_info_ept(struct vm *vm, int argc, char **argv)
{
	struct kvm *kvm = &vm->kvm;
	const struct kvm_stat *st = &kvm->stat;
	struct ept_root *root;

	if (argc > 1) {
		kprintf("monitor: info ept: too many arguments (usage: info ept [GPA])\n");
		return MONITOR_STAY;
	}
	if (argc == 1)
		return show_walk(kvm, argv[0]);
	spin_lock(&kvm->mmu_lock);
	for_each_tdp_mmu_root(kvm, root)
		show_root(kvm, root);
	spin_unlock(&kvm->mmu_lock);
	kprintf("ept: %llu table pages, %llu roots made; %llu INVEPTs, %llu flush rounds, "
		"%llu reload rounds, %llu PML entries\n", st->table_pages, st->roots_allocated,
		st->invept, st->remote_tlb_flush, st->mmu_reload, st->pml_entries);
	return MONITOR_STAY;
}
