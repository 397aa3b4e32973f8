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

struct ktest_ctx {
	const char *name;
	bool failed;
	bool skipped;
	char msg[256];
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

/* Record a failure (the first one's message is kept); the test goes on. */
void ktest_fail(struct ktest_ctx *t, const char *fmt, ...) __printf(2, 3);
/* Mark the test skipped with a reason. */
void ktest_skip(struct ktest_ctx *t, const char *fmt, ...) __printf(2, 3);

/* Fail with "expected ..., saw ..." style message and return from the test. */
#define KT_ASSERT(t, cond, ...)                   \
	do {                                      \
		if (!(cond)) {                    \
			ktest_fail(t, __VA_ARGS__); \
			return;                   \
		}                                 \
	} while (0)

/* Compare two integers; the message names the expression and both values. */
#define KT_ASSERT_EQ(t, seen, expected)                                          \
	do {                                                                     \
		u64 __s = (u64)(seen), __e = (u64)(expected);                    \
		if (__s != __e) {                                                \
			ktest_fail(t, "expected %s == 0x%llx, saw 0x%llx", #seen, \
				   (unsigned long long)__e, (unsigned long long)__s); \
			return;                                                  \
		}                                                                \
	} while (0)

/*
 * Run the tests whose names match the comma-separated globs; print their
 * result lines and the SUMMARY line.  Returns the number of failures.
 */
int ktest_run(const char *globs);
