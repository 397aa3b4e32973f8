/*
 * The runner's own contract, checked by the qemu_ktest_contract boot case
 * (tests/boot-cases.sh), which expects both of these to FAIL: a failed
 * assertion in a helper ends the test there, and the runner destroys the
 * VMs a test leaves, failing a test that passed but leaked one.  Excluded
 * from every other run (-selftest.*).
 */
#include "ktest.h"
#include "lib/printf.h"
#include "vm/vm.h"

static void helper_that_fails(struct ktest_ctx *t)
{
	KT_ASSERT(t, false, "expected nothing, saw the helper's assertion fail (on purpose)");
	kprintf("selftest: after the assertion (must not be printed)\n");
}

KTEST(test_selftest_assert_in_helper, "selftest.assert-in-helper-ends-the-test")
{
	struct vm *vm = vm_create("selftest");

	KT_ASSERT(t, vm, "expected a VM, saw NULL");
	helper_that_fails(t);
	kprintf("selftest: after the helper (must not be printed)\n");
	vm_destroy(vm);
}

KTEST(test_selftest_leak, "selftest.leaked-vm-is-a-failure")
{
	struct vm *vm = vm_create("leaked");

	KT_ASSERT(t, vm, "expected a VM, saw NULL");
}
