/* Helpers shared by the in-hypervisor VMX scenarios. */
#include "lib/errno.h"
#include "loader/guest_images.h"
#include "loader/load.h"
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "ktest_vmx.h"
#include "remote_run.h"
#include "vmx/caps.h"
#include "vmx/vmx.h"

bool ktest_need_vmx(struct ktest_ctx *t)
{
	const char *why = "";
	struct vmx_caps caps;

	if (!(cpuid(1).ecx & CPUID_1_ECX_VMX)) {
		ktest_skip(t, "this CPU has no VT-x (CPUID.1:ECX.VMX = 0)");
		return false;
	}
	/* VT-x without what slotvisor needs (Penryn: no EPT) is absent hardware too. */
	if (vmx_detect(&caps, &why) == -ENODEV) {
		ktest_skip(t, "%s", why);
		return false;
	}
	if (vmx_cpu_enable(&why)) {
		ktest_fail(t, "expected VMXON to succeed, saw: %s", why);
		return false;
	}
	return true;
}

bool ktest_need_ap_vmx(struct ktest_ctx *t)
{
	if (nr_cpus < 2) {
		ktest_skip(t, "one CPU online (Bochs runs this with cpu: count=2)");
		return false;
	}
	if (!ktest_need_vmx(t))
		return false;
	if (vmm_enable_vmx_on(1)) {
		ktest_fail(t, "expected VMXON on CPU 1");
		return false;
	}
	return true;
}

static struct vm *guest64(struct ktest_ctx *t, const char *image, u64 mem_size, int pml,
			  struct vcpu **v)
{
	struct vm *vm;
	int err;

	if (!ktest_need_vmx(t))
		return NULL;
	if (pml > 0 && !vmx_pml_supported()) {
		ktest_skip(t, "this CPU has no PML (enable PML control or EPT A/D flags)");
		return NULL;
	}
	vm = vm_create(image);
	if (!vm) {
		ktest_fail(t, "expected a VM, saw out of memory");
		return NULL;
	}
	if (pml >= 0)
		vm_set_dirty_log_pml(vm, pml);
	err = vm_load_guest64(vm, image, mem_size, v);
	if (err) {
		ktest_fail(t, "expected guest %s to load, saw error %d", image, err);
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}

struct vm *ktest_guest64(struct ktest_ctx *t, const char *image, u64 mem_size, struct vcpu **v)
{
	return guest64(t, image, mem_size, -1, v);
}

struct vm *ktest_guest64_dirty(struct ktest_ctx *t, const char *image, u64 mem_size, bool pml,
			       struct vcpu **v)
{
	return guest64(t, image, mem_size, pml, v);
}

const char *ktest_exit_name(const struct vcpu *v)
{
	return vcpu_exit_name(v);
}

bool ktest_expect_sync(struct ktest_ctx *t, struct vcpu *v, u64 budget, u64 stage, u64 *value)
{
	struct ucall uc;
	int cmd = vm_run(v, budget, &uc);

	if (cmd == UCALL_SYNC && uc.args[0] == stage) {
		*value = uc.args[1];
		return true;
	}
	ktest_fail(t, "expected SYNC %llu, saw %d (%s)%s%s", stage, cmd, ktest_exit_name(v),
		   cmd == UCALL_ABORT ? ": " : "", cmd == UCALL_ABORT ? uc.buffer : "");
	return false;
}

bool ktest_only_churn_exits(struct ktest_ctx *t, const struct vcpu *v)
{
	for (u32 r = 0; r < EXIT_REASON_MAX; r++) {
		if (!v->exit_count[r] || r == EXIT_REASON_EPT_VIOLATION ||
		    r == EXIT_REASON_EXTERNAL_INTERRUPT || r == EXIT_REASON_PREEMPTION_TIMER ||
		    (r == EXIT_REASON_CPUID && v->exit_count[r] == 1))
			continue;
		ktest_fail(t, "expected only EPT, kick and budget exits (and one CPUID) from vCPU %u, "
			      "saw %llu x %s", v->id, v->exit_count[r], exit_reason_name(r));
		return false;
	}
	return true;
}

struct vm *ktest_load_kernel(struct ktest_ctx *t, const char *name,
			     const struct vm_kernel_args *args, struct vcpu **v)
{
	const struct guest_image *g = guest_image_find(name);
	struct vm *vm;
	int err;

	if (!ktest_need_vmx(t))
		return NULL;
	if (!g) {
		ktest_fail(t, "expected the embedded guest %s", name);
		return NULL;
	}
	vm = vm_create(name);
	if (!vm) {
		ktest_fail(t, "expected a VM");
		return NULL;
	}
	err = vm_load_kernel(vm, g->start, g->end - g->start, args, v);
	if (err) {
		ktest_fail(t, "expected %s to load, saw %s", name, errno_name(err));
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}
