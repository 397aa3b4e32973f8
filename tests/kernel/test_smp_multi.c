/*
 * One VM, several vCPUs, each on its own AP at the same time (Bochs with 4
 * CPUs): vCPU i runs on CPU i + 1 while the BSP, as the VMM, changes the
 * VM's memory slots.  A change must reach every vCPU: each request is set
 * in all of them, all running ones are kicked, and the call returns only
 * after the last one acknowledged (vmx_request_all).  The guests tell
 * their vCPUs apart by the APIC id CPUID reports (guest_vcpu_id()).
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"
#include "remote_run.h"

#define NR_VCPUS 3
#define CPUS_NEEDED (NR_VCPUS + 1)	/* the BSP is the VMM */
#define PROGRESS_GPA 0x300000ULL	/* word i belongs to vCPU i (guests/spinner.c, writer.c) */
#define DATA_GPA 0x1000000ULL
#define START_VALUE 0x1234
#define REGION_GPA 0x1000000ULL
#define REGION_STRIDE MiB(2)		/* vCPU i's region: one 2M leaf of its own slot */
#define REGION_PAGES 256
#define CHURN_GPA 0x8000000ULL
#define CHURN_SLOT 9
#define CHURN_ROUNDS 300
#define CHURN_GAP 20000
#define WARMUP_READS 2000
#define READER_BUDGET 4000000	/* ticks per vcpu_run, so a broken kick cannot hang */
#define READER_MAX_RUNS 64
#define WRITER_BUDGET 2000000
#define MIGRATE_RUNS 2		/* budget exits between two moves of the migrating vCPU */
#define MIN_MIGRATIONS 4
#define WAIT_POLLS 200000000ULL
#define ALLOC_ROUNDS 2000
#define ALLOC_BATCH 8
#define ALLOC_SMALL 48		/* a kmalloc size class the MMU's descriptors share */
#define ALLOC_TAG_WORDS (ALLOC_SMALL / 8)

struct multi {
	struct vm *vm;
	struct vcpu *v[NR_VCPUS];
	struct vmm_remote_run run[NR_VCPUS];
	volatile u64 *progress;
};

static bool need_cpus(struct ktest_ctx *t)
{
	if (nr_cpus >= CPUS_NEEDED)
		return true;
	ktest_skip(t, "%u vCPUs on their own APs need %u CPUs, %u online (Bochs runs this with "
		      "cpu: count=4 in the bochs_smp4 case)", NR_VCPUS, CPUS_NEEDED, nr_cpus);
	return false;
}

/*
 * A VM running `image` on NR_VCPUS vCPUs, VMX on in CPUs 1..NR_VCPUS, the
 * vCPUs put (VMCLEARed) on the BSP so that each AP may load its own.
 */
static bool multi_create(struct ktest_ctx *t, struct multi *m, const char *image)
{
	int err = 0;

	m->vm = ktest_guest64(t, image, MiB(4), &m->v[0]);
	if (!m->vm)
		return false;
	for (unsigned int i = 1; i < NR_VCPUS && !err; i++)
		err = vm_add_vcpu64(m->vm, &m->v[i]);
	for (unsigned int cpu = 1; cpu <= NR_VCPUS && !err; cpu++)
		err = vmm_enable_vmx_on(cpu);
	if (err) {
		ktest_fail(t, "expected %u vCPUs and VMXON on CPUs 1-%u, saw %d", NR_VCPUS, NR_VCPUS,
			   err);
		vm_destroy(m->vm);
		return false;
	}
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		vcpu_put(m->v[i]);
	return true;
}

/* Start vCPU i's run loop on CPU cpu; smp_wait(cpu) collects its last exit. */
static void multi_start(struct multi *m, unsigned int i, unsigned int cpu, u64 budget,
			unsigned int max_runs)
{
	m->run[i] = (struct vmm_remote_run){ .v = m->v[i], .budget = budget, .max_runs = max_runs };
	smp_call_async(cpu, vmm_remote_run, &m->run[i]);
}

/* Wait until every vCPU's progress word reached min; false if one never did. */
static bool wait_progress(struct multi *m, u64 min)
{
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		u64 polls = 0;

		while (READ_ONCE(m->progress[i]) < min && ++polls < WAIT_POLLS)
			cpu_relax();
		if (polls == WAIT_POLLS)
			return false;
	}
	return true;
}

/*
 * The spinning reader with NR_VCPUS readers: all read DATA_GPA while the
 * BSP deletes its slot.  stale[i] gets vCPU i's reads of the old frame
 * after the delete returned.  False with the test failed on a setup
 * failure or an exit other than the MMIO exit each reader must end with.
 */
static bool spinning_readers(struct ktest_ctx *t, bool kick, u64 stale[NR_VCPUS])
{
	struct kvm_userspace_memory_region del = { .slot = 1, .guest_phys_addr = DATA_GPA };
	struct multi m;
	u64 before[NR_VCPUS];
	long reason[NR_VCPUS];
	bool spun, ok = true;
	hva_t data;
	int err;

	if (!need_cpus(t) || !multi_create(t, &m, "spinner"))
		return false;
	err = vm_add_memory(m.vm, 1, DATA_GPA, KiB(64), 0, &data);
	if (err) {
		ktest_fail(t, "expected the data slot, saw %d", err);
		vm_destroy(m.vm);
		return false;
	}
	*(u64 *)data = START_VALUE;
	m.progress = vm_gpa_to_hva(m.vm, PROGRESS_GPA);
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		multi_start(&m, i, i + 1, READER_BUDGET, READER_MAX_RUNS);
	spun = wait_progress(&m, WARMUP_READS);
	m.vm->kvm.debug.no_kick = !kick;
	del.userspace_addr = data;
	/* Even when a reader never spun: the delete is what ends every run. */
	err = kvm_set_memory_region(&m.vm->kvm, &del);
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		before[i] = READ_ONCE(m.progress[i]);
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		reason[i] = smp_wait(i + 1);
		stale[i] = READ_ONCE(m.progress[i]) - before[i];
		kprintf("smp: vCPU %u on CPU %u, remote kick %s: %llu reads of the slot before the "
			"delete returned, %llu after\n", i, i + 1, kick ? "on" : "off", before[i],
			stale[i]);
		if (reason[i] != VCPU_EXIT_MMIO && ok) {
			ktest_fail(t, "expected vCPU %u to end with an MMIO exit, saw exit %ld", i,
				   reason[i]);
			ok = false;
		}
	}
	if (ok && (!spun || err)) {
		ktest_fail(t, "expected every reader to spin and the delete to work; saw spin %d, "
			      "delete %d", spun, err);
		ok = false;
	}
	vm_destroy(m.vm);
	return ok;
}

KTEST(test_smp_multi_spinning_readers, "smp.multi.spinning-readers")
{
	u64 stale[NR_VCPUS];

	if (!spinning_readers(t, true, stale))
		return;
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		KT_ASSERT(t, stale[i] <= 1, "expected no read of the deleted slot by vCPU %u (CPU %u) "
			  "after the delete returned, saw %llu", i, i + 1, stale[i]);
}

/* Without the kick the same scenario must fail: the readers keep reading the old frame. */
KTEST(test_smp_multi_spinning_readers_no_kick, "smp.multi.spinning-readers.negative-control")
{
	u64 stale[NR_VCPUS], most = 0;

	if (!spinning_readers(t, false, stale))
		return;
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		most = MAX(most, stale[i]);
	KT_ASSERT(t, most > 1, "expected stale reads with the remote kick switched off (the "
		  "scenario must be able to fail), saw at most %llu", most);
}

/* One create and one delete of the one-page churn slot. */
static int churn_once(struct vm *vm, hva_t page)
{
	struct kvm_userspace_memory_region r = {
		.slot = CHURN_SLOT, .guest_phys_addr = CHURN_GPA, .userspace_addr = page,
		.memory_size = KiB(4),
	};
	int err = kvm_set_memory_region(&vm->kvm, &r);

	r.memory_size = 0;
	err = err ?: kvm_set_memory_region(&vm->kvm, &r);
	/* Leave the vCPUs time to re-fault their regions and write between changes. */
	for (int k = 0; k < CHURN_GAP; k++)
		cpu_relax();
	return err;
}

/* The writers' VM: vCPU i's region is slot i + 1, one 2M leaf; *page backs the churn slot. */
static bool writers_create(struct ktest_ctx *t, struct multi *m, hva_t *page)
{
	int err = 0;

	if (!need_cpus(t) || !multi_create(t, m, "writer"))
		return false;
	for (unsigned int i = 0; i < NR_VCPUS && !err; i++)
		err = vm_add_memory(m->vm, i + 1, REGION_GPA + i * REGION_STRIDE, REGION_STRIDE, 0,
				    NULL);
	err = err ?: memslot_backing_alloc(&m->vm->kvm, KiB(4), page);
	if (err) {
		ktest_fail(t, "expected the writers' slots, saw %d", err);
		vm_destroy(m->vm);
		return false;
	}
	m->progress = vm_gpa_to_hva(m->vm, PROGRESS_GPA);
	return true;
}

/*
 * After the writers stopped: each page of vCPU i's region holds the round
 * it last finished or the one it was in, and its exits were the expected
 * ones.  Data the guest checks itself too (an assertion ends its run).
 */
static bool writers_intact(struct ktest_ctx *t, struct multi *m)
{
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		u64 done = m->progress[i];

		for (unsigned int p = 0; p < REGION_PAGES; p++) {
			u64 *word = vm_gpa_to_hva(m->vm, REGION_GPA + i * REGION_STRIDE + p * KiB(4));

			if (*word != done && *word != done + 1) {
				ktest_fail(t, "expected page %u of vCPU %u's region to hold round %llu "
					      "or %llu, saw %llu", p, i, done, done + 1, *word);
				return false;
			}
		}
		if (!ktest_only_churn_exits(t, m->v[i]))
			return false;
	}
	return true;
}

/* Print what each writer did; false with the test failed if one stopped otherwise than asked. */
static bool writers_report(struct ktest_ctx *t, struct multi *m, const long reason[NR_VCPUS],
			   const u64 before[NR_VCPUS])
{
	bool ok = true;

	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		const struct vcpu *v = m->v[i];

		kprintf("smp: writer vCPU %u finished %llu rounds during the churn; %llu EPT faults, "
			"%llu kicks\n", i, m->progress[i] - before[i],
			v->exit_count[EXIT_REASON_EPT_VIOLATION],
			v->exit_count[EXIT_REASON_EXTERNAL_INTERRUPT]);
		if (ok && reason[i] != VCPU_EXIT_BUDGET) {
			ktest_fail(t, "expected writer vCPU %u to be stopped at a budget exit, saw "
				      "exit %ld", i, reason[i]);
			ok = false;
		}
		if (ok && m->progress[i] <= before[i]) {
			ktest_fail(t, "expected writer vCPU %u to make progress during the churn", i);
			ok = false;
		}
	}
	return ok;
}

/* memslot_modification_stress_test with NR_VCPUS writers, each on its own AP. */
KTEST(test_smp_multi_modification_stress, "smp.multi.modification-stress")
{
	struct multi m;
	u64 before[NR_VCPUS];
	long reason[NR_VCPUS];
	bool ran;
	hva_t page;
	int err = 0;

	if (!writers_create(t, &m, &page))
		return;
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		multi_start(&m, i, i + 1, WRITER_BUDGET, 0);
	ran = wait_progress(&m, 2);
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		before[i] = READ_ONCE(m.progress[i]);
	for (int round = 0; round < CHURN_ROUNDS && !err && ran; round++)
		err = churn_once(m.vm, page);
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		m.run[i].stop = true;
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		reason[i] = smp_wait(i + 1);
	KT_ASSERT(t, ran, "expected every writer to run, saw progress %llu %llu %llu", before[0],
		  before[1], before[2]);
	KT_ASSERT(t, err == 0, "expected every create and delete to succeed, saw %d", err);
	if (!writers_report(t, &m, reason, before) || !writers_intact(t, &m))
		return;
	vm_destroy(m.vm);
}

/*
 * The migrating vCPU's next CPU: it moves between the two APs the other
 * writers do not use (CPUs NR_VCPUS - 1 and NR_VCPUS).
 */
static unsigned int other_cpu(unsigned int cpu)
{
	return cpu == NR_VCPUS ? NR_VCPUS - 1 : NR_VCPUS;
}

/*
 * While the BSP churns slots, writer vCPU 0 stays on CPU 1 and the last
 * writer hops between the last two APs every MIGRATE_RUNS budget exits:
 * its VMCS is VMCLEARed on one CPU and loaded on the other (host state for
 * that CPU, INVEPT there) while requests keep coming.  vCPU 1 sits out, so
 * the VM also has a vCPU that is never running.
 */
KTEST(test_smp_multi_migrate, "smp.multi.migrate-under-churn")
{
	const unsigned int mover = NR_VCPUS - 1;
	unsigned int cpu = NR_VCPUS, moves = 0;
	struct multi m;
	u64 before[NR_VCPUS] = { 0 };
	long reason[NR_VCPUS] = { 0 };
	bool moving = true;
	hva_t page;
	int err = 0;

	if (!writers_create(t, &m, &page))
		return;
	multi_start(&m, 0, 1, WRITER_BUDGET, 0);
	multi_start(&m, mover, cpu, WRITER_BUDGET / 2, MIGRATE_RUNS);
	for (int round = 0; round < CHURN_ROUNDS && !err && moving; round++) {
		if (round == 1) {
			before[0] = READ_ONCE(m.progress[0]);
			before[mover] = READ_ONCE(m.progress[mover]);
		}
		err = churn_once(m.vm, page);
		if (!smp_call_done(cpu))
			continue;
		reason[mover] = smp_wait(cpu);
		moving = reason[mover] == VCPU_EXIT_BUDGET;
		if (moving) {
			cpu = other_cpu(cpu);
			multi_start(&m, mover, cpu, WRITER_BUDGET / 2, MIGRATE_RUNS);
			moves++;
		}
	}
	m.run[0].stop = true;
	m.run[mover].stop = true;
	reason[0] = smp_wait(1);
	if (moving)
		reason[mover] = smp_wait(cpu);
	kprintf("smp: the migrating writer moved %u times between CPUs %u and %u\n", moves,
		NR_VCPUS - 1, NR_VCPUS);
	KT_ASSERT(t, err == 0, "expected every create and delete to succeed, saw %d", err);
	KT_ASSERT(t, reason[0] == VCPU_EXIT_BUDGET && reason[mover] == VCPU_EXIT_BUDGET,
		  "expected both writers to stop at budget exits, saw exits %ld and %ld", reason[0],
		  reason[mover]);
	KT_ASSERT(t, moves >= MIN_MIGRATIONS, "expected at least %d moves, saw %u", MIN_MIGRATIONS,
		  moves);
	KT_ASSERT(t, m.progress[0] > before[0] && m.progress[mover] > before[mover],
		  "expected both writers to progress, saw %llu -> %llu and %llu -> %llu", before[0],
		  m.progress[0], before[mover], m.progress[mover]);
	KT_ASSERT(t, m.v[1]->exit_count[EXIT_REASON_CPUID] == 0 && m.v[1]->cpu == -1,
		  "expected vCPU 1 never to run");
	if (!writers_intact(t, &m))
		return;
	vm_destroy(m.vm);
}

static u64 alloc_tag(unsigned int cpu, int round, int j)
{
	return (u64)cpu << 48 | (u64)round << 16 | (u64)j;
}

static void tag_fill(u64 *p, u64 tag)
{
	for (int w = 0; w < ALLOC_TAG_WORDS; w++)
		p[w] = tag + w;
}

static bool tag_intact(const u64 *p, u64 tag)
{
	for (int w = 0; w < ALLOC_TAG_WORDS; w++) {
		if (READ_ONCE(p[w]) != tag + w)
			return false;
	}
	return true;
}

/*
 * One CPU's share of smp.multi.alloc: rounds of ALLOC_BATCH frames and
 * small blocks, each tagged with (CPU, round, index), checked, freed.  A
 * block handed to two CPUs at once shows as a tag the other CPU changed.
 * 0, -ENOMEM, or -EIO for a changed tag.
 */
static long alloc_hammer(void *arg)
{
	unsigned int cpu = this_cpu()->id;
	void *frames[ALLOC_BATCH], *small[ALLOC_BATCH];
	long err = 0;

	for (int round = 0; round < ALLOC_ROUNDS && !err; round++) {
		int n = 0;

		for (; n < ALLOC_BATCH; n++) {
			frames[n] = frame_alloc(ORDER_4K);
			small[n] = kmalloc(ALLOC_SMALL);
			if (!frames[n] || !small[n])
				break;
			tag_fill(frames[n], alloc_tag(cpu, round, n));
			tag_fill(small[n], ~alloc_tag(cpu, round, n));
		}
		if (n < ALLOC_BATCH)
			err = -ENOMEM;
		for (int j = 0; j < n; j++) {
			if (!tag_intact(frames[j], alloc_tag(cpu, round, j)) ||
			    !tag_intact(small[j], ~alloc_tag(cpu, round, j)))
				err = -EIO;
		}
		for (int j = 0; j < MIN(n + 1, ALLOC_BATCH); j++) {
			if (frames[j])
				frame_free(frames[j]);
			kfree(small[j]);
		}
	}
	return err;
}

/*
 * The frame allocator and kmalloc on every CPU at once, as the BSP (slot
 * backing, slot structures) and vCPUs' fault paths on APs (EPT tables,
 * rmap descriptors) use them: no block goes to two CPUs, none is lost.
 */
KTEST(test_smp_multi_alloc, "smp.multi.alloc")
{
	struct frame_stats st0, st1;
	long err[MAX_CPUS] = { 0 };

	if (nr_cpus < 2) {
		ktest_skip(t, "one CPU online (Bochs runs this with cpu: count=2 and 4)");
		return;
	}
	frame_get_stats(&st0);
	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
		smp_call_async(cpu, alloc_hammer, NULL);
	err[0] = alloc_hammer(NULL);
	for (unsigned int cpu = 1; cpu < nr_cpus; cpu++)
		err[cpu] = smp_wait(cpu);
	frame_get_stats(&st1);
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		KT_ASSERT(t, err[cpu] == 0, "expected CPU %u's blocks to stay its own, saw %ld", cpu,
			  err[cpu]);
	KT_ASSERT(t, st1.free_frames == st0.free_frames,
		  "expected every frame back (%llu free), saw %llu", st0.free_frames, st1.free_frames);
}
