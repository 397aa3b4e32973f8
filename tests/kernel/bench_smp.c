/*
 * `make bench`'s remote-flush figures (slotvisor.bench=smp, Bochs with 4
 * CPUs): ticks per DELETE of a one-page slot, from the call to its return
 * (which waits for the last acknowledgement), with 0, 1, 2 and 3 of the
 * VM's vCPUs running the writer guest on CPUs 1-3.  Each running vCPU must
 * be kicked out of its guest; the kicks go out together, then the caller
 * waits for each.  The share of the VM's request hook (set the bits, kick,
 * wait for the last acknowledgement) is timed by wrapping kvm->request_all;
 * the rest is mostly zapping the root the running vCPUs filled again
 * (measured: ~117,500 of ~121,600 ticks with 1-3 running).  In
 * Bochs the TSC counts instructions of the calling CPU.
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "arch/x86/smp.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "bench.h"
#include "vm/vm.h"
#include "remote_run.h"

#define BENCH_VCPUS 3
#define CHURN_GPA 0x8000000ULL
#define REGION_GPA 0x1000000ULL
#define REGION_STRIDE MiB(2)	/* vCPU i's region, one 2M leaf (guests/writer.c) */
#define PROGRESS_GPA 0x300000ULL	/* word i: vCPU i's finished rounds */
#define ROUNDS 200
#define RUN_BUDGET 2000000

/* The VM's own request hook (vmx_request_all), and the ticks spent in it. */
static void (*request_all_hook)(struct kvm *kvm, unsigned int req);
static u64 request_all_ticks;

static void timed_request_all(struct kvm *kvm, unsigned int req)
{
	u64 t0 = rdtsc();

	request_all_hook(kvm, req);
	request_all_ticks += rdtsc() - t0;
}

struct bench_smp {
	struct vm *vm;
	struct vcpu *v[BENCH_VCPUS];
	struct vmm_remote_run run[BENCH_VCPUS];
	unsigned int nr_vcpus;	/* as many as there are APs, at most BENCH_VCPUS */
	volatile u64 *progress;
	hva_t page;		/* backs the churn slot */
};

/* Wait until each of the first `running` writers finished another round: back in its guest. */
static void wait_running(struct bench_smp *b, unsigned int running)
{
	for (unsigned int i = 0; i < running; i++) {
		u64 seen = READ_ONCE(b->progress[i]);

		while (READ_ONCE(b->progress[i]) < seen + 2)
			cpu_relax();
	}
}

/*
 * Mean ticks of a DELETE (after a CREATE) of a one-page slot, and in
 * *hook the mean of those spent in request_all; each DELETE waits until
 * the running vCPUs are back in their guests.
 */
static u64 delete_ticks(struct bench_smp *b, unsigned int running, u64 *hook)
{
	struct kvm_userspace_memory_region r = {
		.slot = 2 + BENCH_VCPUS, .guest_phys_addr = CHURN_GPA, .userspace_addr = b->page,
	};
	u64 total = 0, in_hook = 0;

	for (int i = 0; i < ROUNDS; i++) {
		u64 t0;

		r.memory_size = KiB(4);
		kvm_set_memory_region(&b->vm->kvm, &r);
		r.memory_size = 0;
		wait_running(b, running);
		request_all_ticks = 0;
		t0 = rdtsc();
		kvm_set_memory_region(&b->vm->kvm, &r);
		total += rdtsc() - t0;
		in_hook += request_all_ticks;
	}
	*hook = in_hook / ROUNDS;
	return total / ROUNDS;
}

/* The VM: the writer on nr_vcpus vCPUs, region i as slot i + 1, VMX on in CPUs 1..nr_vcpus. */
static int bench_setup(struct bench_smp *b)
{
	int err;

	b->vm = vm_create("bench-smp");
	err = b->vm ? vm_load_guest64(b->vm, "writer", MiB(4), &b->v[0]) : -ENOMEM;
	for (unsigned int i = 1; i < b->nr_vcpus && !err; i++)
		err = vm_add_vcpu64(b->vm, &b->v[i]);
	for (unsigned int i = 0; i < b->nr_vcpus && !err; i++) {
		err = vmm_enable_vmx_on(i + 1);
		err = err ?: vm_add_memory(b->vm, i + 1, REGION_GPA + i * REGION_STRIDE,
					   REGION_STRIDE, 0, NULL);
	}
	err = err ?: memslot_backing_alloc(&b->vm->kvm, KiB(4), &b->page);
	if (err)
		return err;
	b->progress = vm_gpa_to_hva(b->vm, PROGRESS_GPA);
	/* After the last vcpu_create(), which installs the hook. */
	request_all_hook = b->vm->kvm.request_all;
	b->vm->kvm.request_all = timed_request_all;
	for (unsigned int i = 0; i < b->nr_vcpus; i++)
		vcpu_put(b->v[i]);
	return 0;
}

static u64 kicks_sent(const struct bench_smp *b)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < b->nr_vcpus; i++)
		sum += b->v[i]->kicks_sent;
	return sum;
}

static void bench_report(unsigned int running, u64 ticks, u64 hook_ticks, u64 kicks)
{
	char cpus[16];

	if (!running) {
		kprintf("bench: DELETE of a 1-page slot, 0 vCPUs running (none to kick): %llu ticks "
			"(mean of %d), %llu of them in request_all\n", ticks, ROUNDS, hook_ticks);
		return;
	}
	ksnprintf(cpus, sizeof(cpus), running == 1 ? "CPU 1" : "CPUs 1-%u", running);
	kprintf("bench: DELETE of a 1-page slot, %u vCPU%s running on %s: %llu ticks (mean of %d), "
		"%llu of them in request_all (kick, wait for the last acknowledgement); %llu kicks "
		"sent\n", running, running == 1 ? "" : "s", cpus, ticks, ROUNDS, hook_ticks, kicks);
}

int bench_smp_run(void)
{
	struct bench_smp b = { .nr_vcpus = MIN(nr_cpus - 1, BENCH_VCPUS) };
	int err;

	if (nr_cpus < 2) {
		kprintf("bench: the remote-flush figures need at least two CPUs with VT-x\n");
		return -ENODEV;
	}
	err = bench_setup(&b);
	if (err) {
		kprintf("bench: setup failed: %d\n", err);
		vm_destroy(b.vm);
		return err;
	}
	for (unsigned int running = 0; running <= b.nr_vcpus; running++) {
		u64 kicks = kicks_sent(&b), ticks, hook;

		if (running) {
			b.run[running - 1] = (struct vmm_remote_run){ .v = b.v[running - 1],
								      .budget = RUN_BUDGET };
			smp_call_async(running, vmm_remote_run, &b.run[running - 1]);
		}
		ticks = delete_ticks(&b, running, &hook);
		bench_report(running, ticks, hook, kicks_sent(&b) - kicks);
	}
	for (unsigned int i = 0; i < b.nr_vcpus; i++)
		b.run[i].stop = true;
	for (unsigned int i = 0; i < b.nr_vcpus; i++)
		smp_wait(i + 1);
	vm_destroy(b.vm);
	return 0;
}
