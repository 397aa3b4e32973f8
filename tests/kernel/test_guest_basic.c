/*
 * The first guests: a 64-bit guest runs under EPT and exits for CPUID
 * (handled inside vmx/), port I/O (its COM1 output), HLT and ucalls.
 */
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "ktest_vmx.h"
#include "lib/string.h"

KTEST(test_guest_hello64, "guest.hello64")
{
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "hello64", MiB(4), &v);
	int cmd;

	if (!vm)
		return;
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 1,
		  "expected SYNC 1, saw ucall %d (%s exit)", cmd, ktest_exit_name(v));
	KT_ASSERT(t, !strcmp(vm->last_line, "hello from a 64-bit guest"),
		  "expected the guest's line on COM1, saw \"%s\"", vm->last_line);
	KT_ASSERT(t, !(uc.args[1] & CPUID_1_ECX_VMX) && (uc.args[1] & CPUID_1_ECX_HYPERVISOR),
		  "expected CPUID.1:ECX without VMX and with the hypervisor bit, saw 0x%llx",
		  (u64)uc.args[1]);
	KT_ASSERT(t, v->exit_count[EXIT_REASON_CPUID] >= 1, "expected a CPUID exit, saw none");
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == 0 && v->exit.reason == VCPU_EXIT_HLT,
		  "expected a HLT exit, saw ucall %d / %s", cmd, ktest_exit_name(v));
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == 2, "expected SYNC 2, saw ucall %d", cmd);
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == UCALL_DONE, "expected DONE, saw ucall %d (%s exit)", cmd,
		  ktest_exit_name(v));
	KT_ASSERT(t, v->exit_count[EXIT_REASON_EPT_VIOLATION] >= 1,
		  "expected the guest's memory to fault in through EPT, saw no EPT violation");
	vm_destroy(vm);
}

KTEST(test_guest_real_mode, "guest.real-mode")
{
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm;
	int err, cmd;

	if (!ktest_need_vmx(t))
		return;
	vm = vm_create("real16");
	KT_ASSERT(t, vm, "expected a VM");
	err = vm_load_guest_real(vm, "real16", MiB(1), &v);
	KT_ASSERT(t, err == 0, "expected the real-mode guest to load, saw %d", err);
	cmd = vm_run(v, 0, &uc);
	KT_ASSERT(t, cmd == UCALL_DONE, "expected DONE, saw ucall %d (%s)", cmd, ktest_exit_name(v));
	KT_ASSERT(t, !strcmp(vm->last_line, "hello from a real-mode guest"),
		  "expected the guest's COM1 line, saw \"%s\"", vm->last_line);
	vm_destroy(vm);
}
