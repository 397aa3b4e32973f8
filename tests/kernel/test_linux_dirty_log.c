/*
 * Memslots under a real SMP guest: Debian's Linux (the boot case's
 * "kernel" and "initrd" modules) runs with LINUX_VCPUS vCPUs, each on a
 * CPU of its own (vm/vcpu_threads.c), and its /init runs smp-work, which
 * keeps a worker pinned to every vCPU filling and checking buffers.
 * Meanwhile this CPU turns dirty logging on for the guest's RAM slot,
 * fetches the log ROUNDS times, and turns it off again, by write
 * protection or by PML: every fetch makes each vCPU flush (a request and a
 * kick, waiting for each one to leave its guest).  Between fetches and
 * after the last, the EPT audit must pass (with the vCPUs paused for it:
 * audit_paused()), and no write may be lost: with P(k) a hash of every
 * page taken just before fetch k, a page whose hash changed between P(k-1)
 * and P(k) was written after P(k-1), so before fetch k-1 (which must then
 * report it) or between the two fetches (then fetch k must): it must be in
 * the log of fetch k-1 or of fetch k.  (One pass over the guest's RAM per
 * fetch: Bochs reads 128 MiB in about a second.)  A sharper rule needs the
 * workload's help: smp-work stamps the pages it writes with the TSC (a
 * header of STAMP_MAGIC, the TSC and their XOR), so a page stamped after
 * fetch k-1 had ended and well before fetch k began (STAMP_MARGIN: the
 * guest reads the TSC before it stores) must be in the log of fetch k.
 * Then the test types a
 * line on the guest's console, which stops the workers, and the guest must
 * end well (its own checks pass, isa-debug-exit 0).  The
 * negative control leaves vCPU 1 out of every flush (no request, no kick,
 * no wait: its TLB keeps the writable translations that write protection
 * took away until its next exit) and must see writes lost; it also turns
 * off vCPU 1's check before each entry (vcpu_tlb_check()), which would
 * otherwise end the VM first, naming the stale EPTP, and makes its forced
 * exits (which drop Bochs' cached translations, as every exit does) come
 * every 100 ms instead of every 10, so that the stale window shows.
 */
#include "arch/x86/cpu.h"
#include "ept/walk.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "linux_vm.h"
#include "memslot/memslot.h"
#include "vmx/vmx.h"

#define LINUX_VCPUS 2
#define LINUX_MEM MiB(128)
#define PAGE_SIZE 4096ULL
#define LINUX_PAGES (LINUX_MEM / PAGE_SIZE)
/* nohz_full: a CPU running one task takes no ticks, so a vCPU left out of a flush keeps its TLB. */
#define LINUX_CMDLINE "console=ttyS0 nokaslr nohz_full=1"
#define ROUNDS 8
#define ROUND_TICKS 30000000ULL		/* 0.3 s of Bochs between fetches */
#define START_TICKS 60000000000ULL	/* 600 s for Linux to start its workers */
#define WORKERS_LINE "linux-dirty: workers running"
#define RAM_SLOT 0
#define STAMP_MAGIC 0x736c6f7473746d70ULL	/* guests/linux/smp-work.c */
#define STAMP_MARGIN 1000000ULL		/* 10 ms of Bochs */

struct linux_check {
	u64 hash[LINUX_PAGES];		/* P(k-1), then P(k) */
	u64 last[LINUX_PAGES / 64];	/* the log of fetch k-1 */
	u64 bitmap[LINUX_PAGES / 64];	/* the log of fetch k */
	u64 changed[LINUX_PAGES / 64];	/* pages whose hash changed from P(k-1) to P(k) */
	u64 missed, reported, fetches, stamped, audits;
	u64 prev_end;			/* the TSC when fetch k-1 returned */
	u64 first_page;
	const char *first_what;
	char audit[160];
};

static struct linux_check lc;
static struct linux_run run = { .tag = "linux-dirty" };

/* FNV-1a over a page's words: any change of the page changes it (but by chance). */
static u64 page_hash(const u64 *p)
{
	u64 h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		h = (h ^ READ_ONCE(p[i])) * 0x100000001b3ULL;
	return h;
}

static void hash_all(const u8 *ram, u64 *out)
{
	for (u64 i = 0; i < LINUX_PAGES; i++)
		out[i] = page_hash((const u64 *)(ram + i * PAGE_SIZE));
}

static void note(u64 page, const char *what)
{
	if (!lc.missed) {
		lc.first_page = page;
		lc.first_what = what;
	}
	lc.missed++;
}

static bool in_log(const u64 *log, u64 page)
{
	return log[page / 64] & (1ULL << (page % 64));
}

/*
 * Hash every page (P(k)), fetch the log (k), and check the pages that
 * changed since P(k-1) against the logs of fetches k-1 and k; then the EPT
 * audit.  An error stops the rounds.
 */
static int fetch_and_check(struct vm *vm, const u8 *ram)
{
	u64 start, end;
	int err;

	memset(lc.bitmap, 0, sizeof(lc.bitmap));
	for (u64 i = 0; i < LINUX_PAGES; i++) {
		u64 p = page_hash((const u64 *)(ram + i * PAGE_SIZE));

		/* The log of fetch k is not here yet: mark a change, check it below. */
		lc.bitmap[i / 64] |= (u64)(p != lc.hash[i]) << (i % 64);
		lc.hash[i] = p;
	}
	memcpy(lc.changed, lc.bitmap, sizeof(lc.changed));
	memset(lc.bitmap, 0, sizeof(lc.bitmap));
	start = rdtsc();
	err = kvm_get_dirty_log(&vm->kvm, RAM_SLOT, lc.bitmap);
	end = rdtsc();
	if (err)
		return err;
	lc.fetches++;
	for (u64 i = 0; i < LINUX_PAGES; i++) {
		const volatile u64 *w = (const volatile u64 *)(ram + i * PAGE_SIZE);
		u64 m = w[0], tsc = w[1], x = w[2];

		if (in_log(lc.changed, i) && !in_log(lc.last, i) && !in_log(lc.bitmap, i))
			note(i, "written, reported by neither fetch around the write");
		if (m == STAMP_MAGIC && (m ^ tsc) == x) {
			lc.stamped++;
			if (lc.prev_end && tsc > lc.prev_end && tsc + STAMP_MARGIN < start &&
			    !in_log(lc.bitmap, i))
				note(i, "stamped between two fetches, not reported by the second");
		}
		lc.reported += in_log(lc.bitmap, i);
	}
	lc.prev_end = end;
	memcpy(lc.last, lc.bitmap, sizeof(lc.last));
	return 0;
}

/*
 * The EPT audit, with every vCPU paused: with PML a running vCPU's writes
 * set EPT dirty bits that reach the bitmap only when its log is emptied
 * (at its exits), so the audit's "dirty leaf => marked dirty" holds only
 * for vCPUs out of their guests.  Between rounds, never right after a
 * fetch: the pause's kicks would end the negative control's stale window.
 */
static int audit_paused(struct vm *vm)
{
	int err;

	vm_vcpus_pause(vm);
	err = ept_audit(&vm->kvm, lc.audit, sizeof(lc.audit)) ? -EIO : 0;
	vm_vcpus_resume(vm);
	lc.audits += !err;
	return err;
}

static int set_dirty_logging(struct vm *vm, bool on)
{
	struct kvm_memory_slot *s = id_to_memslot(__kvm_memslots(&vm->kvm, 0), RAM_SLOT);
	struct kvm_userspace_memory_region r;

	if (!s)
		return -ENOENT;
	r = (struct kvm_userspace_memory_region){
		.slot = RAM_SLOT, .guest_phys_addr = s->base_gfn << GFN_SHIFT,
		.memory_size = s->npages << GFN_SHIFT, .userspace_addr = s->userspace_addr,
		.flags = on ? KVM_MEM_LOG_DIRTY_PAGES : 0,
	};
	return kvm_set_memory_region(&vm->kvm, &r);
}

static struct vm *linux_vm(struct ktest_ctx *t, bool pml)
{
	struct vm_kernel_args args = { .mem_size = LINUX_MEM, .cmdline = LINUX_CMDLINE,
				       .nr_vcpus = LINUX_VCPUS };
	struct vm *vm = vm_create("linux-dirty");
	int err;

	KT_ASSERT(t, vm, "expected a VM");
	err = vm_set_dirty_log_pml(vm, pml);
	KT_ASSERT(t, !err, "expected dirty logging %s, saw %d", pml ? "by PML" : "by write protection",
		  err);
	linux_vm_load(t, vm, &args);
	return vm;
}

/* The rounds while Linux writes; false with the test failed for anything but the checks. */
static bool linux_dirty_rounds(struct ktest_ctx *t, bool pml, bool skip_flush)
{
	struct vm *vm;
	u8 *ram;
	int err = 0;

	if (!ktest_need_vmx(t))
		return false;
	memset(&lc, 0, sizeof(lc));
	run.status = -1;
	run.ended = false;
	vm = linux_vm(t, pml);
	if (!vm)
		return false;
	ram = vm_gpa_to_hva(vm, 0);
	if (skip_flush) {
		vm->kvm.vcpus[1]->debug.skip_flush = true;
		vm->kvm.vcpus[1]->debug.skip_tlb_check = true;
		vm->kvm.vcpus[1]->debug.long_slice = true;
	}
	vm->com1.tx = vm_com1_tx;
	KT_ASSERT(t, !vm_vcpus_start(vm, linux_vm_exit, &run), "expected the vCPU threads to start");
	if (!linux_wait_line(vm, WORKERS_LINE, START_TICKS))
		err = -ETIMEDOUT;
	err = err ?: set_dirty_logging(vm, true);
	if (!err)
		hash_all(ram, lc.hash);	/* P(0): nothing written before logging began is owed */
	/* Logging was on before P(0): a write after it is owed by fetch 1 itself. */
	memset(lc.last, 0, sizeof(lc.last));
	for (unsigned int r = 0; r < ROUNDS && !err && !vm_vcpus_over(vm); r++) {
		u64 end = rdtsc() + ROUND_TICKS;

		while (rdtsc() < end)
			cpu_relax();
		err = audit_paused(vm);
		err = err ?: fetch_and_check(vm, ram);
	}
	err = err ?: audit_paused(vm);
	err = err ?: set_dirty_logging(vm, false);
	if (skip_flush) {	/* back to normal before the guest's end needs flushes again */
		vm->kvm.vcpus[1]->debug.skip_flush = false;
		vm->kvm.vcpus[1]->debug.long_slice = false;
	}
	linux_type_line(vm, "stop\n");	/* the workers end; so does the guest */
	while (!vm_vcpus_over(vm))
		cpu_relax();
	vm_vcpus_wait(vm);
	kprintf("linux-dirty: %s%s: %llu fetches while %u vCPUs wrote, %llu pages reported, "
		"%llu stamped pages seen, %llu writes missed, %llu audits passed; guest status %d; "
		"%llu PML entries\n",
		pml ? "PML" : "write protection", skip_flush ? ", vCPU 1 left out of flushes" : "",
		lc.fetches, LINUX_VCPUS, lc.reported, lc.stamped, lc.missed, lc.audits, run.status,
		vm->kvm.stat.pml_entries);
	if (lc.missed)
		kprintf("linux-dirty: first: page %llu %s\n", lc.first_page, lc.first_what);
	if (err || lc.fetches != ROUNDS || (!skip_flush && run.status != 0)) {
		ktest_fail(t, "expected %u fetches and the guest's status 0, saw error %d (%s), %llu "
			   "fetches, status %d, last line \"%s\"", ROUNDS, err, lc.audit, lc.fetches,
			   run.status, vm->last_line);
		vm_destroy(vm);
		return false;
	}
	vm_destroy(vm);
	return true;
}

static void linux_dirty_log(struct ktest_ctx *t, bool pml)
{
	if (pml && !vmx_pml_supported()) {
		ktest_skip(t, "this CPU has no PML");
		return;
	}
	if (!linux_dirty_rounds(t, pml, false))
		return;
	KT_ASSERT(t, lc.missed == 0, "expected every write reported, saw %llu missed (first: page "
		  "%llu %s)", lc.missed, lc.first_page, lc.first_what);
	KT_ASSERT(t, lc.reported > 0, "expected dirty pages, saw none reported");
}

KTEST(test_linux_dirty_log_wp, "linux.smp-dirty-log.write-protect")
{
	linux_dirty_log(t, false);
}

KTEST(test_linux_dirty_log_pml, "linux.smp-dirty-log.pml")
{
	linux_dirty_log(t, true);
}

KTEST(test_linux_dirty_log_skip_flush, "linux.smp-dirty-log.negative-control")
{
	if (!linux_dirty_rounds(t, false, true))
		return;
	KT_ASSERT(t, lc.missed > 0,
		  "expected writes missed when vCPU 1 ignores its flushes, saw none");
}
