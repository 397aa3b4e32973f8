/*
 * make bench: the memslot and EPT layers timed on the host (optimized, no
 * sanitizers, fake physical memory).  Every figure below is measured by
 * this program when it runs.
 *   - gfn -> slot lookup with 1, 1k and 32k slots: random gfns (the cache
 *     misses) and a repeated gfn (the last-used cache hits);
 *   - fault-in of 1 GiB as a guest touching every page would cause it, with
 *     backing that allows 4K, 2M or 1G leaves;
 *   - DELETE, MOVE and dirty logging on of a 1 GiB slot, by what is mapped:
 *     their cost follows the page-table pages, not the slot's pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memslot_test.h"	/* for mt_rnd(); nothing here uses cmocka */
#include "arch/memory.h"
#include "ept/fault.h"
#include "ept/walk.h"
#include "ept/zap.h"
#include "memslot/kvm_arch.h"
#include "fake.h"
#include "kvm/kvm.h"
#include "mm/frame.h"

#define SLOT_GPA GiB(4)

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static void die(const char *what, int r)
{
	fprintf(stderr, "bench: %s failed (%d)\n", what, r);
	exit(1);
}

static void set(struct kvm *kvm, u32 slot, u32 flags, gpa_t gpa, u64 size, hva_t ua)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = ua,
	};
	int ret;

	spin_lock(&kvm->slots_lock);
	ret = __kvm_set_memory_region(kvm, &r);
	spin_unlock(&kvm->slots_lock);

	if (ret) {
		die("kvm_set_memory_region", ret);
	}
}

static int tree_height(struct kvm *kvm)
{
	struct kvm_memslots *slots = __kvm_memslots(kvm, 0);

	return slots->gfn_tree ? slots->gfn_tree->node[slots->node_idx].height : 0;
}

/* Slots 0..n-1 of one page each, at every other gfn. */
static void bench_lookup(unsigned int n)
{
	const unsigned int rounds = 2000000;
	struct kvm *kvm = kvm_create_vm();
	struct kvm_memslots *slots;
	volatile u64 sink = 0;
	hva_t base;
	unsigned int i;
	gfn_t *gfns;
	u64 t0, t_random, t_hit;

	if (!kvm || memslot_backing_alloc(kvm, MiB(1), &base)) {
		die("VM for lookups", -1);
	}
	for (i = 0; i < n; i++)
		set(kvm, i, 0, (u64)i * KiB(8), KiB(4), base + (i % 256) * KiB(4));
	slots = __kvm_memslots(kvm, 0);
	gfns = malloc(rounds * sizeof(*gfns));
	for (i = 0; i < rounds; i++)
		gfns[i] = 2 * mt_rnd(n);
	t0 = now_ns();
	for (i = 0; i < rounds; i++)
		sink += __gfn_to_memslot(slots, gfns[i])->id;
	t_random = now_ns() - t0;
	t0 = now_ns();
	for (i = 0; i < rounds; i++)
		sink += __gfn_to_memslot(slots, gfns[0])->id;
	t_hit = now_ns() - t0;
	printf("  %6u  %6d  %9.1f  %9.1f  %9.1f\n", n, tree_height(kvm), (double)t_random / rounds,
	       (double)t_random / rounds / tree_height(kvm), (double)t_hit / rounds);
	free(gfns);
	kvm_destroy_vm(kvm);
	(void)sink;
}

/* Touch every page of [gpa, gpa + size) as a guest would: fault where unmapped. */
static u64 touch_all(struct kvm *kvm, gpa_t gpa, u64 size, u64 *faults)
{
	u64 off, t = 0, t0;
	hpa_t hpa;
	int level, r;
	bool w;

	*faults = 0;
	for (off = 0; off < size; off += KiB(4)) {
		if (!ept_translate(kvm, 0, gpa + off, &hpa, &level, &w)) {
			continue;
		}
		t0 = now_ns();
		r = kvm_tdp_page_fault(kvm, 0, gpa + off, EPT_ACCESS_WRITE);
		t += now_ns() - t0;
		if (r < 0) {
			die("kvm_tdp_page_fault", r);
		}
		(*faults)++;
	}
	return t;
}

struct mapped {
	const char *name;
	u64 ua_off;	/* backing misaligned by this much: 4K leaves */
	u8 max_level;
};

static const struct mapped kinds[] = {
	{ "4K leaves (backing 4K off)", KiB(4), PG_LEVEL_1G },
	{ "2M leaves", 0, PG_LEVEL_2M },
	{ "1G leaves", 0, PG_LEVEL_1G },
};

/* A VM with a 1 GiB slot at SLOT_GPA faulted in as kind says. */
static struct kvm *mapped_vm(const struct mapped *kind, hva_t *base, u64 *fault_ns, u64 *faults)
{
	struct kvm *kvm = kvm_create_vm();

	if (!kvm || memslot_backing_alloc(kvm, GiB(2), base)) {
		die("VM with 2 GiB", -1);
	}
	kvm->tdp_max_level = kind->max_level;
	set(kvm, 1, 0, SLOT_GPA, GiB(1), *base + kind->ua_off);
	*fault_ns = touch_all(kvm, SLOT_GPA, GiB(1), faults);
	return kvm;
}

static void bench_faults(void)
{
	unsigned int i;

	printf("\nbench: fault-in of 1 GiB, every page touched once\n");
	printf("  %-28s  %8s  %8s  %6s  %6s  %6s  %12s\n", "backing", "faults", "4K", "2M", "1G",
	       "tables", "ns per GiB");
	for (i = 0; i < 3; i++) {
		u64 ns, faults;
		hva_t base;
		struct kvm *kvm = mapped_vm(&kinds[i], &base, &ns, &faults);

		printf("  %-28s  %8llu  %8llu  %6llu  %6llu  %6llu  %12llu\n", kinds[i].name, faults,
		       kvm->stat.leaves[0], kvm->stat.leaves[1], kvm->stat.leaves[2],
		       kvm->stat.table_pages, ns);
		kvm_destroy_vm(kvm);
	}
}

static u64 timed_set(struct kvm *kvm, u32 flags, gpa_t gpa, u64 size, hva_t ua)
{
	u64 t0 = now_ns();

	set(kvm, 1, flags, gpa, size, ua);
	return now_ns() - t0;
}

static void bench_changes(void)
{
	unsigned int i;

	printf("\nbench: changes of a 1 GiB slot, by what is mapped (microseconds)\n");
	printf("  %-28s  %6s  %8s  %8s  %10s  %11s  %9s\n", "mapped", "tables", "DELETE", "MOVE",
	       "dirty on", "dirty off", "rmap zap");
	for (i = 0; i < 4; i++) {
		const struct mapped none = { "nothing", 0, PG_LEVEL_1G };
		const struct mapped *kind = i == 0 ? &none : &kinds[i - 1];
		u64 ns, faults, tables, t_del, t_move, t_on, t_off, t_zap, t0;
		hva_t base, ua;
		struct kvm *kvm;

		kvm = i == 0 ? kvm_create_vm() : mapped_vm(kind, &base, &ns, &faults);
		if (i == 0 && (!kvm || memslot_backing_alloc(kvm, GiB(2), &base))) {
			die("VM with 2 GiB", -1);
		}
		ua = base + kind->ua_off;
		if (i == 0) {
			set(kvm, 1, 0, SLOT_GPA, GiB(1), ua);
		}
		tables = kvm->stat.table_pages;
		t_on = timed_set(kvm, KVM_MEM_LOG_DIRTY_PAGES, SLOT_GPA, GiB(1), ua);
		t_off = timed_set(kvm, 0, SLOT_GPA, GiB(1), ua);
		if (i) {
			touch_all(kvm, SLOT_GPA, GiB(1), &faults);
		}
		t0 = now_ns();
		spin_lock(&kvm->mmu_lock);
		if (ept_zap_memslot(kvm, id_to_memslot(__kvm_memslots(kvm, 0), 1))) {
			kvm_flush_remote_tlbs(kvm);
		}
		spin_unlock(&kvm->mmu_lock);
		t_zap = now_ns() - t0;
		if (i) {
			touch_all(kvm, SLOT_GPA, GiB(1), &faults);
		}
		t_move = timed_set(kvm, 0, SLOT_GPA + GiB(1), GiB(1), ua);
		set(kvm, 1, 0, SLOT_GPA, GiB(1), ua);
		if (i) {
			touch_all(kvm, SLOT_GPA, GiB(1), &faults);
		}
		t_del = timed_set(kvm, 0, 0, 0, ua);
		printf("  %-28s  %6llu  %8.1f  %8.1f  %10.1f  %11.1f  %9.1f\n", kind->name, tables,
		       t_del / 1e3, t_move / 1e3, t_on / 1e3, t_off / 1e3, t_zap / 1e3);
		kvm_destroy_vm(kvm);
	}
}

int main(void)
{
	struct memmap m = { 0 };
	u64 arena = GiB(8);

	mt_rnd_seed(0x2545f4914f6cdd1dULL);
	fake_mem_init(arena);
	memmap_add(&m, FAKE_PHYS_BASE, FAKE_PHYS_BASE + arena);
	if (frame_init(&m)) {
		die("frame_init", -1);
	}
	printf("bench: gfn -> slot lookup (ns per lookup)\n");
	printf("  %6s  %6s  %9s  %9s  %9s\n", "slots", "height", "random", "per level", "cache-hit");
	bench_lookup(1);
	bench_lookup(32);
	bench_lookup(1024);
	bench_lookup(8192);
	bench_lookup(KVM_USER_MEM_SLOTS);
	bench_faults();
	bench_changes();
	return 0;
}
