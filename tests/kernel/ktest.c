/* The in-hypervisor test runner (see include/ktest.h). */
#include <stdarg.h>

#include "ktest.h"
#include "lib/glob.h"
#include "lib/printf.h"
#include "lib/string.h"

extern const struct ktest __ktests_start[], __ktests_end[];

static void ktest_note(struct ktest_ctx *t, const char *fmt, va_list ap)
{
	if (t->msg[0] == '\0')
		kvsnprintf(t->msg, sizeof(t->msg), fmt, ap);
}

void ktest_fail(struct ktest_ctx *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktest_note(t, fmt, ap);
	va_end(ap);
	t->failed = true;
}

void ktest_skip(struct ktest_ctx *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktest_note(t, fmt, ap);
	va_end(ap);
	t->skipped = true;
}

#define KTEST_MAX 512

/* Tests run in name order, whatever order the linker gathered them in. */
static unsigned int ktest_sorted(const struct ktest **out)
{
	unsigned int n = 0;

	for (const struct ktest *k = __ktests_start; k < __ktests_end && n < KTEST_MAX; k++) {
		unsigned int i = n++;

		while (i > 0 && strcmp(out[i - 1]->name, k->name) > 0) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = k;
	}
	return n;
}

int ktest_run(const char *globs)
{
	static const struct ktest *tests[KTEST_MAX];
	unsigned int nr = ktest_sorted(tests);
	int total = 0, failed = 0, skipped = 0;

	for (unsigned int i = 0; i < nr; i++) {
		const struct ktest *k = tests[i];
		struct ktest_ctx t = { .name = k->name };

		if (!glob_match_list(globs, k->name))
			continue;
		total++;
		kprintf("ktest: running %s\n", k->name);
		k->fn(&t);
		if (t.failed) {
			failed++;
			kprintf("FAIL: %s: %s\n", k->name, t.msg);
		} else if (t.skipped) {
			skipped++;
			kprintf("SKIP: %s: %s\n", k->name, t.msg);
		} else {
			kprintf("PASS: %s\n", k->name);
		}
	}
	if (total == 0)
		kprintf("ktest: no test matches \"%s\"\n", globs);
	kprintf("SUMMARY: %d tests, %d unexpected failures, %d skipped\n", total,
		failed, skipped);
	return total == 0 ? 1 : failed;
}
