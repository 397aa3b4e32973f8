/*
 * Per-VM CPUID flags (slotvisor.cpuid=, vmx/vcpu_cpuid.c): the guest's
 * CPUID shows what the flags ask, and what it lacks faults as on a CPU
 * without it (guests/cpuid_flags.c records both, this compares):
 *   x2apic hidden: WRMSR IA32_APIC_BASE with EXTD and RDMSR 0x802 #GP;
 *   pcid hidden: MOV to CR4 setting PCIDE #GP, CR4 without it;
 *   invpcid not shown: INVPCID #UD ("enable INVPCID" clear); shown: it runs.
 * Four VMs: every flag hidden; no flags (slotvisor's default CPUID,
 * unchanged: x2APIC usable, PCID where the CPU has it, INVPCID #UD); every
 * flag shown; INVPCID alone shown.  A CPU that cannot show a flag (Bochs'
 * Westmere: no PCID, no INVPCID) refuses that VM's flags by name, and that
 * run is left out.  Every mismatch is reported, not only the first, so
 * that a negative control (an enforcement disabled) shows each one it
 * breaks.
 */
#include "arch/x86/cpu.h"
#include "cpuid_flags_abi.h"
#include "ktest_vmx.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/pc.h"
#include "vmx/cpuid_flags.h"

#define RUN_BUDGET 2000000000ULL	/* TSC ticks: ends a run that waits forever */

static bool shown(const struct vcpu_cpuid_flags *f, enum vcpu_cpuid_flag flag, bool dflt)
{
	if (vcpu_cpuid_flags_hides(f, flag))
		return false;
	return dflt || vcpu_cpuid_flags_shows(f, flag);
}

#define MISMATCH_MAX 160

/* A mismatch: the test fails with the first, and each is printed. */
static void mismatch(struct ktest_ctx *t, const char *msg)
{
	kprintf("guest.cpuid-flags: mismatch: %s\n", msg);
	ktest_fail(t, "%s", msg);
}

static void expect(struct ktest_ctx *t, const char *flags, const char *what, s64 seen, s64 want)
{
	char msg[MISMATCH_MAX];

	if (seen == want)
		return;
	ksnprintf(msg, sizeof(msg), "cpuid=\"%s\": %s: expected %lld, saw %lld", flags, what, want,
		  seen);
	mismatch(t, msg);
}

static void expect_bit(struct ktest_ctx *t, const char *flags, const char *what, u64 reg, u64 bit,
		       bool want)
{
	char msg[MISMATCH_MAX];

	if (!!(reg & bit) == want)
		return;
	ksnprintf(msg, sizeof(msg), "cpuid=\"%s\": expected %s %s, saw 0x%llx", flags, what,
		  want ? "set" : "clear", reg);
	mismatch(t, msg);
}

static s64 fault_unless(bool usable, s64 vector)
{
	return usable ? CPUID_FLAGS_NO_FAULT : vector;
}

/* What the guest saw under flags, against what they ask (PCID by default where the CPU has it). */
static void check_result(struct ktest_ctx *t, const char *flags, const struct vcpu_cpuid_flags *f,
			 const struct cpuid_flags_result *r)
{
	bool host_pcid = cpuid(1).ecx & CPUID_1_ECX_PCID;
	bool x2apic = shown(f, VCPU_CPUID_X2APIC, true), pcid = shown(f, VCPU_CPUID_PCID, host_pcid);
	bool invpcid = shown(f, VCPU_CPUID_INVPCID, false);

	expect(t, flags, "the guest reached its end", r->done, 1);
	expect_bit(t, flags, "CPUID.1:ECX.x2APIC", r->cpuid1_ecx, CPUID_FLAGS_1_ECX_X2APIC, x2apic);
	expect_bit(t, flags, "CPUID.1:ECX.PCID", r->cpuid1_ecx, CPUID_FLAGS_1_ECX_PCID, pcid);
	expect_bit(t, flags, "CPUID.7:EBX.INVPCID", r->cpuid7_ebx, CPUID_FLAGS_7_EBX_INVPCID,
		   invpcid);
	expect(t, flags, "WRMSR IA32_APIC_BASE.EXTD's vector", r->extd_vector,
	       fault_unless(x2apic, CPUID_FLAGS_GP));
	expect(t, flags, "RDMSR 0x802's vector", r->x2apic_msr_vector,
	       fault_unless(x2apic, CPUID_FLAGS_GP));
	expect(t, flags, "MOV to CR4.PCIDE's vector", r->pcide_vector,
	       fault_unless(pcid, CPUID_FLAGS_GP));
	expect_bit(t, flags, "CR4.PCIDE after it", r->cr4, CPUID_FLAGS_CR4_PCIDE, pcid);
	expect(t, flags, "INVPCID's vector", r->invpcid_vector,
	       fault_unless(invpcid, CPUID_FLAGS_UD));
}

/* One VM of the guest with the CPUID flags text; false when skipped. */
static bool run_flags(struct ktest_ctx *t, const char *flags)
{
	struct cpuid_flags_result r = { 0 };
	char bad[VCPU_CPUID_ITEM_MAX];
	struct ucall uc;
	struct vcpu *v;
	struct vm *vm;
	int err, cmd;

	KT_ASSERT(t, !vcpu_cpuid_flags_parse(flags, &(struct vcpu_cpuid_flags){ 0 }, bad),
		  "\"%s\" refused at \"%s\"", flags, bad);
	vm = ktest_guest64(t, "cpuid_flags", MiB(4), &v);
	if (!vm)
		return false;
	vm_lapic_enable(vm, v);
	vcpu_cpuid_flags_parse(flags, &vm->cpuid_flags, bad);
	err = vcpu_set_cpuid_flags(v, &vm->cpuid_flags);
	if (err == -ENOTSUP) {
		vm_destroy(vm);
		kprintf("guest.cpuid-flags: this CPU cannot show what \"%s\" asks (printed above): "
			"that run skipped\n", flags);
		return false;
	}
	KT_ASSERT(t, !err, "vcpu_set_cpuid_flags(\"%s\"): %d", flags, err);
	cmd = vm_run(v, RUN_BUDGET, &uc);
	if (cmd != UCALL_DONE)
		ktest_fail(t, "cpuid=\"%s\": expected the guest's DONE, saw %d (%s)%s%s", flags,
			   cmd, ktest_exit_name(v), cmd == UCALL_ABORT ? ": " : "",
			   cmd == UCALL_ABORT ? uc.buffer : "");
	memcpy(&r, vm_gpa_to_hva(vm, CPUID_FLAGS_RESULT_GPA), sizeof(r));
	kprintf("cpuid=\"%s\": CPUID.1:ECX 0x%llx CPUID.7:EBX 0x%llx, vectors (-1: none): "
		"EXTD %lld, RDMSR 0x802 %lld, CR4.PCIDE %lld (CR4 0x%llx), INVPCID %lld\n", flags,
		(u64)r.cpuid1_ecx, (u64)r.cpuid7_ebx, (s64)r.extd_vector, (s64)r.x2apic_msr_vector,
		(s64)r.pcide_vector, (u64)r.cr4, (s64)r.invpcid_vector);
	check_result(t, flags, &vm->cpuid_flags, &r);
	vm_destroy(vm);
	return true;
}

KTEST(test_guest_cpuid_flags, "guest.cpuid-flags")
{
	if (!ktest_need_vmx(t))
		return;
	run_flags(t, "-x2apic,-pcid,-invpcid");
	run_flags(t, "");
	run_flags(t, "+invpcid,+pcid,+x2apic");
	run_flags(t, "+invpcid");
}
