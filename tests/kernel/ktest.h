/*
 * In-hypervisor tests, selected with slotvisor.test=GLOB[,GLOB...] and
 * reported in kvm-unit-tests form: "PASS: name", "FAIL: name: what was
 * expected, what was seen", "SKIP: name: why", then one SUMMARY line.
 *
 *   KTEST(mm_alloc_align, "mm.alloc.align")
 *   {
 *           void *p = frame_alloc(ORDER_2M);
 *           KT_ASSERT(t, p, "a 2 MiB block, got NULL");
 *           ...
 *   }
 */
#pragma once

#include "compiler.h"
#include "types.h"

#define KTEST_MAX_VMS 8

struct ktest_ctx {
	const char *name;
	bool failed;
	bool skipped;
	char msg[512];
	void *abort_buf[5];	/* __builtin_setjmp's buffer: where ktest_abort() lands */
	/* The VMs the test made and has not destroyed (vm_create() is wrapped). */
	struct vm *vms[KTEST_MAX_VMS];
	unsigned int nr_vms;
};

/* 16-byte aligned, as GCC aligns these objects: the table has no padding holes. */
struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *t);
} __aligned(16);

#define KTEST(id, test_name)                                                 \
	static void id(struct ktest_ctx *t);                                 \
	static const struct ktest __ktest_##id __used __section(".ktests") = { \
		.name = test_name,                                           \
		.fn = id,                                                    \
	};                                                                   \
	static void id(struct ktest_ctx *t)

/* Record a failure (the first one's message is kept); the test goes on (KT_ASSERT ends it). */
void ktest_fail(struct ktest_ctx *t, const char *fmt, ...) __printf(2, 3);
/* Mark the test skipped with a reason. */
void ktest_skip(struct ktest_ctx *t, const char *fmt, ...) __printf(2, 3);

/*
 * End the running test at once, from the test or any helper it called:
 * vCPUs still running on APs for it (tests/kernel/remote_run.c) are
 * stopped and put, then control goes back to the runner, which destroys
 * every VM the test made and did not destroy, and reports the test.
 */
__noreturn void ktest_abort(struct ktest_ctx *t);

/*
 * The assertion contract: if cond is false, record the failure ("expected
 * ..., saw ...", the first one's message is kept) and end the test there
 * (ktest_abort()), wherever the assertion is: a helper's failed assertion
 * ends its caller too, so no caller re-checks t->failed.  The test's VMs
 * are destroyed by the runner, failed or not.
 */
#define KT_ASSERT(t, cond, ...)                   \
	do {                                      \
		if (!(cond)) {                    \
			ktest_fail(t, __VA_ARGS__); \
			ktest_abort(t);           \
		}                                 \
	} while (0)

/* Compare two integers; the message names the expression and both values. */
#define KT_ASSERT_EQ(t, seen, expected)                                          \
	do {                                                                     \
		u64 __s = (u64)(seen), __e = (u64)(expected);                    \
		if (__s != __e) {                                                \
			ktest_fail(t, "expected %s == 0x%llx, saw 0x%llx", #seen, \
				   (unsigned long long)__e, (unsigned long long)__s); \
			ktest_abort(t);                                          \
		}                                                                \
	} while (0)

/*
 * Run the tests whose names match the comma-separated globs; print their
 * result lines and the SUMMARY line.  Returns the number of failures.
 */
int ktest_run(const char *globs);
