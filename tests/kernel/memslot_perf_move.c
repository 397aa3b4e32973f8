/*
 * memslot_perf's "move active area" and "move inactive area": the VMM
 * moves the area's last slot to just above the area and back, over and
 * over, while the guest writes and reads back the pages of the move area:
 * the last 64 KiB of that slot (active), or the first 64 KiB of the area,
 * which never moves (inactive).  KVM's test only times this; here each
 * MOVE must succeed, MMIO exits may come only from the move area (and,
 * inactive, never), the guest must never read a value it did not write
 * there, and while the slot is away its backing must not change: no write
 * through a translation that outlived the MOVE.
 */
#include "arch/x86/cpu.h"
#include "lib/errno.h"
#include "memslot_perf_vm.h"

#define MOVE_AREA_SIZE KiB(64)	/* KVM's MEM_TEST_MOVE_SIZE */
#define MOVE_AREA_PAGES (MOVE_AREA_SIZE / PERF_PAGE_SIZE)
/* A pass that starts after the slot came back needs the next-but-one round. */
#define FULL_PASS 2
/*
 * MMIO exits to wait for while the slot is away: a write and its read-back
 * of two pages, so that the guest also sees reads answered by MMIO, not
 * only writes whose read-back finds the slot back.
 */
#define AWAY_MMIO_EXITS 4

struct perf_move {
	struct kvm_userspace_memory_region r;	/* the moving slot */
	u64 home_gpa, away_gpa;
	u64 area_size;				/* the guest's move area */
	u64 watch_off;				/* the moving slot's last area_size bytes */
	u64 snapshot[MOVE_AREA_PAGES];
};

static bool move_slot(struct perf_vm *pv, struct perf_move *m, u64 gpa)
{
	u64 t0 = rdtsc();
	int err;

	m->r.guest_phys_addr = gpa;
	err = kvm_set_memory_region(&pv->vm->kvm, &m->r);
	pv->res->op_ticks += rdtsc() - t0;
	pv->res->ops++;
	if (err)
		perf_fail(pv, "expected the MOVE of slot %u to 0x%llx to succeed, saw %d",
			  m->r.slot, gpa, err);
	return !err;
}

/* The first word of each watched page of the moving slot, as its backing holds it. */
static void move_area_words(struct perf_vm *pv, const struct perf_move *m, u64 *words)
{
	for (u64 i = 0; i < m->area_size / PERF_PAGE_SIZE; i++)
		words[i] = READ_ONCE(*(u64 *)perf_hva(pv, m->watch_off + i * PERF_PAGE_SIZE));
}

static bool area_unchanged(struct perf_vm *pv, const struct perf_move *m)
{
	u64 now[MOVE_AREA_PAGES], first = 0;

	move_area_words(pv, m, now);
	for (u64 i = 0; i < m->area_size / PERF_PAGE_SIZE; i++) {
		if (now[i] != m->snapshot[i] && !pv->res->stale_writes++)
			first = i;
	}
	if (pv->res->stale_writes)
		perf_fail(pv, "expected no write to the moved-away slot, saw %llu pages change "
			      "(page %llu: 0x%llx -> 0x%llx)", pv->res->stale_writes, first,
			  m->snapshot[first], now[first]);
	return !pv->res->stale_writes;
}

static bool guest_hit_mmio(struct perf_vm *pv)
{
	return READ_ONCE(pv->w.mmio_exits) >= pv->mark + AWAY_MMIO_EXITS;
}

static bool guest_passed(struct perf_vm *pv)
{
	return READ_ONCE(pv->sync->rounds) >= pv->mark + FULL_PASS;
}

/* One MOVE away and back, with the guest seen at work in between. */
static bool move_round(struct perf_vm *pv, struct perf_move *m, bool active)
{
	if (!move_slot(pv, m, m->away_gpa))
		return false;
	move_area_words(pv, m, m->snapshot);
	pv->mark = active ? READ_ONCE(pv->w.mmio_exits) : READ_ONCE(pv->sync->rounds);
	if (!perf_wait(pv, active ? guest_hit_mmio : guest_passed,
		       active ? "hit the moved slot" : "go on writing"))
		return false;
	if (!area_unchanged(pv, m) || !move_slot(pv, m, m->home_gpa))
		return false;
	pv->mark = READ_ONCE(pv->sync->rounds);
	return perf_wait(pv, guest_passed, "write the area with the slot back");
}

int memslot_perf_move(struct perf_vm *pv, const struct memslot_perf_cfg *cfg, bool active)
{
	struct perf_move m = { .area_size = MIN(MOVE_AREA_SIZE, pv->slot_size) };
	u64 last = pv->area_size - pv->slot_size;
	u64 t0;

	if (pv->nslots < 2) {
		/* The moving slot would be the one the guest writes, inactive or not. */
		perf_fail(pv, "expected at least two slots to move one, saw %u", pv->nslots);
		vm_destroy(pv->vm);
		return pv->res->err;
	}
	m.r.slot = PERF_FIRST_SLOT + pv->nslots - 1;
	m.r.memory_size = pv->slot_size;
	m.r.userspace_addr = pv->area + last;
	m.home_gpa = PERF_TEST_GPA + last;
	m.away_gpa = PERF_TEST_GPA + pv->area_size;	/* KVM's MEM_TEST_MOVE_GPA_DEST */
	m.watch_off = pv->area_size - m.area_size;
	pv->sync->move_gpa = PERF_TEST_GPA + (active ? m.watch_off : 0);
	pv->sync->move_size = m.area_size;
	t0 = rdtsc();
	if (active)
		perf_vcpu_start(pv, pv->sync->move_gpa, pv->sync->move_gpa + m.area_size);
	else
		perf_vcpu_start(pv, 0, 0);
	for (unsigned int r = 0; r < cfg->rounds && move_round(pv, &m, active); r++)
		pv->res->pages += m.area_size / PERF_PAGE_SIZE;
	pv->res->ticks = rdtsc() - t0;
	WRITE_ONCE(pv->sync->exit_flag, 1);
	return perf_vm_finish(pv);
}
