/*
 * Virtual-interrupt delivery is used only where the CPU re-delivers an
 * interrupt whose delivery a VM exit interrupted (vm/vid_probe.c):
 *
 * guest.vid-probe.verdict runs the probe's VM again with the CPU's
 * virtual-interrupt delivery forced on: its guest must end with one of
 * the two outcomes the probe knows (each handler once; or the interrupt
 * lost and the NMI before it delivered again, Bochs' way), and the
 * verdict the first VM got must be that of this run.
 *
 * guest.vid-probe.default runs the same guest as any VM is made now: its
 * interrupt, whose delivery exits on a stack page not yet mapped, must
 * arrive exactly once and nothing else in its place, whatever the CPU.
 * On Bochs that holds only because the probe turned delivery off: with
 * the verdict forced to trusted (the negative control, docs/vmx.md) the
 * interrupt's handler never runs and the NMI's runs twice, which is
 * what SMP Linux died of under dirty logging.
 */
#include "ktest_vmx.h"
#include "lib/printf.h"
#include "vm/ucall_abi.h"
#include "vm/vm.h"

static bool vid_probe_needed(struct ktest_ctx *t)
{
	if (!ktest_need_vmx(t))
		return false;
	if (!vmx_vid_supported()) {
		ktest_skip(t, "this CPU has no virtual-interrupt delivery (or no APIC virtualization)");
		return false;
	}
	vm_destroy(vm_create("vid-probe-first"));	/* the first VM has the verdict made */
	return true;
}

static void report(const char *how, const struct vm_vid_probe *p)
{
	kprintf("vid-probe: %s: delivery %s, ucall %d, the interrupt's handler ran %u times, "
		"the NMI's %u, %llu EPT violations\n", how, p->vid_used ? "by the CPU" : "by the VMM",
		p->cmd, p->vid_runs, p->nmi_runs, p->ept_violations);
}

KTEST(test_guest_vid_probe_verdict, "guest.vid-probe.verdict")
{
	enum vmx_vid_verdict verdict;
	struct vm_vid_probe p;
	bool lost;

	if (!vid_probe_needed(t))
		return;
	verdict = vmx_vid_verdict();
	KT_ASSERT(t, verdict != VMX_VID_UNTESTED, "expected a verdict after the first VM");
	KT_ASSERT(t, vm_vid_probe_run(true, &p) == 0, "expected the probe's VM to be made");
	report("the probe again", &p);
	KT_ASSERT(t, p.vid_used, "expected the probe's vCPU to have virtual-interrupt delivery");
	lost = p.cmd == UCALL_DONE && p.vid_runs == 0 && p.nmi_runs == 2;
	KT_ASSERT(t, p.right || lost, "expected each handler once, or the interrupt lost and "
		  "the NMI delivered again; saw ucall %d, %u and %u runs", p.cmd, p.vid_runs,
		  p.nmi_runs);
	KT_ASSERT(t, p.trusted == (verdict == VMX_VID_TRUSTED), "expected the first VM's verdict "
		  "(%s) from this run too", verdict == VMX_VID_TRUSTED ? "trusted" : "broken");
}

KTEST(test_guest_vid_probe_default, "guest.vid-probe.default")
{
	struct vm_vid_probe p;

	if (!vid_probe_needed(t))
		return;
	KT_ASSERT(t, vm_vid_probe_run(false, &p) == 0, "expected the probe's VM to be made");
	report("as any VM", &p);
	KT_ASSERT(t, p.vid_used == (vmx_vid_verdict() == VMX_VID_TRUSTED),
		  "expected virtual-interrupt delivery exactly where the verdict trusts it");
	KT_ASSERT(t, p.right, "expected the interrupt whose delivery exited to arrive once and "
		  "nothing in its place; saw ucall %d, its handler %u runs, the NMI's %u", p.cmd,
		  p.vid_runs, p.nmi_runs);
}
