/*
 * The machinery of memslot_perf (include/vmm/memslot_perf.h): the VM with
 * its area of many slots, the vCPU's run loop on CPU 1 (KVM's vcpu_worker
 * thread), the sync points, and the VMM's unmap (KVM's MADV_DONTNEED).
 * The scenarios themselves are in vmm/memslot_perf.c.
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ept/walk.h"
#include "ept/zap.h"
#include "memslot/kvm_arch.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "memslot_perf_vm.h"
#include "remote_run.h"

#define PERF_GUEST_RAM MiB(4)
#define PERF_RUN_BUDGET 2000000		/* ticks per vcpu_run(): a stop is seen within that */
/* Ticks to wait for the guest (20 s at ips=100M; the longest wait needs 50M): a hang. */
#define PERF_SYNC_TIMEOUT 2000000000ULL
#define PERF_GUEST_CPU 1

void perf_fail(struct perf_vm *pv, const char *fmt, ...)
{
	va_list ap;

	if (pv->res->err)
		return;	/* keep the first failure */
	pv->res->err = -EIO;
	va_start(ap, fmt);
	kvsnprintf(pv->res->why, sizeof(pv->res->why), fmt, ap);
	va_end(ap);
}

/* The area's slots: ids 1..nslots, each a piece of one backing block. */
static int perf_add_slots(struct perf_vm *pv)
{
	struct kvm_userspace_memory_region r = { .memory_size = pv->slot_size };
	int err = memslot_backing_alloc(&pv->vm->kvm, pv->area_size, &pv->area);
	u64 t0 = rdtsc();

	for (unsigned int i = 0; i < pv->nslots && !err; i++) {
		r.slot = PERF_FIRST_SLOT + i;
		r.guest_phys_addr = PERF_TEST_GPA + i * pv->slot_size;
		r.userspace_addr = pv->area + i * pv->slot_size;
		err = kvm_set_memory_region(&pv->vm->kvm, &r);
	}
	pv->res->setup_ticks = rdtsc() - t0;
	return err;
}

int perf_vm_create(struct perf_vm *pv, const struct memslot_perf_cfg *cfg,
		   struct memslot_perf_result *res, enum perf_guest_mode mode)
{
	int err;

	memset(pv, 0, sizeof(*pv));
	memset(res, 0, sizeof(*res));
	pv->res = res;
	pv->nslots = cfg->nslots;
	pv->area_size = cfg->area_size;
	pv->slot_size = cfg->nslots ? cfg->area_size / cfg->nslots : 0;
	if (!pv->slot_size || pv->slot_size % PERF_PAGE_SIZE || cfg->area_size % pv->slot_size) {
		perf_fail(pv, "bad configuration: %llu bytes in %u slots", cfg->area_size,
			  cfg->nslots);
		return res->err = -EINVAL;
	}
	if (nr_cpus <= PERF_GUEST_CPU || vmm_enable_vmx_on(PERF_GUEST_CPU)) {
		perf_fail(pv, "expected CPU %d online with VT-x", PERF_GUEST_CPU);
		return res->err = -ENODEV;
	}
	pv->vm = vm_create("memslot_perf");
	err = pv->vm ? vm_load_guest64(pv->vm, "memslot_perf", PERF_GUEST_RAM, &pv->v) : -ENOMEM;
	err = err ?: perf_add_slots(pv);
	if (err) {
		perf_fail(pv, "setting up %u slots over %llu MiB failed: %d", pv->nslots,
			  pv->area_size >> 20, err);
		vm_destroy(pv->vm);
		return res->err = err;
	}
	pv->vm->kvm.debug.no_kick = cfg->no_kick;
	pv->sync = vm_gpa_to_hva(pv->vm, PERF_SYNC_GPA);
	pv->sync->mode = mode;
	pv->sync->test_gpa = PERF_TEST_GPA;
	pv->sync->test_size = pv->area_size;
	pv->sync->unmap_size = MIN(pv->area_size, PERF_UNMAP_SIZE);
	return 0;
}

/* An MMIO exit: allowed only in [mmio_start, mmio_end), 8 bytes; answer it. */
static bool worker_mmio(struct perf_worker *w)
{
	struct vcpu_exit *e = &w->v->exit;

	if (e->mmio.gpa < w->mmio_start || e->mmio.gpa + e->mmio.len > w->mmio_end ||
	    e->mmio.len != sizeof(u64)) {
		w->bad_mmio_gpa = e->mmio.gpa;
		w->bad_mmio = true;
		return false;
	}
	w->mmio_exits++;
	if (e->mmio.is_write)
		WRITE_ONCE(w->sync->mmio_write_value, e->mmio.data);
	else
		e->mmio.data = PERF_MMIO_READ_VALUE;
	return true;
}

/* On CPU 1 (smp_call_async): run the guest until its last ucall or an unexpected exit. */
static long perf_worker_run(void *arg)
{
	struct perf_worker *w = arg;

	for (;;) {
		w->cmd = vm_run(w->v, PERF_RUN_BUDGET, &w->uc);
		if (w->cmd)
			break;
		if (w->v->exit.reason == VCPU_EXIT_BUDGET)
			continue;
		if (w->v->exit.reason != VCPU_EXIT_MMIO || !worker_mmio(w))
			break;
	}
	vcpu_put(w->v);
	WRITE_ONCE(w->finished, true);
	return w->v->exit.reason;
}

void perf_vcpu_start(struct perf_vm *pv, u64 mmio_start, u64 mmio_end)
{
	pv->w.v = pv->v;
	pv->w.sync = pv->sync;
	pv->w.mmio_start = mmio_start;
	pv->w.mmio_end = mmio_end;
	vcpu_put(pv->v);	/* vm_load_guest64() loaded it here */
	smp_call_async(PERF_GUEST_CPU, perf_worker_run, &pv->w);
}

/* Wait until cond(pv) holds; false (test failed) if the guest ended or hung first. */
bool perf_wait(struct perf_vm *pv, bool (*cond)(struct perf_vm *pv), const char *what)
{
	u64 t0 = rdtsc();
	bool ended, aborted;

	while (!cond(pv)) {
		ended = READ_ONCE(pv->w.finished);
		if (ended || rdtsc() - t0 > PERF_SYNC_TIMEOUT) {
			aborted = ended && READ_ONCE(pv->w.cmd) == UCALL_ABORT;
			perf_fail(pv, "expected the guest to %s, but it %s%s%s", what,
				  ended ? "ended" : "hung",
				  aborted ? "; guest assertion failed: " : "",
				  aborted ? pv->w.uc.buffer : "");
			return false;
		}
		cpu_relax();
	}
	return true;
}

static bool guest_synced(struct perf_vm *pv)
{
	return !READ_ONCE(pv->sync->sync_flag);
}

bool host_sync(struct perf_vm *pv, bool last)
{
	if (last)
		WRITE_ONCE(pv->sync->exit_flag, 1);
	WRITE_ONCE(pv->sync->sync_flag, 1);
	return perf_wait(pv, guest_synced, "reach its sync point");
}

/*
 * KVM's MADV_DONTNEED of [gpa, gpa + size), within one slot: what its MMU
 * notifier does (zap the leaves, flush every CPU) and then what the host
 * kernel does (the next touch sees zeroed memory), under mmu_lock so that
 * no fault maps the range in between.
 */
static void perf_punch_hole(struct perf_vm *pv, u64 gpa, u64 size)
{
	struct kvm *kvm = &pv->vm->kvm;
	gfn_t start = gpa_to_gfn(gpa);

	spin_lock(&kvm->mmu_lock);
	if (kvm_tdp_mmu_zap_leafs(kvm, 0, start, start + size / PERF_PAGE_SIZE))
		kvm_flush_remote_tlbs(kvm);
	memset(perf_hva(pv, gpa - PERF_TEST_GPA), 0, size);
	spin_unlock(&kvm->mmu_lock);
}

void perf_unmap(struct perf_vm *pv, u64 off, u64 size, u64 chunk)
{
	u64 t0 = rdtsc();

	/* As memslot_perf_test: one call per chunk, split where a slot ends. */
	for (u64 end = off + size; off < end;) {
		u64 slot_end = (off / pv->slot_size + 1) * pv->slot_size;
		u64 len = MIN(MIN(chunk, end - off), slot_end - off);

		perf_punch_hole(pv, PERF_TEST_GPA + off, len);
		pv->res->ops++;
		off += len;
	}
	pv->res->op_ticks += rdtsc() - t0;
}

bool perf_expect_unmapped(struct perf_vm *pv, u64 off)
{
	struct kvm *kvm = &pv->vm->kvm;
	hpa_t hpa;
	int level, err;
	bool writable;

	err = ept_translate(kvm, 0, PERF_TEST_GPA + off, &hpa, &level, &writable);
	if (!err)
		perf_fail(pv, "expected gpa 0x%llx unmapped, saw a level-%d leaf",
			  PERF_TEST_GPA + off, level);
	return err != 0;
}

bool perf_check_pages(struct perf_vm *pv, u64 off, u64 size, u64 word, u64 val, bool clear)
{
	for (u64 p = off; p < off + size; p += PERF_PAGE_SIZE) {
		u64 *q = perf_hva(pv, p + word), want = perf_page_value(val, PERF_TEST_GPA + p);

		if (*q != want) {
			perf_fail(pv, "expected 0x%llx at gpa 0x%llx, saw 0x%llx", want,
				  PERF_TEST_GPA + p + word, *q);
			return false;
		}
		if (clear)
			*q = 0;
	}
	return true;
}

/* The vCPU's only exits: EPT faults (MMIO included), kicks, budgets, and the one DONE ucall. */
static void perf_check_exits(struct perf_vm *pv)
{
	const u64 *count = pv->v->exit_count;

	for (u32 r = 0; r < EXIT_REASON_MAX; r++) {
		if (!count[r] || r == EXIT_REASON_EPT_VIOLATION ||
		    r == EXIT_REASON_EXTERNAL_INTERRUPT || r == EXIT_REASON_PREEMPTION_TIMER ||
		    (r == EXIT_REASON_IO_INSTRUCTION && count[r] == 1))
			continue;
		perf_fail(pv, "expected only EPT, kick, budget and one ucall exit, saw %llu x %s",
			  count[r], exit_reason_name(r));
		return;
	}
}

static void perf_collect(struct perf_vm *pv)
{
	struct memslot_perf_result *res = pv->res;

	res->guest_rounds = pv->sync->rounds;
	res->ept_faults = pv->v->exit_count[EXIT_REASON_EPT_VIOLATION];
	res->kicks = pv->v->exit_count[EXIT_REASON_EXTERNAL_INTERRUPT];
	res->mmio_exits = pv->w.mmio_exits;
	res->remote_flushes = pv->vm->kvm.stat.remote_tlb_flush;
	res->guest_mmio_reads = pv->sync->mmio_reads;
	res->guest_old_reads = pv->sync->old_reads;
}

int perf_vm_finish(struct perf_vm *pv)
{
	if (pv->res->err)
		vcpu_request_stop(pv->v);	/* seen at its next budget exit at the latest */
	smp_wait(PERF_GUEST_CPU);
	perf_collect(pv);
	if (pv->w.bad_mmio)
		perf_fail(pv, "expected MMIO only in the moving slot's pages, saw gpa 0x%llx",
			  pv->w.bad_mmio_gpa);
	if (pv->w.cmd == UCALL_ABORT)
		perf_fail(pv, "guest assertion failed: %s", pv->w.uc.buffer);
	if (pv->w.cmd != UCALL_DONE)
		perf_fail(pv, "expected the guest to finish, saw ucall %d, exit reason %d",
			  pv->w.cmd, pv->v->exit.reason);
	perf_check_exits(pv);
	vm_destroy(pv->vm);
	return pv->res->err;
}
