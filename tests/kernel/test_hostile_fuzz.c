/*
 * hostile.fuzz: random instruction streams (guests/hostile_fuzz.c), a batch
 * in each of a row of fresh VMs with every device (xAPIC, pc-testdev,
 * virtio), each VM within a budget, the host checked after each as after
 * every hostile VM.  The command line picks the run:
 *   slotvisor.seed=S       the run's seed (default HOSTILE_FUZZ_SEED)
 *   slotvisor.fuzz_vm=K    the first VM's index (default 0)
 *   slotvisor.fuzz_vms=N   how many VMs (default HOSTILE_FUZZ_VMS)
 * VM K's streams depend on S and K alone, so "slotvisor.seed=S
 * slotvisor.fuzz_vm=K slotvisor.fuzz_vms=1" replays exactly that VM; each
 * verdict line prints it.  A VM ends cleanly when every stream ran, or by
 * its budget (a stream that spins, or halts with interrupts off), a halt,
 * a triple fault or a named internal error (a stream that broke what the
 * guest needs to go on); a failed VM entry, a host MSR changed, a frame
 * not given back or a sanity guest that fails is a failure, printed with
 * the seed (tests/fuzz/run-hostile-fuzz.sh makes it a FAIL: fuzz.hostile
 * line with the command that replays it).
 */
#include "arch/x86/setup.h"
#include "hostile.h"
#include "hostile_abi.h"
#include "lib/cmdline.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "lib/string.h"

#define HOSTILE_FUZZ_SEED 1
#define HOSTILE_FUZZ_VMS 3
#define HOSTILE_FUZZ_STREAMS 200			/* per VM */
#define HOSTILE_FUZZ_BUDGET 200000000ULL	/* per VM: 2 s at Bochs' 100 M ticks a second */
#define ALL_DEVICES (HOSTILE_LAPIC | HOSTILE_TESTDEV | HOSTILE_VIRTIO)
#define NAME_LEN 96
#define VERDICT_LEN 320

static u64 fuzz_option(const char *key, u64 fallback)
{
	char buf[32];
	u64 v;

	if (!cmdline_get(boot_info.cmdline, key, buf, sizeof(buf)) || parse_size(buf, &v))
		return fallback;
	return v;
}

/* VM k's seed: a SplitMix64 step of (seed, k), so that neighbouring VMs differ in every bit. */
static u64 fuzz_vm_seed(u64 seed, u64 k)
{
	u64 z = seed + (k + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* How the VM ended, for its verdict; false (the test failed) for an end that is a bug. */
static bool fuzz_how(struct hostile *h, const struct hostile_arg *arg, char *buf, size_t len)
{
	const struct vcpu_exit *e = &h->v->exit;

	if (e->reason == VCPU_EXIT_HLT && arg->finished &&
	    arg->streams_done == HOSTILE_FUZZ_STREAMS) {
		ksnprintf(buf, len, "every stream ran, ending with vectors 0x%llx",
			  (unsigned long long)arg->vectors);
		return true;
	}
	switch (e->reason) {
	case VCPU_EXIT_BUDGET:
		ksnprintf(buf, len, "its budget ran out");
		return true;
	case VCPU_EXIT_HLT:
		ksnprintf(buf, len, "a HLT no interrupt can end");
		return true;
	case VCPU_EXIT_SHUTDOWN:
		ksnprintf(buf, len, "a triple fault");
		return true;
	case VCPU_EXIT_INTERNAL_ERROR:
		ksnprintf(buf, len, "an internal error: %s", e->internal.msg);
		return true;
	default:
		ksnprintf(buf, len, "%s", ktest_exit_name(h->v));
		return false;
	}
}

static void fuzz_one_vm(struct ktest_ctx *t, u64 seed, u64 k)
{
	static char name[NAME_LEN];
	char how[VERDICT_LEN - NAME_LEN], verdict[VERDICT_LEN], count[NAME_LEN];
	struct hostile_arg *arg;
	struct hostile h;
	u64 done;

	ksnprintf(name, sizeof(name), "fuzz: seed %llu vm %llu", seed, k);
	if (!hostile_begin(t, &h, name, "hostile_fuzz", MiB(4), ALL_DEVICES))
		return;
	arg = vm_gpa_to_hva(h.vm, HOSTILE_ARG_GPA);
	KT_ASSERT(t, arg, "%s: expected RAM at the argument's gpa", name);
	*arg = (struct hostile_arg){ .seed = fuzz_vm_seed(seed, k),
				     .streams = HOSTILE_FUZZ_STREAMS };
	h.vm->no_ucall = true;	/* the guest makes none: a stream cannot forge one */
	KT_ASSERT(t, hostile_run(&h, HOSTILE_FUZZ_BUDGET) == 0, "%s: expected no ucall", name);
	done = arg->streams_done;
	KT_ASSERT(t, fuzz_how(&h, arg, how, sizeof(how)),
		  "%s: expected the VM to end cleanly or by a named error, saw %s "
		  "(replay: slotvisor.seed=%llu slotvisor.fuzz_vm=%llu slotvisor.fuzz_vms=1)",
		  name, how, seed, k);
	/* The count is in the guest's RAM, where a stream may have written. */
	if (done <= HOSTILE_FUZZ_STREAMS)
		ksnprintf(count, sizeof(count), "%llu streams", done);
	else
		ksnprintf(count, sizeof(count), "? streams (a stream overwrote the count: 0x%llx)",
			  done);
	ksnprintf(verdict, sizeof(verdict), "%s; ended by %s (replay: slotvisor.seed=%llu "
		  "slotvisor.fuzz_vm=%llu slotvisor.fuzz_vms=1)", count, how, seed, k);
	hostile_end(&h, verdict);
}

/*
 * What the fuzzer found, replayed on every run: each seed and VM with what
 * it did.  The streams are the generator's (guests/hostile_fuzz.c): a
 * change there changes them, and these are then found again.
 */
static const struct {
	u64 seed, vm;
	const char *what;
} fuzz_found[] = {
	{ 5, 4, "a stream ran into the guest library's guest_exception() and its ucall: a "
		"forged assertion, before the fuzz VM had no ucall port" },
};

KTEST(test_hostile_fuzz_found, "hostile.fuzz.found")
{
	for (unsigned int i = 0; i < ARRAY_SIZE(fuzz_found); i++) {
		kprintf("hostile: fuzz.found: seed %llu vm %llu: %s\n", fuzz_found[i].seed,
			fuzz_found[i].vm, fuzz_found[i].what);
		fuzz_one_vm(t, fuzz_found[i].seed, fuzz_found[i].vm);
	}
}

KTEST(test_hostile_fuzz, "hostile.fuzz")
{
	u64 seed = fuzz_option("slotvisor.seed", HOSTILE_FUZZ_SEED);
	u64 first = fuzz_option("slotvisor.fuzz_vm", 0);
	u64 vms = fuzz_option("slotvisor.fuzz_vms", HOSTILE_FUZZ_VMS);

	for (u64 k = first; k < first + vms; k++)
		fuzz_one_vm(t, seed, k);
}
