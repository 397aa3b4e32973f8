/*
 * Guest state the CPU does not switch at VM entry and exit (SDM Vol. 3C
 * 25.4, 28.3 list what it does): XCR0 and the x87, SSE and AVX registers
 * (the FPU state, saved with XSAVE, or FXSAVE where the CPU has no XSAVE).
 * The SYSCALL, SWAPGS and RDTSCP MSRs are vmx/shared_msrs.c's.  XCR0 is
 * the guest's only from VM entry to VM exit: in root operation it enables
 * every component (cpu_enable_fpu_state()), so that XSAVE keeps all a
 * guest may have used, whatever its own XCR0.  The hypervisor uses no
 * floating point or vector registers (-mgeneral-regs-only), so a vCPU's
 * stay loaded on its CPU while it runs and between runs, and are swapped
 * only when another vCPU enters on that CPU or the vCPU leaves it.
 *
 * DR0-DR3 and DR6 go the same way.  The VMCS switches DR7 alone (SDM Vol.
 * 3C 25.4.1, 28.5.1: a VM exit sets DR7 to 0x400, so none of the guest's
 * breakpoints is armed in root operation), and guests reach DR0-DR6 with
 * no exit (no MOV-DR exiting: the CPU gives every debug-register rule, as
 * kvm-unit-tests' `debug` checks).  The hypervisor never uses them, so a
 * vCPU's stay in the CPU until another vCPU, of this VM or another, enters
 * there: without the swap a guest would read, and take #DB on, another
 * VM's breakpoint addresses.
 */
#include "arch/x86/cpu.h"
#include "arch/x86/percpu.h"
#include "lib/errno.h"
#include "mm/frame.h"
#include "vcpu_internal.h"
#include "vmx/vmcs.h"

#define CPUID_LEAF_XSTATE 0xd
#define FXSAVE_SIZE 512
#define FXSAVE_FCW_OFFSET 0
#define FXSAVE_MXCSR_OFFSET 24
#define FCW_INIT 0x37f		/* x87 control word after FNINIT (SDM Vol. 1 8.1.5) */
#define MXCSR_INIT 0x1f80	/* all SSE exceptions masked (SDM Vol. 1 10.2.3.1) */
#define PAGE_SIZE_4K 4096
/*
 * DR6 and DR7 (SDM Vol. 3B 18.2.3, 18.2.4, 18.2.6): the bits software can
 * change (DR6: B0-B3, BD, BS, BT; DR7: all but bit 10, fixed 1, and the
 * reserved 11, 12, 14 and 15, fixed 0) and the ones that read as 1.
 */
#define DR6_VOLATILE 0xe00fULL
#define DR6_FIXED_1 0xffff0ff0ULL
#define DR7_VOLATILE 0xffff2bffULL
#define DR7_FIXED_1 0x400ULL

static bool host_has_xsave(void)
{
	return read_cr4() & X86_CR4_OSXSAVE;
}

/* Bytes an XSAVE of every feature the CPU supports needs (CPUID.0DH.0:ECX), or FXSAVE's. */
static u32 fpu_area_size(void)
{
	return host_has_xsave() ? cpuid_count(CPUID_LEAF_XSTATE, 0).ecx : FXSAVE_SIZE;
}

static unsigned int fpu_area_order(void)
{
	unsigned int order = ORDER_4K;

	while ((u32)(PAGE_SIZE_4K << order) < fpu_area_size())
		order++;
	return order;
}

/*
 * A new vCPU's FPU state: the area zeroed (for XRSTOR, XSTATE_BV 0: every
 * component in its initial state) with the x87 control word and MXCSR of
 * a CPU after reset, which FXRSTOR and XRSTOR load from the legacy region.
 */
/*
 * The hypervisor's XCR0: every component the CPU has, the same on every
 * CPU (cpu_enable_fpu_state() at boot) and never changed in root
 * operation, so it is read once, when the first vCPU is made, rather than
 * with an XGETBV (and a CR4 read) around every entry.  0: no XSAVE.
 */
u64 vcpu_host_xcr0;

int vcpu_fpu_alloc(struct vcpu *v)
{
	u8 *area = frame_zalloc(fpu_area_order());

	if (host_has_xsave())
		vcpu_host_xcr0 = xgetbv(0);

	if (!area)
		return -ENOMEM;
	*(u16 *)(area + FXSAVE_FCW_OFFSET) = FCW_INIT;
	*(u32 *)(area + FXSAVE_MXCSR_OFFSET) = MXCSR_INIT;
	v->fpu = area;
	return 0;
}

void vcpu_fpu_free(struct vcpu *v)
{
	if (v->fpu)
		frame_free(v->fpu);
	v->fpu = NULL;
}

/* Every component XCR0 enables (XSAVE), or the x87 and SSE state (FXSAVE). */
static void fpu_save(void *area)
{
	if (host_has_xsave())
		__asm__ __volatile__("xsave64 %0" : "+m"(*(u8 (*)[FXSAVE_SIZE])area)
				     : "a"(~0u), "d"(~0u));
	else
		__asm__ __volatile__("fxsave64 %0" : "+m"(*(u8 (*)[FXSAVE_SIZE])area));
}

static void fpu_restore(void *area)
{
	if (host_has_xsave())
		__asm__ __volatile__("xrstor64 %0" : : "m"(*(u8 (*)[FXSAVE_SIZE])area),
				     "a"(~0u), "d"(~0u));
	else
		__asm__ __volatile__("fxrstor64 %0" : : "m"(*(u8 (*)[FXSAVE_SIZE])area));
}

static void debugregs_save(struct vcpu *v)
{
	v->db[0] = read_dr0();
	v->db[1] = read_dr1();
	v->db[2] = read_dr2();
	v->db[3] = read_dr3();
	v->dr6 = read_dr6();
}

static void debugregs_restore(const struct vcpu *v)
{
	write_dr0(v->db[0]);
	write_dr1(v->db[1]);
	write_dr2(v->db[2]);
	write_dr3(v->db[3]);
	write_dr6(v->dr6);
}

/* Keep what the CPU holds of the owner's state before another vCPU's goes in. */
static void save_owner(struct percpu *c)
{
	struct vcpu *o = c->guest_msr_owner;

	/* With the hypervisor's XCR0, every component: whatever the guest used. */
	if (o) {
		fpu_save(o->fpu);
		debugregs_save(o);
	}
	c->guest_msr_owner = NULL;
}

void vcpu_load_guest_state(struct vcpu *v)
{
	struct percpu *c = this_cpu();

	if (c->guest_msr_owner == v)
		return;
	save_owner(c);
	fpu_restore(v->fpu);
	debugregs_restore(v);
	c->guest_msr_owner = v;
}

/* Where v's DR0-DR3 and DR6 are now: this CPU's registers, or v itself. */
static bool debugregs_live(const struct vcpu *v)
{
	return this_cpu()->guest_msr_owner == v;
}

/* DR0-DR3 0, DR6 0xffff0ff0, DR7 0x400 after RESET and INIT (SDM Vol. 3A 10.1.1, Table 10-1). */
void vcpu_reset_debugregs(struct vcpu *v)
{
	for (unsigned int i = 0; i < VCPU_NR_DB; i++)
		v->db[i] = 0;
	v->dr6 = DR6_FIXED_1;
	if (debugregs_live(v))
		debugregs_restore(v);
}

void vcpu_get_debugregs(struct vcpu *v, struct vcpu_debugregs *d)
{
	vcpu_load(v);
	if (debugregs_live(v))
		debugregs_save(v);
	for (unsigned int i = 0; i < VCPU_NR_DB; i++)
		d->db[i] = v->db[i];
	d->dr6 = v->dr6;
	d->dr7 = vmcs_readnat(GUEST_DR7);
}

int vcpu_set_debugregs(struct vcpu *v, const struct vcpu_debugregs *d)
{
	if ((d->dr6 | d->dr7) >> 32)
		return -EINVAL;
	vcpu_load(v);
	for (unsigned int i = 0; i < VCPU_NR_DB; i++)
		v->db[i] = d->db[i];
	v->dr6 = (d->dr6 & DR6_VOLATILE) | DR6_FIXED_1;
	vmcs_writenat(GUEST_DR7, (d->dr7 & DR7_VOLATILE) | DR7_FIXED_1);
	if (debugregs_live(v))
		debugregs_restore(v);
	return 0;
}

void vcpu_put_guest_state(struct vcpu *v)
{
	struct percpu *c = this_cpu();

	if (c->guest_msr_owner == v)
		save_owner(c);
}

void vcpu_forget_guest_state(struct vcpu *v)
{
	for (unsigned int i = 0; i < nr_cpus; i++)
		__atomic_compare_exchange_n(&cpus[i].guest_msr_owner, &v, NULL, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
