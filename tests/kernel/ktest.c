/* The in-hypervisor test runner (see include/ktest.h). */
#include <stdarg.h>

#include "ktest.h"
#include "lib/panic.h"
#include "remote_run.h"
#include "vm/vm.h"
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

/* The test running now (its VMs are tracked), or NULL. */
static struct ktest_ctx *ktest_current;

void ktest_abort(struct ktest_ctx *t)
{
	remote_run_stop_all();
	__builtin_longjmp(t->abort_buf, 1);
}

/*
 * The test image links with --wrap=vm_create,--wrap=vm_destroy: every VM a
 * test makes is tracked until it is destroyed, so that the runner can
 * destroy what a test left behind, failed or not.
 */
struct vm *__real_vm_create(const char *name);
void __real_vm_destroy(struct vm *vm);

struct vm *__wrap_vm_create(const char *name)
{
	struct vm *vm = __real_vm_create(name);
	struct ktest_ctx *t = ktest_current;

	if (vm && t) {
		if (t->nr_vms == KTEST_MAX_VMS)
			panic("ktest: %s made more than %d VMs", t->name, KTEST_MAX_VMS);
		t->vms[t->nr_vms++] = vm;
	}
	return vm;
}

void __wrap_vm_destroy(struct vm *vm)
{
	struct ktest_ctx *t = ktest_current;

	for (unsigned int i = 0; t && i < t->nr_vms; i++) {
		if (t->vms[i] == vm) {
			t->vms[i] = t->vms[--t->nr_vms];
			break;
		}
	}
	__real_vm_destroy(vm);
}

/* A test that passed yet left VMs behind leaks them: that is a failure too. */
static void ktest_destroy_leftover_vms(struct ktest_ctx *t)
{
	unsigned int n = t->nr_vms;

	while (t->nr_vms)
		__real_vm_destroy(t->vms[--t->nr_vms]);
	if (n)
		kprintf("ktest: %s: destroyed %u VM(s) it left\n", t->name, n);
	if (n && !t->failed && !t->skipped)
		ktest_fail(t, "expected the test to destroy its VMs, %u left", n);
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
		ktest_current = &t;
		if (__builtin_setjmp(t.abort_buf) == 0)
			k->fn(&t);
		ktest_current = NULL;
		ktest_destroy_leftover_vms(&t);
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
