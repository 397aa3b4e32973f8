/*
 * The test image's run modes (include/run_mode.h): deliberate crashes for
 * the harness's test of the exception dump, the in-hypervisor tests
 * (slotvisor.test=GLOB,...) and the benchmarks (slotvisor.bench=...).
 * They rank before the production image's modes.
 */
#include "bench.h"
#include "ktest.h"
#include "lib/cmdline.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "run_mode.h"

static char crash_what[8];
static char test_globs[512];

static bool crash_wanted(const struct boot_info *bi)
{
	return cmdline_get(bi->cmdline, "slotvisor.crash", crash_what, sizeof(crash_what));
}

/*
 * Deliberate unrecovered faults.  Not inlined, so that the dump's stack
 * trace shows the run loop as its caller.
 */
static __attribute__((noinline)) enum exit_status crash(const struct boot_info *bi)
{
	kprintf("slotvisor: crashing on purpose (slotvisor.crash=%s)\n", crash_what);
	if (!strcmp(crash_what, "ud"))
		__asm__ __volatile__("ud2");
	if (!strcmp(crash_what, "pf"))
		(void)*(volatile u64 *)0x1000;
	if (!strcmp(crash_what, "gp"))
		(void)*(volatile u64 *)0x8000000000000000ULL;
	kprintf("slotvisor: unknown slotvisor.crash value \"%s\"\n", crash_what);
	return EXIT_PANIC;
}

RUN_MODE(05, crash, .name = "crash", .wanted = crash_wanted, .run = crash);

static bool tests_wanted(const struct boot_info *bi)
{
	return cmdline_get(bi->cmdline, "slotvisor.test", test_globs, sizeof(test_globs));
}

/* Tests that need VMX turn it on themselves, so that the rest run without it. */
extern const struct boot_info *ktest_boot_info;	/* tests/kernel/linux_vm.c */

static enum exit_status tests(const struct boot_info *bi)
{
	ktest_boot_info = bi;
	return ktest_run(test_globs) ? EXIT_TESTS_FAILED : EXIT_OK;
}

RUN_MODE(10, tests, .name = "tests", .wanted = tests_wanted, .run = tests);

#define BENCH_MODE(rank, id, what, fn, says)                                          \
	static bool id##_wanted(const struct boot_info *bi)                            \
	{                                                                              \
		return cmdline_has(bi->cmdline, "slotvisor.bench=" what);              \
	}                                                                              \
	static enum exit_status id(const struct boot_info *bi)                         \
	{                                                                              \
		kprintf("slotvisor: boot complete; running the " says "\n");           \
		return fn() ? EXIT_PANIC : EXIT_OK;                                    \
	}                                                                              \
	RUN_MODE(rank, id, .name = "bench-" what, .wanted = id##_wanted, .needs_vmx = true, \
		 .run = id)

BENCH_MODE(20, bench_smp, "smp", bench_smp_run, "SMP benchmark");
BENCH_MODE(21, bench_perf, "perf", bench_perf_run, "memslot_perf benchmark");
BENCH_MODE(22, bench_vmx, "vmx", bench_vmx_run, "VMX benchmarks");

static char bench_what[16];

/* After the three: a slotvisor.bench= none of them claimed names no benchmark. */
static bool bench_unknown_wanted(const struct boot_info *bi)
{
	return cmdline_get(bi->cmdline, "slotvisor.bench", bench_what, sizeof(bench_what));
}

static enum exit_status bench_unknown(const struct boot_info *bi)
{
	kprintf("slotvisor: no benchmark named \"%s\" (slotvisor.bench=smp, perf or vmx)\n",
		bench_what);
	return EXIT_PANIC;
}

RUN_MODE(23, bench_unknown, .name = "bench-unknown", .wanted = bench_unknown_wanted,
	 .run = bench_unknown);
